import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadPlan } from "../../src/study/load-plan.js";
import { testPlan } from "../helpers/runtime-plans.js";

const dir = mkdtempSync(join(tmpdir(), "hpo-load-plan-"));

test("a Plan JSON without storage gets the SQLite file beside it; relative modules resolve beside it", () => {
  const spec = join(dir, "p.json");
  writeFileSync(
    spec,
    JSON.stringify({ ...testPlan({ trial: { kind: "evaluate", module: "obj.mjs" } }), storage: "" }),
  );
  const plan = loadPlan(spec);
  assert.is(plan.storage, `sqlite:${join(dir, ".hpo", "test_study.db")}`);
  assert.equal(plan.trial, { kind: "evaluate", module: join(dir, "obj.mjs") });
});

test("a .hpo spec goes through the compiler it is given, and needs one", () => {
  const plan = testPlan();
  assert.equal(
    loadPlan("/x/spec.hpo", () => plan),
    plan,
  );
  assert.throws(() => loadPlan("/x/spec.hpo"), /has no \.hpo compiler/);
});

test("a JSON file that is not a Plan says what is wrong", () => {
  const spec = join(dir, "bad.json");
  writeFileSync(spec, JSON.stringify({ ...testPlan(), budget: { parallel: 1 } }));
  assert.throws(() => loadPlan(spec), /not an hpo Plan: `budget` needs `trials` or `timeSeconds`/);
  writeFileSync(spec, "{ nope");
  assert.throws(() => loadPlan(spec), /bad\.json` is not valid JSON/);
});

test.run();
