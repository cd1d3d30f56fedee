import { test } from "uvu";
import * as assert from "uvu/assert";
import { createStrategy } from "../../src/strategies/index.js";
import { HpoError } from "../../src/util/errors.js";
import { uniform } from "../space/helpers.js";

const init = {
  space: [uniform("x", 0, 1)],
  constraints: [],
  objectives: [{ metric: "value", direction: "minimize" as const }],
  options: {},
  seed: 1,
};
const isHpo = (re: RegExp) => (e: unknown) => e instanceof HpoError && re.test(e.message);

test("creates the strategies of this build by name", () => {
  for (const name of ["random", "qmc"] as const)
    assert.is(createStrategy({ name, options: {} }, init).name, name);
  assert.is(createStrategy({ name: "grid", options: { points: 3 } }, init).name, "grid");
});

test("a strategy whose module is not in this build is a clear error", () => {
  for (const name of ["bayes", "evolution", "nsga2", "sha", "hyperband", "asha"] as const)
    assert.throws(
      () => createStrategy({ name, options: {} }, init),
      isHpo(new RegExp(`strategy \`${name}\` is not available in this build`)),
    );
  assert.throws(() => createStrategy({ name: "nope" as "grid", options: {} }, init), isHpo(/not available/));
});

test("unknown and ill-typed options are refused, naming the option", () => {
  assert.throws(
    () => createStrategy({ name: "random", options: { n: 3 } }, init),
    isHpo(/`random` has no option `n`/),
  );
  assert.throws(
    () => createStrategy({ name: "qmc", options: { scramble: 1 } }, init),
    isHpo(/scramble.*true or false/),
  );
  assert.throws(
    () => createStrategy({ name: "grid", options: { points: 2.5 } }, init),
    isHpo(/points.*whole number/),
  );
  assert.throws(() => createStrategy({ name: "grid", options: { points: -1 } }, init), isHpo(/points/));
  assert.throws(() => createStrategy({ name: "grid", options: { shuffle: "yes" } }, init), isHpo(/shuffle/));
});

test.run();
