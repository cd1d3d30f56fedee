import { test } from "uvu";
import * as assert from "uvu/assert";
import { createPruner } from "../../../src/strategies/pruners/index.js";
import { percentile } from "../../../src/strategies/pruners/median.js";
import type { Pruner, TrialView } from "../../../src/strategies/types.js";
import { HpoError } from "../../../src/util/errors.js";

const curve = (
  number: number,
  values: number[],
  state: TrialView["state"] = "complete",
  from = 0,
): TrialView => ({
  number,
  state,
  params: {},
  values: state === "complete" ? [values[values.length - 1]!] : undefined,
  intermediate: values.map((value, i) => ({ step: from + i, value })),
});

const median = (options = {}): Pruner => createPruner({ name: "median", options })!;

// five complete trials whose values at each step s are 10+s … 50+s (median 30 + s)
const history = [10, 20, 30, 40, 50].map((base, i) =>
  curve(
    i,
    [0, 1, 2, 3, 4, 5].map((s) => base + s),
  ),
);

test("prunes a trial worse than the median of complete trials at the same step", () => {
  const p = median({ warmup: 0 });
  assert.ok(p.shouldPrune(curve(9, [40], "running"), history, "minimize"));
  assert.not.ok(p.shouldPrune(curve(9, [25], "running"), history, "minimize"));
  // maximizing, the comparison flips
  assert.not.ok(p.shouldPrune(curve(9, [40], "running"), history, "maximize"));
  assert.ok(p.shouldPrune(curve(9, [25], "running"), history, "maximize"));
});

test("compares the trial's best value so far with the median at its latest step", () => {
  const p = median({ warmup: 0 });
  // best 20 so far (step 0), now at step 3 the median is 33: kept
  assert.not.ok(p.shouldPrune(curve(9, [20, 50, 60, 70], "running"), history, "minimize"));
  // best 35 > 33: pruned
  assert.ok(p.shouldPrune(curve(9, [35, 50, 60, 70], "running"), history, "minimize"));
});

test("no pruning before `startup` complete trials", () => {
  const p = median({ warmup: 0, startup: 6 });
  assert.not.ok(p.shouldPrune(curve(9, [1000], "running"), history, "minimize"));
  assert.ok(median({ warmup: 0, startup: 5 }).shouldPrune(curve(9, [1000], "running"), history, "minimize"));
  // running, pruned and failed trials do not count
  const mixed = [...history.slice(0, 4), curve(7, [1, 2], "pruned"), curve(8, [1], "failed")];
  assert.not.ok(median({ warmup: 0 }).shouldPrune(curve(9, [1000], "running"), mixed, "minimize"));
});

test("no pruning during the warmup steps (default 2)", () => {
  const p = median();
  assert.not.ok(p.shouldPrune(curve(9, [1000, 1000], "running"), history, "minimize"));
  assert.ok(p.shouldPrune(curve(9, [1000, 1000, 1000], "running"), history, "minimize"));
});

test("checks once per interval after the warmup, catching up a skipped checkpoint", () => {
  const p = median({ warmup: 1, interval: 2 });
  const bad = (steps: number[]) => ({
    number: 9,
    state: "running" as const,
    params: {},
    intermediate: steps.map((step) => ({ step, value: 1000 })),
  });
  assert.ok(p.shouldPrune(bad([0, 1]), history, "minimize")); // checkpoint 1
  assert.not.ok(p.shouldPrune(bad([0, 1, 2]), history, "minimize")); // 2 is between checkpoints
  assert.ok(p.shouldPrune(bad([0, 1, 2, 3]), history, "minimize")); // checkpoint 3
  assert.ok(p.shouldPrune(bad([0, 2]), history, "minimize")); // checkpoint 1 was skipped: checked at 2
});

test("a step no complete trial reported does not prune; a NaN best value does", () => {
  const p = median({ warmup: 0 });
  assert.not.ok(p.shouldPrune(curve(9, [1000], "running", 50), history, "minimize"));
  assert.ok(p.shouldPrune(curve(9, [Number.NaN], "running"), history, "minimize"));
  assert.not.ok(
    p.shouldPrune({ number: 9, state: "running", params: {}, intermediate: [] }, history, "minimize"),
  );
});

test("median interpolates like numpy", () => {
  assert.is(percentile([3, 1, 2], 50), 2);
  assert.is(percentile([4, 1, 2, 3], 50), 2.5);
  assert.is(percentile([1, 2, 3, 4, 5], 25), 2);
});

test("createPruner: none, the median pruner, and clear errors", () => {
  assert.is(createPruner(undefined), undefined);
  assert.is(median().name, "median");
  assert.throws(
    () => createPruner({ name: "hyperband" as "median", options: {} }),
    (e: unknown) => e instanceof HpoError && /unknown pruner/.test(e.message),
  );
  assert.throws(
    () => median({ patience: 3 }),
    (e: unknown) => e instanceof HpoError && /no option `patience`/.test(e.message),
  );
  assert.throws(
    () => median({ interval: 0 }),
    (e: unknown) => e instanceof HpoError,
  );
  assert.throws(
    () => median({ warmup: -1 }),
    (e: unknown) => e instanceof HpoError,
  );
});

test.run();
