import { test } from "uvu";
import * as assert from "uvu/assert";
import { holdout, kfold } from "../../src/data/split.js";
import type { Dataset } from "../../src/data/types.js";

function classes(labels: number[]): Dataset {
  return {
    task: "classification",
    n: labels.length,
    inputShape: [1],
    x: Float32Array.from(labels, (_, i) => i),
    y: Float32Array.from(labels),
    numClasses: 2,
  };
}

const data = classes([...Array(30).fill(0), ...Array(10).fill(1)]);

test("holdout is stratified, disjoint, complete and seeded", () => {
  const s = holdout(data, 0.2, 7);
  assert.is(s.validation.length, 8);
  assert.is(s.train.length, 32);
  assert.is(Array.from(s.validation).filter((i) => data.y[i] === 1).length, 2);
  const all = new Set([...s.train, ...s.validation]);
  assert.is(all.size, 40);
  assert.equal(Array.from(holdout(data, 0.2, 7).validation), Array.from(s.validation));
  assert.not.equal(Array.from(holdout(data, 0.2, 8).validation), Array.from(s.validation));
});

test("kfold: every sample validates once, folds keep class proportions", () => {
  const folds = kfold(data, 5, 1);
  assert.is(folds.length, 5);
  const seen = new Array(40).fill(0);
  for (const f of folds) {
    assert.is(f.validation.length, 8);
    assert.is(Array.from(f.validation).filter((i) => data.y[i] === 1).length, 2);
    for (const i of f.validation) seen[i]++;
    assert.is(f.train.length + f.validation.length, 40);
  }
  assert.ok(seen.every((c) => c === 1));
});

test("rejects impossible splits", () => {
  assert.throws(() => holdout(data, 1.5, 0), /between 0 and 1/);
  assert.throws(() => kfold(data, 1, 0), /k >= 2/);
  assert.throws(() => kfold(classes([0, 1]), 3, 0), /at least 3 samples/);
});

test.run();
