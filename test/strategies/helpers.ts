import type { ObjectiveSpec, Params, ParamSpec, StrategySpec } from "../../src/plan/types.js";
import { createStrategy } from "../../src/strategies/index.js";
import type { Strategy, TrialView } from "../../src/strategies/types.js";
import { BUILTIN_OBJECTIVES } from "../../src/objectives/index.js";
import { uniform } from "../space/helpers.js";

/** The space x1…xN of a built-in objective's standard domain. */
export function objectiveSpace(name: string, args = {}): ParamSpec[] {
  return BUILTIN_OBJECTIVES[name]!.domain(args).map(([low, high], i) => uniform(`x${i + 1}`, low, high));
}

/** Runs a strategy sequentially (or in batches) on a function, as the study loop would. */
export async function runStudy(
  strategy: Strategy,
  f: (params: Params) => number | number[],
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
    for (const p of proposals) {
      const v = f(p.params);
      const t: TrialView = {
        number: history.length,
        state: "complete",
        params: p.params,
        values: Array.isArray(v) ? v : [v],
        intermediate: [],
      };
      history.push(t);
      strategy.tell?.(t);
    }
  }
  return history;
}

export function make(
  name: StrategySpec["name"],
  space: ParamSpec[],
  options: StrategySpec["options"] = {},
  seed = 1,
  extra: { constraints?: import("../../src/plan/types.js").Expr[]; objectives?: ObjectiveSpec[] } = {},
): Strategy {
  return createStrategy(
    { name, options },
    {
      space,
      constraints: extra.constraints ?? [],
      objectives: extra.objectives ?? [{ metric: "value", direction: "minimize" }],
      options: {},
      seed,
    },
  );
}

export const best = (h: TrialView[]) => Math.min(...h.map((t) => t.values![0]!));

/** f for a built-in objective over params x1…xN. */
export function objectiveFn(name: string, args = {}): (p: Params) => number {
  const f = BUILTIN_OBJECTIVES[name]!;
  const n = f.dims(args);
  return (p) =>
    f.evaluate(
      Array.from({ length: n }, (_, i) => p[`x${i + 1}`] as number),
      args,
    ).value!;
}
