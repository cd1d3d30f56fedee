import { test } from "uvu";
import * as assert from "uvu/assert";
import {
  budgetLimit,
  budgetSettings,
  gridWithinTrials,
  parallelWithinTrials,
  pbtWithinTrials,
} from "../../../src/lang/checks/budget.js";
import { type CheckedAst, decl } from "../../../src/lang/checked.js";
import { check, checkedOf, expectDiagnostic, runCheck, spec } from "../helpers.js";

const budgetOf = (c: CheckedAst) => decl(c, "budget")!;
const withBudget = (budget: string, extra = "") => checkedOf(spec("", extra, { budget }));

test("budgetSettings: a count given a duration, and a near miss", () => {
  const c = withBudget("budget { trials = 2h }");
  expectDiagnostic(runCheck(budgetSettings, budgetOf(c), c), "E035", 9, 19, /`trials` is a count/);
  const ok = withBudget("budget { trials = 20, time = 2h }");
  assert.equal(runCheck(budgetSettings, budgetOf(ok), ok), []);
});

test("budgetSettings: a value with no finite result is rejected, not dropped from the Plan", () => {
  for (const [budget, col, why] of [
    ["budget { trials = 60 / 0 }", 19, /`60 \/ 0` has none: division by zero/],
    ["budget { time = 1h / 0 }", 17, /division by zero/],
    ["budget { trials = 10 % 0 }", 19, /modulo by zero/],
  ] as const) {
    const c = withBudget(budget);
    expectDiagnostic(runCheck(budgetSettings, budgetOf(c), c), "E094", 9, col, why);
  }
  // The compiled Plan of a rejected spec is never run, but the whole check must reject it.
  const ds = check(spec("", "", { budget: "budget { trials = 60 / 0 }" }));
  expectDiagnostic(ds, "E094", 9, 19);
});

test("budgetSettings: counts are whole and at least 1", () => {
  const half = withBudget("budget { trials = 2.5 }");
  expectDiagnostic(runCheck(budgetSettings, budgetOf(half), half), "E030", 9, 19, /integer/);
  const zero = withBudget("budget { trials = 0 }");
  expectDiagnostic(runCheck(budgetSettings, budgetOf(zero), zero), "E046", 9, 19, /at least 1/);
});

test("budgetLimit: trials or time", () => {
  const c = withBudget("budget { parallel = 2 }");
  expectDiagnostic(runCheck(budgetLimit, budgetOf(c), c), "E090", 9, 1);
  const ok = withBudget("budget { time = 1h }");
  assert.equal(runCheck(budgetLimit, budgetOf(ok), ok), []);
});

test("parallelWithinTrials warns at `parallel`", () => {
  const c = withBudget("budget { trials = 2, parallel = 4 }");
  expectDiagnostic(runCheck(parallelWithinTrials, budgetOf(c), c), "W006", 9, 33);
  const ok = withBudget("budget { trials = 4, parallel = 4 }");
  assert.equal(runCheck(parallelWithinTrials, budgetOf(ok), ok), []);
});

test("gridWithinTrials counts the grid's points", () => {
  const src = (trials: number) =>
    checkedOf(
      spec("  k = choice(1, 2, 3)", "strategy grid(points = 2)", { budget: `budget { trials = ${trials} }` }),
    );
  const c = src(5);
  expectDiagnostic(runCheck(gridWithinTrials, budgetOf(c), c), "W005", 10, 10, /12/);
  const ok = src(12);
  assert.equal(runCheck(gridWithinTrials, budgetOf(ok), ok), []);
});

test("pbtWithinTrials: a budget below population × rounds, not one that covers it", () => {
  const src = (trials: number, options = "population = 4, interval = 2, max_epochs = 7") =>
    checkedOf(spec("", `strategy pbt(${options})`, { budget: `budget { trials = ${trials} }` }));
  // 7 epochs by 2: rounds to 2, 4, 6 and 7 epochs.
  const c = src(10);
  expectDiagnostic(
    runCheck(pbtWithinTrials, budgetOf(c), c),
    "W013",
    10,
    10,
    /16 trials \(4 members × 4 rounds\)/,
  );
  const ok = src(16);
  assert.equal(runCheck(pbtWithinTrials, budgetOf(ok), ok), []);
  const other = checkedOf(spec("", "strategy tpe()", { budget: "budget { trials = 1 }" }));
  assert.equal(runCheck(pbtWithinTrials, budgetOf(other), other), []);
});

test.run();
