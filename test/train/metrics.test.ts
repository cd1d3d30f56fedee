import * as tf from "@tensorflow/tfjs";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { useBackend } from "../../src/train/backend.js";
import { clipByGlobalNorm } from "../../src/train/index.js";
import { evaluateMetrics, lossKind, lossTensor } from "../../src/train/metrics.js";

await useBackend("cpu");

const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-6, `${a} vs ${b}`);

test("classification metrics: accuracy, macro precision/recall/F1, cross-entropy", () => {
  // targets 0 0 1 2; predicted 0 1 1 1 (argmax of each row)
  const pred = Float32Array.from([0.7, 0.2, 0.1, 0.3, 0.6, 0.1, 0.2, 0.5, 0.3, 0.1, 0.8, 0.1]);
  const y = Float32Array.from([0, 0, 1, 2]);
  const m = evaluateMetrics("crossentropy", "classification", pred, y, 3);
  close(m.accuracy, 0.5);
  close(m.error, 0.5);
  // class 0: P 1/1, R 1/2; class 1: P 1/3, R 1/1; class 2: P 0, R 0
  close(m.precision, (1 + 1 / 3 + 0) / 3);
  close(m.recall, (0.5 + 1 + 0) / 3);
  close(m.f1, ((2 * 0.5) / 1.5 + (2 * (1 / 3)) / (4 / 3) + 0) / 3);
  close(m.loss, -(Math.log(0.7) + Math.log(0.3) + Math.log(0.5) + Math.log(0.1)) / 4);
  assert.is(m.perplexity, undefined);
  const lm = evaluateMetrics("crossentropy", "language_model", pred, y, 3);
  close(lm.perplexity, Math.exp(lm.loss));
});

test("translation metrics skip padding positions", () => {
  const pred = Float32Array.from([0.1, 0.9, 0.8, 0.2, 0.5, 0.5]);
  const y = Float32Array.from([1, 1, 0]);
  const m = evaluateMetrics("crossentropy", "translation", pred, y, 2);
  close(m.token_accuracy, 0.5);
  close(m.loss, -(Math.log(0.9) + Math.log(0.2)) / 2);
  const t = lossTensor(
    "crossentropy",
    "translation",
    tf.tensor3d([
      [
        [0.1, 0.9],
        [0.8, 0.2],
        [0.5, 0.5],
      ],
    ]),
    tf.tensor2d([[1, 1, 0]]),
  );
  close(t.dataSync()[0], m.loss);
});

test("regression metrics and losses", () => {
  const m = evaluateMetrics(
    "mse",
    "regression",
    Float32Array.from([1, 2, 4]),
    Float32Array.from([1, 3, 2]),
    1,
  );
  close(m.loss, 5 / 3);
  close(m.mae, 1);
  close(m.rmse, Math.sqrt(5 / 3));
  close(
    lossTensor("mae", "regression", tf.tensor2d([[1], [2], [4]]), tf.tensor1d([1, 3, 2])).dataSync()[0],
    1,
  );
  assert.is(lossKind(undefined, "regression"), "mse");
  assert.throws(() => lossKind("hinge", "classification"), /unknown loss "hinge"/);
});

test("gradient clipping scales to the global norm, and leaves small gradients alone", () => {
  const g = { a: tf.tensor1d([3, 0]), b: tf.tensor1d([0, 4]) }; // global norm 5
  const clipped = clipByGlobalNorm(g, 1);
  assert.equal(Array.from(clipped.a.dataSync()), [Math.fround(0.6), 0]);
  assert.equal(Array.from(clipped.b.dataSync()), [0, Math.fround(0.8)]);
  const kept = clipByGlobalNorm(g, 10);
  assert.equal(Array.from(kept.b.dataSync()), [0, 4]);
});

test.run();
