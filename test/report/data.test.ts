import { test } from "uvu";
import * as assert from "uvu/assert";
import {
  bestSoFar,
  bestTrial,
  dominates,
  durationSeconds,
  paretoFront,
  parameterNames,
  stateCounts,
} from "../../src/report/data.js";
import { smallStudy, twoObjectiveStudy } from "./fixtures.js";

test("the best trial is the lowest completed value when minimizing, ignoring failed and pruned", () => {
  assert.is(bestTrial(smallStudy())?.number, 1);
});

test("maximizing picks the highest value and ties go to the earlier trial", () => {
  const data = smallStudy();
  data.objectives[0].direction = "maximize";
  data.trials[4].values = [0.5];
  assert.is(bestTrial(data)?.number, 0);
});

test("a study with no completed trial has no best trial", () => {
  const data = smallStudy();
  data.trials = data.trials.filter((t) => t.state !== "complete");
  assert.is(bestTrial(data), undefined);
});

test("non-finite values are not scored", () => {
  const data = smallStudy();
  data.trials[1].values = [Number.NaN];
  assert.is(bestTrial(data)?.number, 4);
});

test("best-so-far follows completed trials in number order", () => {
  assert.equal(bestSoFar(smallStudy()), [
    { number: 0, value: 0.5, best: 0.5 },
    { number: 1, value: 0.3, best: 0.3 },
    { number: 4, value: 0.4, best: 0.3 },
  ]);
});

test("dominance respects each objective's direction", () => {
  const dirs = ["minimize", "maximize"] as const;
  assert.ok(dominates([1, 5], [2, 4], dirs));
  assert.not.ok(dominates([1, 5], [1, 5], dirs));
  assert.not.ok(dominates([1, 3], [2, 4], dirs));
});

test("the Pareto front keeps exactly the non-dominated trials", () => {
  // minimize f1, maximize f2: (1,1) (2,3) (3,4) are a front; (2,2) is dominated by (2,3); (4,4) by (3,4)
  const data = twoObjectiveStudy([
    [1, 1],
    [2, 2],
    [2, 3],
    [3, 4],
    [4, 4],
  ]);
  assert.equal(
    paretoFront(data).map((t) => t.number),
    [0, 2, 3],
  );
});

test("durations come from start and end times; a running trial has none", () => {
  const data = smallStudy();
  assert.is(durationSeconds(data.trials[0]), 2.5);
  assert.is(durationSeconds(data.trials[5]), undefined);
});

test("parameter names follow the space, then other names seen in trials", () => {
  const data = smallStudy();
  data.trials[0].params.extra = 1;
  assert.equal(parameterNames(data), ["lr", "layers", "act", "extra"]);
});

test("state counts cover every trial", () => {
  assert.equal(stateCounts(smallStudy()), { running: 1, complete: 3, pruned: 1, failed: 1 });
});

test.run();
