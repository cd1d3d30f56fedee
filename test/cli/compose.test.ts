import { test } from "uvu";
import * as assert from "uvu/assert";
import { fileURLToPath } from "node:url";
import { MemoryStorage } from "../../src/storage/memory.js";
import { compileSpec, defaultStudyDeps, objectiveSource } from "../../src/cli/compose.js";
import { runStudy } from "../../src/study/loop.js";
import type { Plan, StrategySpec } from "../../src/plan/types.js";
import { createStudy } from "../../src/index.js";

// The runtime with hpo's real strategies, pruner, built-in objectives and compiler.
const example = (name: string) => fileURLToPath(new URL(`../../../examples/${name}`, import.meta.url));
const BRANIN_MIN = 0.397887;

const branin = compileSpec(example("branin.hpo"));

async function bestOf(
  strategy: StrategySpec,
  trials: number,
  seed = 0,
): Promise<{ best: number; plan: Plan; params: unknown[] }> {
  const plan: Plan = { ...branin, seed, strategy, storage: "memory:", budget: { ...branin.budget, trials } };
  const r = await runStudy({ plan, storage: new MemoryStorage(), deps: defaultStudyDeps });
  assert.is(r.reason, "trials");
  assert.is(r.trials.length, trials);
  assert.ok(r.trials.every((t) => t.state === "complete"));
  return {
    best: Math.min(...r.trials.map((t) => t.values![0]!)),
    plan,
    params: r.trials.map((t) => t.params),
  };
}

for (const [name, tolerance] of [
  ["random", 0.6],
  ["qmc", 0.6],
  ["tpe", 0.1],
] as const) {
  test(`branin with ${name} runs 200 trials and gets near the optimum 0.397887`, async () => {
    const { best } = await bestOf({ name, options: {} }, 200);
    assert.ok(best >= BRANIN_MIN - 1e-6, `${best} is below the known minimum`);
    assert.ok(best - BRANIN_MIN < tolerance, `best ${best}`);
  });
}

test("grid runs its whole grid and then stops as exhausted", async () => {
  const plan: Plan = {
    ...branin,
    strategy: { name: "grid", options: { points: 4 } },
    budget: { ...branin.budget, trials: 100 },
  };
  const r = await runStudy({ plan, storage: new MemoryStorage(), deps: defaultStudyDeps });
  assert.is(r.reason, "exhausted");
  assert.is(r.trials.length, 16);
});

test("the same seed gives the same trial sequence with the real strategies", async () => {
  const a = await bestOf({ name: "tpe", options: {} }, 15, 7);
  const b = await bestOf({ name: "tpe", options: {} }, 15, 7);
  assert.equal(a.params, b.params);
});

test("objectiveSource evaluates built-in arguments and sends trainer plans to the trainer", () => {
  const plan: Plan = {
    ...branin,
    trial: {
      kind: "evaluate",
      builtin: { name: "rosenbrock", args: { dim: { op: "lit", value: 4 } } },
    },
  };
  const source = objectiveSource(plan);
  assert.is(source.kind, "builtin");
  assert.equal((source as { args: unknown }).args, { dim: 4 });
  const trainer = objectiveSource({ ...plan, trial: { kind: "trainer" } as unknown as Plan["trial"] });
  assert.equal([trainer.kind, (trainer as { name?: string }).name], ["factory", "trainerObjective"]);
});

test("the median pruner stops trials whose curves are worse than the median", async () => {
  const plan: Plan = {
    ...branin,
    space: [{ ...branin.space[0]!, name: "x1" }],
    trial: {
      kind: "evaluate",
      module: fileURLToPath(new URL("../../../test/fixtures/runtime/reporting.mjs", import.meta.url)),
    },
    strategy: { name: "random", options: {} },
    pruner: { name: "median", options: { startup: 3, warmup: 0, interval: 1 } },
    budget: { ...branin.budget, trials: 20 },
  };
  const r = await runStudy({ plan, storage: new MemoryStorage(), deps: defaultStudyDeps });
  const pruned = r.trials.filter((t) => t.state === "pruned");
  assert.ok(pruned.length > 0, "some trials pruned");
  for (const t of pruned) assert.ok(t.intermediate.length < 10);
});

test("the programmatic API uses hpo's own strategies by default", async () => {
  const study = await createStudy({
    study: "api",
    space: [{ name: "x", kind: "float", low: -5, high: 5, log: false }],
    strategy: "tpe",
    seed: 1,
  });
  const r = await study.optimize(({ x }) => ((x as number) - 1) ** 2, { trials: 30 });
  assert.is(r.trials.length, 30);
  assert.ok((await study.best())[0]!.values!["value"]! < 0.5);
});

test.run();
