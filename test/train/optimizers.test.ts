import * as tf from "@tensorflow/tfjs";
import { test } from "uvu";
import * as assert from "uvu/assert";
import type { CallValue } from "../../src/plan/types.js";
import { useBackend } from "../../src/train/backend.js";
import { createOptimizer } from "../../src/train/optimizers.js";

await useBackend("cpu");

const call = (name: string, kwargs: Record<string, number | boolean> = {}): CallValue => ({
  call: name,
  args: [],
  kwargs,
});

/** One step on f(w) = w² from w = 1 (gradient 2): the new w. */
function step(spec: CallValue, rate?: number, steps = 1): number {
  const opt = createOptimizer(spec);
  if (rate !== undefined) opt.setLearningRate(rate);
  const init = tf.scalar(1);
  const w = tf.variable(init);
  init.dispose();
  for (let i = 0; i < steps; i++) opt.optimizer.minimize(() => tf.square(w) as tf.Scalar, false, [w]);
  const out = w.dataSync()[0];
  w.dispose();
  opt.dispose();
  return out;
}

const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-5, `${a} vs ${b}`);

test("sgd follows w ← w − lr·g, and a changed rate takes effect", () => {
  close(step(call("sgd", { lr: 0.1 })), 0.8);
  close(step(call("sgd", { lr: 0.1 }), 0.25), 0.5);
});

test("momentum and Nesterov momentum differ as their update rules say", () => {
  // momentum 0.5, lr 0.1: v1 = 2, w1 = 0.8; g = 1.6, v2 = 0.5·2 + 1.6 = 2.6, w2 = 0.54
  close(step(call("sgd", { lr: 0.1, momentum: 0.5 }), undefined, 2), 0.54);
  // Nesterov (tf.train.momentum): w1 = 1 − 0.1·(2 + 0.5·2) = 0.7
  close(step(call("sgd", { lr: 0.1, momentum: 0.5, nesterov: true })), 0.7);
});

test("adam, rmsprop, adagrad and adadelta use the rate set by a schedule", () => {
  // Adam's first step moves by ≈ lr whatever the gradient's size.
  close(step(call("adam", { lr: 0.1 })), 0.9);
  close(step(call("adam", { lr: 0.1 }), 0.01), 0.99);
  for (const name of ["rmsprop", "adagrad", "adadelta"]) {
    const a = 1 - step(call(name, { lr: 0.1 }));
    const b = 1 - step(call(name, { lr: 0.1 }), 0.05);
    close(b / a, 0.5);
  }
  assert.throws(() => createOptimizer(call("lamb", { lr: 0.1 })), /unknown optimizer `lamb`/);
  assert.throws(() => createOptimizer(call("adam", { lr: -1 })), /adam\(lr\) must be above 0, got -1/);
});

test("optimizers free all their tensors", () => {
  const before = tf.memory().numTensors;
  for (const spec of [
    call("sgd", { lr: 0.1, momentum: 0.9 }),
    call("adam"),
    call("rmsprop"),
    call("adagrad"),
    call("adadelta"),
  ])
    step(spec, 0.01, 2);
  assert.is(tf.memory().numTensors, before);
});

test.run();
