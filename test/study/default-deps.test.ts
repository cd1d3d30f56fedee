import { test } from "uvu";
import * as assert from "uvu/assert";
import { fileURLToPath } from "node:url";
import { MemoryStorage } from "../../src/storage/memory.js";
import { compileSpec, defaultStudyDeps, objectiveSource } from "../../src/study/default-deps.js";
import { runStudy } from "../../src/study/loop.js";
import type { Plan, StrategySpec } from "../../src/plan/types.js";

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

test("objectiveSource evaluates built-in arguments and refuses trainer plans", () => {
  const plan: Plan = {
    ...branin,
    trial: {
      kind: "evaluate",
      builtin: { name: "rosenbrock", args: { dim: { op: "lit", value: 4, pos: branin.space[0]!.pos } } },
    },
  };
  const source = objectiveSource(plan);
  assert.is(source.kind, "builtin");
  assert.equal((source as { args: unknown }).args, { dim: 4 });
  assert.throws(
    () => objectiveSource({ ...plan, trial: { kind: "trainer" } as unknown as Plan["trial"] }),
    /cannot run built-in trainer studies/,
  );
});

test.run();
