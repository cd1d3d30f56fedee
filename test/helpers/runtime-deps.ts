import { fileURLToPath } from "node:url";
import type { Plan } from "../../src/plan/types.js";
import type { StudyDeps } from "../../src/study/loop.js";
import type { Proposal, Pruner, Strategy, StrategyInit, TrialView } from "../../src/strategies/types.js";

/** An objective fixture module's absolute path (test/fixtures/runtime/NAME). */
export function fixture(name: string): string {
  return fileURLToPath(new URL(`../../../test/fixtures/runtime/${name}`, import.meta.url));
}

/** A 32-bit seeded generator (mulberry32): enough for a test strategy. */
function mulberry(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A minimal seeded random strategy over float parameters for runtime tests (the real strategies are
 * tested in test/strategies/): trial n's values depend only on the seed and n.
 */
export function testStrategy(init: StrategyInit): Strategy {
  return {
    name: "test-random",
    async ask(ctx, count): Promise<Proposal[]> {
      return Array.from({ length: count }, (_, i) => {
        const rng = mulberry(init.seed * 7919 + ctx.nextNumber + i);
        const params: Record<string, number> = {};
        for (const p of init.space) if (p.kind === "float") params[p.name] = p.low + (p.high - p.low) * rng();
        return { params };
      });
    },
  };
}

/** A strategy that proposes the given configurations once each, then nothing. */
export function listStrategy(list: Record<string, number>[]): Strategy {
  let next = 0;
  return {
    name: "test-list",
    async ask(_ctx, count) {
      const out = list.slice(next, next + count).map((params) => ({ params }));
      next += out.length;
      return out;
    },
  };
}

/** Prunes a trial as soon as its latest intermediate value is above `threshold`. */
export function thresholdPruner(threshold: number): Pruner {
  return {
    name: "threshold",
    shouldPrune(trial: TrialView) {
      const last = trial.intermediate.at(-1);
      return last !== undefined && last.value > threshold;
    },
  };
}

/** Deps for runtime tests: the test strategy, no pruner, objectives from fixture modules. */
export function testDeps(overrides: Partial<StudyDeps> = {}): StudyDeps {
  return {
    createStrategy: (_spec, init) => testStrategy(init),
    createPruner: () => undefined,
    objectiveSource: (plan: Plan) => {
      if (plan.trial.kind === "evaluate" && plan.trial.module)
        return { kind: "module", path: plan.trial.module };
      const name = plan.trial.kind === "evaluate" ? (plan.trial.builtin?.name ?? "sphere") : "sphere";
      return { kind: "builtin", name, args: {}, from: new URL(`file://${fixture("builtins.mjs")}`).href };
    },
    ...overrides,
  };
}
