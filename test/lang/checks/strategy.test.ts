import { test } from "uvu";
import * as assert from "uvu/assert";
import { prunerBesideEpochStrategy } from "../../../src/lang/checks/pruner.js";
import {
  epochOwnership,
  goalCount,
  gridNeedsFiniteValues,
  optionOrders,
} from "../../../src/lang/checks/strategy.js";
import { decl } from "../../../src/lang/checked.js";
import { checkedOf, expectDiagnostic, runCheck, spec } from "../helpers.js";

test("gridNeedsFiniteValues names the continuous parameter", () => {
  const c = checkedOf(spec("", "strategy grid()"));
  expectDiagnostic(runCheck(gridNeedsFiniteValues, decl(c, "strategy")!, c), "E080", 10, 10, /`x1`/);
  const ok = checkedOf(spec("", "strategy grid(points = 3)"));
  assert.equal(runCheck(gridNeedsFiniteValues, decl(ok, "strategy")!, ok), []);
});

test("goalCount: single-goal strategies with several goals, nsga2 with one", () => {
  const two = { objective: "objectives { minimize f1\n minimize f2 }" };
  const c = checkedOf(
    ["study t", "evaluate zdt1(dim = 2)", "space {", "  x1 = uniform(0, 1)", "  x2 = uniform(0, 1)", "}"]
      .concat([two.objective, "budget { trials = 4 }", "strategy tpe()"])
      .join("\n"),
  );
  expectDiagnostic(runCheck(goalCount, decl(c, "strategy")!, c), "E081", 10, 10);
  const one = checkedOf(spec("", "strategy nsga2()"));
  expectDiagnostic(runCheck(goalCount, decl(one, "strategy")!, one), "E082", 10, 10);
  const ok = checkedOf(spec("", "strategy tpe()"));
  assert.equal(runCheck(goalCount, decl(ok, "strategy")!, ok), []);
});

test("optionOrders: elitism below population, min_epochs and interval at most max_epochs", () => {
  const cases: [string, RegExp][] = [
    ["evolution(population = 4, elitism = 4)", /elitism.*below population \(4\)/],
    ["sha(min_epochs = 9, max_epochs = 3)", /min_epochs.*at most max_epochs \(3\)/],
    ["pbt(interval = 5, max_epochs = 4)", /interval.*at most max_epochs \(4\)/],
  ];
  for (const [call, message] of cases) {
    const c = checkedOf(spec("", `strategy ${call}`));
    expectDiagnostic(runCheck(optionOrders, decl(c, "strategy")!, c), "E084", 10, 10, message);
  }
  const ok = checkedOf(spec("", "strategy evolution(population = 4, elitism = 3)"));
  assert.equal(runCheck(optionOrders, decl(ok, "strategy")!, ok), []);
});

test("epochOwnership: pbt needs the built-in trainer", () => {
  const c = checkedOf(spec("", "strategy pbt()"));
  expectDiagnostic(
    runCheck(epochOwnership, decl(c, "strategy")!, c),
    "E083",
    10,
    10,
    /`pbt` continues the built-in trainer's checkpoints/,
  );
  const module = checkedOf(
    spec("", "strategy pbt()").replace("evaluate branin", 'evaluate "./objective.mjs"'),
  );
  expectDiagnostic(
    runCheck(epochOwnership, decl(module, "strategy")!, module),
    "E083",
    10,
    10,
    /needs `data`, `model` and `train`/,
  );
});

test("prunerBesideEpochStrategy warns beside hyperband only", () => {
  const c = checkedOf(spec("", "strategy hyperband()\npruner median()"));
  expectDiagnostic(runCheck(prunerBesideEpochStrategy, decl(c, "pruner")!, c), "W008", 11, 8);
  const ok = checkedOf(spec("", "strategy tpe()\npruner median()"));
  assert.equal(runCheck(prunerBesideEpochStrategy, decl(ok, "pruner")!, ok), []);
});

test.run();
