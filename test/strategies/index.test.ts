import { test } from "uvu";
import * as assert from "uvu/assert";
import { compileSource } from "../../src/lang/index.js";
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
  assert.is(createStrategy({ name: "evolution", options: {} }, init).name, "evolution");
  const twoGoals = [...init.objectives, { metric: "cost", direction: "minimize" as const }];
  assert.is(createStrategy({ name: "nsga2", options: {} }, { ...init, objectives: twoGoals }).name, "nsga2");
});

test("a strategy name this build does not know is a clear error", () => {
  assert.throws(() => createStrategy({ name: "nope" as "grid", options: {} }, init), isHpo(/not available/));
});

test("creates the multi-fidelity strategies and pbt, from the options the compiler fills in", () => {
  for (const name of ["sha", "hyperband", "asha", "pbt"] as const)
    assert.is(createStrategy({ name, options: {} }, init).name, name);
  for (const strategy of [
    "sha(eta = 2)",
    'hyperband(sampler = "tpe")',
    "asha(min_epochs = 3)",
    "pbt(population = 2, interval = 9, max_epochs = 27)",
  ]) {
    const source = [
      "study t",
      "data mnist()",
      "space {",
      "  lr = loguniform(1e-4, 1)",
      "}",
      "model mlp(units = 32)",
      "train {",
      "  optimizer = sgd(lr = lr)",
      "  epochs = 27",
      "}",
      "objective minimize val_loss",
      "budget { trials = 10 }",
      `strategy ${strategy}`,
    ].join("\n");
    const { plan, diagnostics } = compileSource(source, "t.hpo");
    assert.equal(diagnostics, [], strategy);
    const s = createStrategy(plan!.strategy, { ...init, space: plan!.space, budget: plan!.budget });
    assert.is(s.name, strategy.slice(0, strategy.indexOf("(")));
  }
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
