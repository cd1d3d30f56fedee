import { test } from "uvu";
import * as assert from "uvu/assert";
import type { TrialView } from "../../../src/strategies/types.js";
import { defaultWeights, gamma } from "../../../src/strategies/tpe/index.js";
import {
  hypervolume,
  nonDominationRanks,
  selectByHypervolume,
  splitTrials,
} from "../../../src/strategies/tpe/split.js";

const done = (number: number, ...values: number[]): TrialView => ({
  number,
  state: "complete",
  params: {},
  values,
  intermediate: [],
});

test("gamma is Optuna's min(ceil(0.1 n), 25), uncapped with several objectives", () => {
  assert.equal(
    [1, 10, 11, 100, 250, 1000].map((n) => gamma(n, 1)),
    [1, 1, 2, 10, 25, 25],
  );
  assert.is(gamma(1000, 2), 100);
});

test("default weights: ones up to 25, then a ramp from 1/n for the oldest", () => {
  assert.equal(Array.from(defaultWeights(3)), [1, 1, 1]);
  const w = defaultWeights(30);
  assert.is(w.length, 30);
  assert.ok(Math.abs(w[0]! - 1 / 30) < 1e-15);
  assert.ok(Math.abs(w[4]! - 1) < 1e-15);
  assert.ok(w.slice(5).every((v) => v === 1));
  assert.ok(Math.abs(defaultWeights(26)[0]! - 1 / 26) < 1e-15);
});

test("single objective: the best go below, running trials above, both in number order", () => {
  const trials = [done(0, 5), done(1, 1), done(2, 3), done(3, 2)];
  const running: TrialView = { number: 4, state: "running", params: {}, intermediate: [] };
  const { below, above } = splitTrials(trials, [running], ["minimize"], 2);
  assert.equal(
    below.map((t) => t.number),
    [1, 3],
  );
  assert.equal(
    above.map((t) => t.number),
    [0, 2, 4],
  );
  const max = splitTrials(trials, [], ["maximize"], 1);
  assert.equal(
    max.below.map((t) => t.number),
    [0],
  );
});

test("pruned trials fill the rest of below, deepest and best first", () => {
  const pruned = (number: number, steps: [number, number][]): TrialView => ({
    number,
    state: "pruned",
    params: {},
    intermediate: steps.map(([step, value]) => ({ step, value })),
  });
  const trials = [
    done(0, 1),
    pruned(1, [[1, 0.1]]),
    pruned(2, [
      [1, 5],
      [3, 9],
    ]),
    pruned(3, [[3, 2]]),
  ];
  const { below } = splitTrials(trials, [], ["minimize"], 3);
  assert.equal(
    below.map((t) => t.number),
    [0, 2, 3],
  );
});

test("non-domination ranks", () => {
  const ranks = nonDominationRanks([
    [1, 5],
    [2, 2],
    [5, 1],
    [3, 3],
    [6, 6],
    [2, 2],
  ]);
  assert.equal(ranks, [0, 0, 0, 1, 2, 0]);
});

test("hypervolume in 2 and 3 dimensions", () => {
  assert.is(
    hypervolume(
      [
        [1, 2],
        [2, 1],
      ],
      [3, 3],
    ),
    3,
  );
  assert.is(hypervolume([[0, 0, 0]], [1, 2, 3]), 6);
  // two unit-overlapping boxes in 3-D: 2·2·2 + 2·2·2 − 1·1·2 (overlap) …
  assert.is(
    hypervolume(
      [
        [0, 1, 0],
        [1, 0, 0],
      ],
      [2, 2, 2],
    ),
    4 + 4 - 2,
  );
});

test("multi-objective: the first fronts go below, the last cut by hypervolume contribution", () => {
  const trials = [done(0, 0, 10), done(1, 10, 0), done(2, 5, 5), done(3, 4.9, 5.1), done(4, 9, 9)];
  const { below, above } = splitTrials(trials, [], ["minimize", "minimize"], 3);
  // front {0,1,2,3}, reference (11, 11): (5,5) adds 36, then each extreme adds 5 while (4.9,5.1)
  // adds only 0.59 beside (5,5)
  assert.equal(
    below.map((t) => t.number),
    [0, 1, 2],
  );
  assert.equal(
    above.map((t) => t.number),
    [3, 4],
  );
  assert.equal(
    selectByHypervolume(
      [
        [0, 10],
        [10, 0],
        [5, 5],
      ],
      1,
    ).length,
    1,
  );
});

test.run();
