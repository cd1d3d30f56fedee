import { test } from "uvu";
import * as assert from "uvu/assert";
import { HpoError } from "../../src/util/errors.js";
import {
  checkWasmFits,
  trainingStateBytes,
  WASM_ABORT,
  WASM_STATE_BUDGET,
  wasmAbortError,
} from "../../src/train/wasm-memory.js";

test("training state: float32 weights and gradients plus the optimizer's slots, per fold model", () => {
  assert.is(trainingStateBytes(1000, 2, 1), 16_000); // adam: weights, gradients, two moments
  assert.is(trainingStateBytes(1000, 0, 5), 40_000); // plain SGD in 5 folds
});

test("a model whose training state exceeds the budget is refused with its sizes and what to do", () => {
  checkWasmFits(1_000_000, 2, 1, "adam"); // 16 MB: fine
  const params = Math.ceil(WASM_STATE_BUDGET / 16) + 1;
  try {
    checkWasmFits(params, 2, 1, "adam");
    assert.unreachable("expected a refusal");
  } catch (err) {
    assert.instance(err, HpoError);
    const e = err as HpoError;
    assert.match(e.message, `this model has ${params.toLocaleString("en-US")} trainable parameters`);
    assert.match(
      e.message,
      /adam's state need 3\.0 GB, more than the 3\.0 GB hpo allows them on the wasm backend/,
    );
    assert.match(String(e.hint), /@tensorflow\/tfjs-node/);
  }
  assert.throws(() => checkWasmFits(60_000_000, 2, 5, "adam"), /in 5 folds need 4\.5 GB/);
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
