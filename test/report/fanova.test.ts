import { test } from "uvu";
import * as assert from "uvu/assert";
import { treeImportances } from "../../src/report/fanova.js";
import {
  fitForest,
  fitTree,
  predictForest,
  predictTree,
  type RegressionTree,
} from "../../src/report/forest.js";

const unit = [
  { low: 0, high: 1 },
  { low: 0, high: 1 },
];

test("a tree that splits on one feature gives it all of the variance", () => {
  // x0 <= 0.5 → 0, else 1
  const tree: RegressionTree = {
    nodes: [
      { feature: 0, threshold: 0.5, left: 1, right: 2, value: 0.5 },
      { feature: -1, threshold: 0, left: -1, right: -1, value: 0 },
      { feature: -1, threshold: 0, left: -1, right: -1, value: 1 },
    ],
  };
  assert.equal(treeImportances(tree, unit, [[0], [1]]), [1, 0]);
});

test("an additive tree splits its variance by main effects; an interaction belongs to neither alone", () => {
  // Leaves f = a(x0) + b(x1) with a ∈ {0, 2}, b ∈ {0, 1} on halves: Var a = 1, Var b = 0.25.
  const leaf = (value: number) => ({ feature: -1, threshold: 0, left: -1, right: -1, value });
  const additive: RegressionTree = {
    nodes: [
      { feature: 0, threshold: 0.5, left: 1, right: 4, value: 0 },
      { feature: 1, threshold: 0.5, left: 2, right: 3, value: 0 },
      leaf(0),
      leaf(1),
      { feature: 1, threshold: 0.5, left: 5, right: 6, value: 0 },
      leaf(2),
      leaf(3),
    ],
  };
  const [a, b, both] = treeImportances(additive, unit, [[0], [1], [0, 1]])!;
  assert.ok(Math.abs(a - 0.8) < 1e-12 && Math.abs(b - 0.2) < 1e-12, `${a} ${b}`);
  assert.ok(Math.abs(both - 1) < 1e-12);
  // XOR: each feature alone explains nothing, together everything.
  const xor: RegressionTree = {
    nodes: additive.nodes.map((n, i) => (i === 6 ? leaf(0) : i === 5 ? leaf(1) : n)),
  };
  const [xa, xb, xboth] = treeImportances(xor, unit, [[0], [1], [0, 1]])!;
  assert.ok(xa < 1e-12 && xb < 1e-12 && Math.abs(xboth - 1) < 1e-12, `${xa} ${xb} ${xboth}`);
});

test("a constant tree has no variance to share", () => {
  const tree: RegressionTree = { nodes: [{ feature: -1, threshold: 0, left: -1, right: -1, value: 3 }] };
  assert.is(treeImportances(tree, unit, [[0]]), undefined);
});

test("a fully grown tree reproduces its training data; the forest averages its trees", () => {
  const X = [0.1, 0.4, 0.7, 0.9].map((v) => Float64Array.of(v, 1 - v));
  const y = [3, 1, 4, 1];
  const tree = fitTree(X, y, [0, 1, 2, 3], { maxDepth: 64, minSamplesSplit: 2, minSamplesLeaf: 1 });
  X.forEach((x, i) => {
    assert.is(predictTree(tree, x), y[i]);
  });
  const forest = fitForest(X, y, { nTrees: 5, seed: 1 });
  assert.is(forest.length, 5);
  const mean = forest.reduce((s, t) => s + predictTree(t, X[0]), 0) / 5;
  assert.is(predictForest(forest, X[0]), mean);
});

test("maxDepth stops growth", () => {
  const X = [0, 1, 2, 3].map((v) => Float64Array.of(v));
  const tree = fitTree(X, [0, 1, 2, 3], [0, 1, 2, 3], { maxDepth: 1, minSamplesSplit: 2, minSamplesLeaf: 1 });
  assert.is(tree.nodes.length, 3);
});

test.run();
