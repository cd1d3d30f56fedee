import { test } from "uvu";
import * as assert from "uvu/assert";
import { readOptions } from "../../src/plan/options.js";
import { HpoError } from "../../src/util/errors.js";

const fails = (fn: () => unknown, message: RegExp) =>
  assert.throws(fn, (e: unknown) => e instanceof HpoError && message.test(e.message));

test("fills every absent option with its catalogue default", () => {
  assert.equal(
    { ...readOptions("tpe", { startup: 5 }) },
    {
      startup: 5,
      candidates: 0,
      prior_weight: 1,
      consider_endpoints: false,
      magic_clip: "shared",
      multivariate: true,
      constant_liar: true,
    },
  );
  assert.equal({ ...readOptions("random", undefined) }, {});
});

test("an unknown option names the owner's options, or says it takes none", () => {
  assert.throws(
    () => readOptions("median", { patience: 3 }),
    (e: unknown) =>
      e instanceof HpoError &&
      /`median` has no option `patience`/.test(e.message) &&
      e.hint === "its options: startup, warmup, interval",
  );
  assert.throws(
    () => readOptions("random", { n: 3 }),
    (e: unknown) => e instanceof HpoError && e.hint === "`random` takes no options",
  );
});

test("types, whole numbers, bounds and choices are checked, each naming the option", () => {
  fails(
    () => readOptions("qmc", { scramble: "yes" }),
    /option `scramble` of `qmc` must be true or false, got "yes"/,
  );
  fails(
    () => readOptions("grid", { points: 2.5 }),
    /option `points` of `grid` must be a whole number, got 2.5/,
  );
  fails(
    () => readOptions("tpe", { prior_weight: 0 }),
    /option `prior_weight` of `tpe` must be in \(0, 1000000\]/,
  );
  fails(
    () => readOptions("hyperband", { eta: 1 }),
    /option `eta` of `hyperband` must be in \[2, 100\], got 1/,
  );
  fails(() => readOptions("bayes", { kernel: "rq" }), /option `kernel` of `bayes` must be one of "matern52"/);
  fails(() => readOptions("bayes", { beta: Number.NaN }), /option `beta` of `bayes` must be a number/);
});

test("orderings between options: min_epochs at most max_epochs, elitism below population", () => {
  fails(
    () => readOptions("asha", { min_epochs: 10, max_epochs: 9 }),
    /option `min_epochs` of `asha` must be at most `max_epochs` \(9\), got 10/,
  );
  fails(
    () => readOptions("evolution", { population: 5, elitism: 5 }),
    /option `elitism` of `evolution` must be below `population` \(5\), got 5/,
  );
  assert.is(readOptions("sha", { min_epochs: 9, max_epochs: 9 }).min_epochs, 9);
});

test.run();
