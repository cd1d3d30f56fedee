import type { Expr, ObjectiveSpec, Params, ParamSpec } from "../../src/plan/types.js";
import type { Strategy, TrialView } from "../../src/strategies/types.js";

/** Float parameters x1…xN over `domain`. */
export function boxSpace(domain: [number, number][]): ParamSpec[] {
  return domain.map(([low, high], i) => ({ kind: "float", name: `x${i + 1}`, low, high, log: false }));
}

export function vector(params: Params, dim: number): number[] {
  return Array.from({ length: dim }, (_, i) => params[`x${i + 1}`] as number);
}

/** Runs a strategy sequentially for `trials` trials (asking `batch` at a time) and returns the history. */
export async function runStrategy(
  strategy: Strategy,
  evaluate: (params: Params) => number[],
  trials: number,
  batch = 1,
): Promise<TrialView[]> {
  const history: TrialView[] = [];
  while (history.length < trials) {
    const proposals = await strategy.ask(
      { trials: history, nextNumber: history.length },
      Math.min(batch, trials - history.length),
    );
    if (proposals.length === 0) break;
    const started = proposals.map((p, i) => ({ number: history.length + i, params: p.params }));
    for (const s of started)
      history.push({ ...s, state: "complete", values: evaluate(s.params), intermediate: [] });
  }
  return history;
}

export function init(
  space: ParamSpec[],
  objectives: ObjectiveSpec[],
  options: Record<string, number | string>,
  seed: number,
  constraints: Expr[] = [],
) {
  return { space, constraints, objectives, options, seed };
}
