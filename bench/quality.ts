/**
 * The search-quality problems of `hpo bench strategies` and `hpo bench surrogate-quality`: the standard
 * test functions on shifted domains, and one sequential run of a strategy on one of them.
 *
 * Every domain is the function's usual box moved up by a sixth of its width in each coordinate
 * ([lo, hi] → [lo + w/6, hi + w/6], w = hi − lo), so no optimum sits at the centre of the box (Ackley's
 * at 0 would otherwise be found by any sampler that starts at the centre, CMA-ES among them); every
 * the 10-D optima (1 or 0) stay inside. Branin's and Hartmann-6's lie just outside, so their best
 * reachable values sit on a bound: Branin's three minimizers have x1 = −π < −2.5 or x2 < 2.5, best
 * 0.39843 (optimum 0.39789); Hartmann-6's global minimizer has x2 = 0.150 < 1/6, best −3.3192
 * (optimum −3.3224), and its local optimum −3.203 becomes −2.5533 there.
 */
import { BUILTIN_OBJECTIVES } from "../src/objectives/index.js";
import type { ParamSpec, StrategyName } from "../src/plan/types.js";
import { createStrategy } from "../src/strategies/index.js";
import type { TrialView } from "../src/strategies/types.js";

export interface Problem {
  function: string;
  /** The function's arguments ({ dim: 10 } for the n-dimensional ones). */
  args: Record<string, number>;
  /** The shifted box, one [low, high] per coordinate. */
  domain: [number, number][];
  optimum: number | undefined;
}

/** The budgets (Optuna's benchmark-style ones): trials per run. */
export const BUDGETS: Record<string, number> = {
  branin: 50,
  hartmann6: 100,
  rosenbrock: 200,
  ackley: 200,
  levy: 200,
};

/** Fixed-dimension functions; the others run in 10-D. */
const FIXED = new Set(["branin", "hartmann6"]);

export function problem(name: string): Problem {
  if (!Object.hasOwn(BUILTIN_OBJECTIVES, name) || BUILTIN_OBJECTIVES[name].metrics.length !== 1)
    throw new Error(`unknown single-objective test function ${name}`);
  const f = BUILTIN_OBJECTIVES[name];
  const args: Record<string, number> = FIXED.has(name) ? {} : { dim: 10 };
  const domain = f
    .domain(args)
    .map(([lo, hi]) => [lo + (hi - lo) / 6, hi + (hi - lo) / 6] as [number, number]);
  return { function: name, args, domain, optimum: f.optimum?.(args).value };
}

export interface RunResult {
  best: number;
  /** Wall milliseconds of each ask. */
  askMs: number[];
  /** CPU seconds (user + system, all threads of this process) spent in asks. */
  cpuS: number;
}

/** One sequential run (one trial per ask) of a strategy with its default options. */
export async function runStrategy(
  strategyName: string,
  p: Problem,
  seed: number,
  trials: number,
  options: Record<string, unknown> = {},
): Promise<RunResult> {
  const f = BUILTIN_OBJECTIVES[p.function];
  const space: ParamSpec[] = p.domain.map(([low, high], i) => ({
    name: `x${i + 1}`,
    kind: "float",
    low,
    high,
    log: false,
  }));
  const strategy = createStrategy(
    { name: strategyName as StrategyName, options: options as never },
    {
      space,
      constraints: [],
      objectives: [{ metric: "value", direction: "minimize" }],
      options: {},
      seed,
      // As a study gives it: evolution and cmaes size their populations from the trial budget.
      budget: { trials, parallel: 1 },
    },
  );
  const history: TrialView[] = [];
  let best = Number.POSITIVE_INFINITY;
  const askMs: number[] = [];
  let cpu = 0;
  for (let t = 0; t < trials; t++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const [proposal] = await strategy.ask({ trials: history, nextNumber: t }, 1);
    askMs.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu += (c.user + c.system) / 1e6;
    const value = f.evaluate(
      space.map((s) => proposal.params[s.name] as number),
      p.args,
    ).value;
    best = Math.min(best, value);
    history.push({
      number: t,
      state: "complete",
      params: proposal.params,
      values: [value],
      intermediate: [],
    });
  }
  return { best, askMs, cpuS: cpu };
}
