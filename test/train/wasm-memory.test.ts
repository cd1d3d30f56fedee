import { test } from "uvu";
import * as assert from "uvu/assert";
import { HpoError } from "../../src/util/errors.js";
import {
  activationBytes,
  checkTrainingMemory,
  HOST_MEMORY_SHARE,
  trainingStateBytes,
  type TrainingMemory,
  WASM_ABORT,
  WasmTooSmall,
  wasmAbortError,
  wasmLimits,
} from "../../src/train/wasm-memory.js";

const GB = 2 ** 30;

test("training state: float32 weights and gradients plus the optimizer's slots, per fold model", () => {
  assert.is(trainingStateBytes(1000, 2, 1), 16_000); // adam: weights, gradients, two moments
  assert.is(trainingStateBytes(1000, 0, 5), 40_000); // plain SGD in 5 folds
});

test("activations: every layer's output for the batch, and as much again for its gradient", () => {
  const layers = [
    { outputShape: [null, 20, 64] },
    {
      outputShape: [
        [null, 20, 64],
        [null, 20],
      ],
    },
  ];
  assert.is(activationBytes(layers, 32), 2 * 4 * 32 * (1280 + 1280 + 20));
  assert.is(activationBytes([], 32), 0);
});

/** The translation example's largest Transformer: 8 layers of width 1024, Adam, batch 128. */
const largest: TrainingMemory = {
  params: 237_542_308,
  stateBytes: trainingStateBytes(237_542_308, 2, 1),
  activationBytes: 2.4 * GB,
  optimizer: "adam",
  folds: 1,
  batch: 128,
};

test("a model over the wasm budget is refused there with its sizes, and fits cpu", () => {
  checkTrainingMemory({ ...largest, params: 1e6, stateBytes: 16e6, activationBytes: 1e6 }, "wasm", 16 * GB);
  checkTrainingMemory(largest, "cpu", 16 * GB);
  try {
    checkTrainingMemory(largest, "wasm", 16 * GB);
    assert.unreachable("expected a refusal");
  } catch (err) {
    assert.instance(err, WasmTooSmall);
    assert.instance(err, HpoError);
    const e = err as HpoError;
    assert.match(e.message, "this model has 237,542,308 trainable parameters");
    assert.match(
      e.message,
      /adam's state need 3\.5 GB, and a batch of 128 about 2\.4 GB of activations: 5\.9 GB in all/,
    );
    assert.match(e.message, /more than the 3\.0 GB hpo allows a model on the wasm backend/);
    assert.match(String(e.hint), /@tensorflow\/tfjs-node/);
  }
  assert.is(wasmLimits.budgetBytes, 3 * GB);
});

test("a model over this machine's memory is refused on every backend, naming both sizes", () => {
  for (const backend of ["cpu", "wasm", "tensorflow"]) {
    try {
      checkTrainingMemory({ ...largest, folds: 5, stateBytes: 5 * largest.stateBytes }, backend, 8 * GB);
      assert.unreachable("expected a refusal");
    } catch (err) {
      assert.instance(err, HpoError);
      assert.not.instance(err, WasmTooSmall);
      assert.match(
        (err as Error).message,
        /in 5 folds need 17\.7 GB, .* 20\.1 GB in all, more than the 6\.0 GB a trial may use on this machine \(75 % of its 8\.0 GB\)/,
      );
    }
  }
  assert.is(HOST_MEMORY_SHARE, 0.75);
});

test("the wasm backend's out-of-memory messages are recognized and explained", () => {
  for (const m of [
    "memory access out of bounds",
    "offset is out of bounds",
    "Aborted(). Build with -sASSERTIONS",
  ])
    assert.ok(WASM_ABORT.test(m), m);
  assert.not.ok(WASM_ABORT.test("Kernel 'Foo' not registered for backend 'wasm'"));
  const e = wasmAbortError(7, 203_000_000, "memory access out of bounds");
  assert.match(
    e.message,
    /^the wasm backend ran out of its 4 GB of memory in trial 7 \(the model has 203,000,000/,
  );
  assert.match(e.message, /later trials run on the slower cpu backend/);
});

test.run();
