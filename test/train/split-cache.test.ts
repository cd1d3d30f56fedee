import { test } from "uvu";
import * as assert from "uvu/assert";
import { holdout } from "../../src/data/split.js";
import type { Dataset } from "../../src/data/types.js";
import { splitParts } from "../../src/train/split-cache.js";

function pool(n: number): Dataset {
  return {
    task: "classification",
    n,
    inputShape: [2],
    x: Float32Array.from({ length: 2 * n }, (_, i) => i),
    y: Float32Array.from({ length: n }, (_, i) => i % 2),
    numClasses: 2,
  };
}

test("consecutive trials on the same data and split share one copy of the parts", () => {
  const data = pool(20);
  let splits = 0;
  const split = () => {
    splits++;
    return [holdout(data, 0.25, 7)];
  };
  const first = splitParts(data, "a", data, split);
  const again = splitParts(data, "a", data, split);
  assert.is(again, first);
  assert.is(splits, 1);
  assert.is(first[0].train.n + first[0].validation.n, 20);
  // The parts are the split's samples, copied out of the pool.
  const s = holdout(data, 0.25, 7);
  assert.equal(
    Array.from(first[0].validation.y),
    Array.from(s.validation, (j) => data.y[j]),
  );
  assert.equal(Array.from(first[0].train.x.subarray(0, 2)), [2 * s.train[0], 2 * s.train[0] + 1]);
});

test("another split key or other data make new parts", () => {
  const data = pool(20);
  const a = splitParts(data, "a", data, () => [holdout(data, 0.25, 7)]);
  const b = splitParts(data, "b", data, () => [holdout(data, 0.5, 7)]);
  assert.is.not(b, a);
  assert.is(b[0].validation.n, 10);
  const other = pool(20);
  const c = splitParts(other, "b", other, () => [holdout(other, 0.5, 7)]);
  assert.is.not(c, b);
  assert.is(c[0].train.x === b[0].train.x, false);
});

test.run();
