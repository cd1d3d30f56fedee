/**
 * Search quality of `bayes` against `tpe` and `random` on standard functions (the question the speed
 * figures of `hpo bench surrogate` leave open): median best value over seeds at one fixed budget, and
 * the time each strategy's asks took (median wall milliseconds per ask; CPU seconds of this process
 * per run, which includes native worker threads). The problems are bench/quality.ts's (domains
 * shifted by a sixth of their width); strategies with their default options, one trial per ask.
 * `hpo bench strategies` is the full table: every strategy, each function's own budget, and Optuna.
 *
 *   node dist/bench/surrogate-quality.js [--trials 60] [--seeds 10] [--strategies bayes,tpe,random]
 *                                        [--functions branin,hartmann6,...] [--json]
 */
import { benchArgs } from "./args.js";
import { problem, type RunResult, runStrategy } from "./quality.js";
import { median } from "./stats.js";

const values = benchArgs({
  trials: { type: "string", default: "60", help: "trials per run" },
  seeds: { type: "string", default: "10", help: "seeds per strategy and function" },
  strategies: { type: "string", default: "bayes,tpe,random", help: "strategies, comma-separated" },
  functions: { type: "string", default: "branin,hartmann6,rosenbrock,ackley,levy", help: "test functions" },
  json: { type: "boolean", default: false, help: "print JSON" },
});
const trials = Number(values.trials);
const seeds = Number(values.seeds);
if (!Number.isInteger(trials) || trials < 2 || !Number.isInteger(seeds) || seeds < 1) {
  console.error("surrogate-quality bench: --trials (>= 2) and --seeds (>= 1) must be integers");
  process.exit(2);
}

const strategies = values.strategies.split(",").map((x) => x.trim());
const results = [];
for (const name of values.functions.split(",").map((x) => x.trim())) {
  let p: ReturnType<typeof problem>;
  try {
    p = problem(name);
  } catch (err) {
    console.error(`surrogate-quality bench: ${(err as Error).message}`);
    process.exit(2);
  }
  const row: {
    name: string;
    optimum: number | undefined;
    strategies: Record<string, { median: number; askMs: number; cpuS: number; bests: number[] }>;
  } = { name, optimum: p.optimum, strategies: {} };
  for (const strategy of strategies) {
    const runs: RunResult[] = [];
    for (let seed = 1; seed <= seeds; seed++) runs.push(await runStrategy(strategy, p, seed, trials));
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
