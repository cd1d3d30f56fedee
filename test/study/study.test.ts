import { test } from "uvu";
import * as assert from "uvu/assert";
import { createStudy, loadStudy, MemoryStorage } from "../../src/index.js";
import { testDeps } from "../helpers/runtime-deps.js";
import { rejects } from "../helpers/runtime-plans.js";

const space = [
  { name: "x1", kind: "float" as const, low: -5, high: 10, log: false },
  { name: "x2", kind: "float" as const, low: 0, high: 15, log: false },
];

test("ask/tell by hand stores each trial and its value", async () => {
  const study = await createStudy({ study: "manual", space, seed: 3 }, { deps: testDeps() });
  for (let i = 0; i < 3; i++) {
    const t = await study.ask();
    assert.is(t.number, i);
    const done = await study.tell(t, (t.params["x1"] as number) ** 2);
    assert.is(done.state, "complete");
  }
  const pruned = await study.ask();
  assert.is((await study.tell(pruned.number, { state: "pruned" })).state, "pruned");
  const bad = await study.ask();
  assert.match((await study.tell(bad, Number.NaN)).error ?? "", /returned NaN/);
  await rejects(() => study.tell(bad, 1), /trial 4 is already failed/);
  await rejects(() => study.tell(99, 1), /has no trial 99/);
  const trials = await study.trials();
  assert.equal(
    trials.map((t) => t.state),
    ["complete", "complete", "complete", "pruned", "failed"],
  );
  const [best] = await study.best();
  assert.is(best!.values!["value"], Math.min(...trials.slice(0, 3).map((t) => t.values!["value"]!)));
});

test("optimize runs a function to the trial count, in parallel, and loadStudy reads it back", async () => {
  const storage = new MemoryStorage();
  const study = await createStudy(
    { study: "auto", space, direction: "maximize", metric: "score", budget: { trials: 6 } },
    { storage, deps: testDeps() },
  );
  const r = await study.optimize(
    async (p, ctx) => {
      await ctx.report(0, 1);
      return { score: -(((p["x1"] as number) - 1) ** 2) };
    },
    { parallel: 3 },
  );
  assert.is(r.reason, "trials");
  assert.is(r.trials.length, 6);
  assert.is(r.trials[0]!.intermediate.length, 1);
  const again = await loadStudy("auto", { storage, deps: testDeps() });
  assert.equal(again.plan.objectives, [{ metric: "score", direction: "maximize" }]);
  const more = await again.optimize(() => ({ score: 0 }), { trials: 8 });
  assert.is(more.trials.length, 8);
  await rejects(() => loadStudy("nope", { storage, deps: testDeps() }), /no study `nope`/);
});

test("optimize without any budget is refused", async () => {
  const study = await createStudy({ study: "nobudget", space }, { deps: testDeps() });
  await rejects(() => study.optimize(() => 1), /optimize needs a budget/);
});

test.run();
