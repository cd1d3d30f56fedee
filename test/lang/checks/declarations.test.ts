import { test } from "uvu";
import * as assert from "uvu/assert";
import {
  declaredOnce,
  knownDeclarations,
  oneGoalForm,
  requiredDeclarations,
} from "../../../src/lang/checks/declarations.js";
import { checkedOf, expectDiagnostic, runCheck, spec } from "../helpers.js";

test("declaredOnce flags the second `seed`, not the first", () => {
  const c = checkedOf(spec("", "seed 1\nseed 2"));
  expectDiagnostic(runCheck(declaredOnce, c.ast, c), "E012", 11, 1, /first at 10:1/);
  assert.equal(runCheck(declaredOnce, checkedOf(spec("", "seed 1")).ast, c), []);
});

test("knownDeclarations suggests the declaration meant", () => {
  const c = checkedOf(spec("", "stratgy random()"));
  expectDiagnostic(runCheck(knownDeclarations, c.ast, c), "E013", 10, 1, /did you mean `strategy`/);
  const ok = checkedOf(spec("", "strategy random()"));
  assert.equal(runCheck(knownDeclarations, ok.ast, ok), []);
});

test("requiredDeclarations names each missing one", () => {
  const c = checkedOf("study t\nevaluate branin");
  const ds = runCheck(requiredDeclarations, c.ast, c);
  assert.equal(
    ds.map((d) => d.message),
    ["`space` is required", "`budget` is required"],
  );
  const ok = checkedOf(spec(""));
  assert.equal(runCheck(requiredDeclarations, ok.ast, ok), []);
});

test("oneGoalForm flags `objectives` beside `objective`", () => {
  const c = checkedOf(spec("", "objectives { minimize value }"));
  expectDiagnostic(runCheck(oneGoalForm, c.ast, c), "E071", 10, 1);
  const ok = checkedOf(spec(""));
  assert.equal(runCheck(oneGoalForm, ok.ast, ok), []);
});

test.run();
