import type { BudgetSpec, Expr, ParamSpec, Plan } from "../../src/plan/types.js";

/** A float parameter for hand-written test Plans. */
export function floatParam(name: string, low: number, high: number): ParamSpec {
  return { name, kind: "float", low, high, log: false };
}

/** A small, complete Plan for runtime tests: branin over x1, x2 with the random strategy. */
export function testPlan(
  overrides: Omit<Partial<Plan>, "budget"> & { budget?: Partial<BudgetSpec> } = {},
): Plan {
  const { budget, ...rest } = overrides;
  return {
    version: 1,
    study: "test_study",
    seed: 1,
    source: { file: "/tmp/test.hpo", sha256: "0".repeat(64) },
    space: [floatParam("x1", -5, 10), floatParam("x2", 0, 15)],
    constraints: [] as Expr[],
    trial: { kind: "evaluate", builtin: { name: "branin", args: {} } },
    objectives: [{ metric: "value", direction: "minimize" }],
    strategy: { name: "random", options: {} },
    validation: { kind: "holdout", options: {} },
    storage: "memory:",
    ...rest,
    budget: { trials: 10, parallel: 1, ...budget },
  };
}

/** Asserts that `fn` rejects with a message matching `pattern` (uvu has no async `throws`). */
export async function rejects(fn: () => Promise<unknown>, pattern: RegExp): Promise<void> {
  try {
    await fn();
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (!pattern.test(message)) throw new Error(`rejected with "${message}", expected ${pattern}`);
    return;
  }
  throw new Error(`did not reject (expected ${pattern})`);
}
