/**
 * Search quality of `bayes` against `tpe` and `random` on standard functions (the question the speed
 * figures of `hpo bench surrogate` leave open): median best value over seeds at a fixed budget, and
 * the time each strategy's asks took (median wall milliseconds per ask; CPU seconds of this process
 * per run, which includes native worker threads). Domains are shifted by a sixth of their width so
 * no optimum sits at the centre of the box. Branin (2-D), Hartmann-6, and 10-D Rosenbrock, Ackley
 * and Levy; strategies with their default options, one trial per ask (sequential).
 *
 *   node dist/bench/surrogate-quality.js [--trials 60] [--seeds 10] [--strategies bayes,tpe,random]
 *                                        [--functions branin,hartmann6,...] [--json]
 */
import { basename } from "node:path";
import { benchArgs } from "./args.js";
import { BUILTIN_OBJECTIVES } from "../src/objectives/index.js";
import type { ParamSpec } from "../src/plan/types.js";
import type { StrategyName } from "../src/plan/types.js";
import { createStrategy } from "../src/strategies/index.js";
import type { TrialView } from "../src/strategies/types.js";

const values = benchArgs({
  trials: { type: "string", default: "60", help: "trials per run" },
  seeds: { type: "string", default: "10", help: "seeds per strategy and function" },
  strategies: {
    type: "string",
    // `hpo bench strategies` is this program with every single-objective strategy.
    default:
      basename(process.argv[1] ?? "") === "strategies.js"
        ? "random,qmc,tpe,evolution,bayes"
        : "bayes,tpe,random",
    help: "strategies, comma-separated",
  },
  functions: { type: "string", default: "branin,hartmann6,rosenbrock,ackley,levy", help: "test functions" },
  json: { type: "boolean", default: false, help: "print JSON" },
});
const trials = Number(values.trials);
const seeds = Number(values.seeds);
if (!Number.isInteger(trials) || trials < 2 || !Number.isInteger(seeds) || seeds < 1) {
  console.error("surrogate-quality bench: --trials (>= 2) and --seeds (>= 1) must be integers");
  process.exit(2);
}

interface RunResult {
  best: number;
  /** Wall milliseconds of each ask. */
  askMs: number[];
  /** CPU seconds (user + system, all threads of this process) spent in asks. */
  cpuS: number;
}

async function run(strategyName: string, name: string, seed: number): Promise<RunResult> {
  const f = BUILTIN_OBJECTIVES[name];
  const fixed = name === "branin" || name === "hartmann6";
  const a: Record<string, number> = fixed ? {} : { dim: 10 };
  const domain = f.domain(a).map(([lo, hi]) => [lo + (hi - lo) / 6, hi + (hi - lo) / 6] as [number, number]);
  const space: ParamSpec[] = domain.map(([low, high], i) => ({
    name: `x${i + 1}`,
    kind: "float",
    low,
    high,
    log: false,
  }));
  const strategy = createStrategy(
    { name: strategyName as StrategyName, options: {} },
    {
      space,
      constraints: [],
      objectives: [{ metric: "value", direction: "minimize" }],
      options: {},
      seed,
    },
  );
  const history: TrialView[] = [];
  let best = Number.POSITIVE_INFINITY;
  const askMs: number[] = [];
  let cpu = 0;
  for (let t = 0; t < trials; t++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const [p] = await strategy.ask({ trials: history, nextNumber: t }, 1);
    askMs.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu += (c.user + c.system) / 1e6;
    const value = f.evaluate(
      space.map((s) => p.params[s.name] as number),
      a,
    ).value;
    best = Math.min(best, value);
    history.push({ number: t, state: "complete", params: p.params, values: [value], intermediate: [] });
  }
  return { best, askMs, cpuS: cpu };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((x, y) => x - y);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const strategies = (values.strategies as string).split(",").map((x) => x.trim());
const results = [];
for (const name of (values.functions as string).split(",").map((x) => x.trim())) {
  if (!Object.hasOwn(BUILTIN_OBJECTIVES, name)) {
    console.error(`surrogate-quality bench: unknown function ${name}`);
    process.exit(2);
  }
  const optimum = BUILTIN_OBJECTIVES[name].optimum?.(
    name === "branin" || name === "hartmann6" ? {} : { dim: 10 },
  );
  const row: {
    name: string;
    optimum: number | undefined;
    strategies: Record<string, { median: number; askMs: number; cpuS: number; bests: number[] }>;
  } = { name, optimum: optimum?.value, strategies: {} };
  for (const strategy of strategies) {
    const runs: RunResult[] = [];
    for (let seed = 1; seed <= seeds; seed++) runs.push(await run(strategy, name, seed));
    row.strategies[strategy] = {
      median: median(runs.map((r) => r.best)),
      askMs: median(runs.flatMap((r) => r.askMs)),
      cpuS: median(runs.map((r) => r.cpuS)),
      bests: runs.map((r) => r.best),
    };
  }
  results.push(row);
}

if (values.json) console.log(JSON.stringify({ trials, seeds, results }, null, 2));
else {
  console.log(
    `median best value over ${seeds} seeds, ${trials} trials, one per ask (10-D rosenbrock, ackley, levy; shifted domains);`,
  );
  console.log("ask = median wall ms per ask, cpu = median CPU seconds per run (all asks)");
  for (const r of results) {
    const cells = strategies.map((s) => {
      const v = r.strategies[s];
      return `${s} ${v.median.toPrecision(4).padStart(10)} (ask ${v.askMs.toFixed(1)} ms, cpu ${v.cpuS.toFixed(2)} s)`;
    });
    console.log(`${r.name.padEnd(11)} ${cells.join("  ")}  optimum ${r.optimum?.toPrecision(4)}`);
  }
}
