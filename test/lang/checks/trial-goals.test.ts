import { test } from "uvu";
import * as assert from "uvu/assert";
import { goalDeclared, goals } from "../../../src/lang/checks/objectives.js";
import { trialParts } from "../../../src/lang/checks/trial.js";
import { testFunction } from "../../../src/lang/checks/evaluate.js";
import { decl } from "../../../src/lang/checked.js";
import { checkedOf, expectDiagnostic, runCheck, spec } from "../helpers.js";

test("trialParts: `evaluate` beside a trainer part, and a trainer part alone", () => {
  const c = checkedOf(spec("", "data mnist()"));
  expectDiagnostic(runCheck(trialParts, c.ast, c), "E061", 10, 1, /declared at 2:1/);
  const alone = checkedOf("study t\ndata mnist()\nspace { a = uniform(0, 1) }\nbudget { trials = 1 }");
  expectDiagnostic(runCheck(trialParts, alone.ast, alone), "E060", 2, 1, /needs `model`/);
  const ok = checkedOf(spec(""));
  assert.equal(runCheck(trialParts, ok.ast, ok), []);
});

test("goals: a metric the test function does not report, and a goal given twice", () => {
  const c = checkedOf(
    spec("", "", { objective: "objectives { minimize valu\n minimize value\n minimize value }" }),
  );
  const ds = runCheck(goals, decl(c, "objectives")!, c);
  expectDiagnostic(ds, "E070", 8, 23, /did you mean `value`/);
  expectDiagnostic(ds, "E074", 10, 11);
  const ok = checkedOf(spec(""));
  assert.equal(runCheck(goals, decl(ok, "objective")!, ok), []);
  assert.equal(ok.goals, [{ metric: "value", direction: "minimize" }]);
});

test("goalDeclared: a study needs a goal", () => {
  const c = checkedOf(spec("", "", { objective: "" }));
  expectDiagnostic(runCheck(goalDeclared, c.ast, c), "E073", 1, 1);
  const ok = checkedOf(spec(""));
  assert.equal(runCheck(goalDeclared, ok.ast, ok), []);
});

test("testFunction: parameters x1…xn must be declared", () => {
  const c = checkedOf(
    [
      "study t",
      "evaluate rosenbrock(dim = 3)",
      "space {",
      "  x1 = uniform(0, 1)",
      "  x2 = uniform(0, 1)",
      "}",
    ].join("\n"),
  );
  expectDiagnostic(runCheck(testFunction, decl(c, "evaluate")!, c), "E065", 2, 10, /`x3`/);
  const ok = checkedOf(spec(""));
  assert.equal(runCheck(testFunction, decl(ok, "evaluate")!, ok), []);
});

test.run();
