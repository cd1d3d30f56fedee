/** A minimal ask/tell loop for strategy tests on built-in objectives (no study, no storage). */
import { BUILTIN_OBJECTIVES } from "../../src/objectives/index.js";
import type { ParamSpec } from "../../src/plan/types.js";
import type { StrategyFactory, TrialView } from "../../src/strategies/types.js";

export function boxSpace(domain: [number, number][]): ParamSpec[] {
  return domain.map(([low, high], i) => ({
    name: `x${i + 1}`,
    kind: "float",
    low,
    high,
    log: false,
  }));
}

/** Runs `trials` sequential asks of `factory` on a built-in objective; returns the best value per trial. */
export async function minimize(
  factory: StrategyFactory,
  objective: string,
  trials: number,
  seed: number,
  options: Record<string, number | string> = {},
): Promise<{ best: number; history: TrialView[] }> {
  const f = BUILTIN_OBJECTIVES[objective];
  const space = boxSpace(f.domain({}));
  const strategy = factory({
    space,
    constraints: [],
    objectives: [{ metric: "value", direction: "minimize" }],
    options,
    seed,
  });
  const history: TrialView[] = [];
  let best = Number.POSITIVE_INFINITY;
  for (let t = 0; t < trials; t++) {
    const [proposal] = await strategy.ask({ trials: history, nextNumber: t }, 1);
    const x = space.map((p) => proposal.params[p.name] as number);
    const value = f.evaluate(x, {}).value;
    best = Math.min(best, value);
    history.push({
      number: t,
      state: "complete",
      params: proposal.params,
      values: [value],
      intermediate: [],
    });
  }
  strategy.dispose?.();
  return { best, history };
}
