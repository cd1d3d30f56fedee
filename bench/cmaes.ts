/**
 * `hpo bench cmaes`: the `cmaes` strategy's ask latency, and the search quality of `cmaes` and
 * `evolution` beside `random` with the budget a study gives them (their population sizes follow it).
 *
 * Latency: a sequential study of --trials trials on a 10-D function; the median, p90 and mean wall
 * time of the asks made with 900–1,000 trials in the history (each ask catches up with one told
 * trial), and the wall and CPU time a fresh strategy takes to replay the whole history (what a
 * resumed study pays once; CPU time because wall time on a loaded machine mostly measures the load).
 * Quality: median best value over --seeds seeds, shifted domains (a sixth of the width, so no optimum
 * sits at the centre), Branin 50 trials, Hartmann-6 100, 10-D Rosenbrock, Ackley and Levy 200.
 *
 *   node dist/bench/cmaes.js [--trials 1000] [--seeds 10] [--strategies cmaes,evolution,random] [--json]
 */
import { benchArgs } from "./args.js";
import { median } from "./stats.js";
import { BUILTIN_OBJECTIVES } from "../src/objectives/index.js";
import type { ParamSpec, StrategyName } from "../src/plan/types.js";
import { createStrategy } from "../src/strategies/index.js";
import type { Strategy, TrialView } from "../src/strategies/types.js";

const values = benchArgs({
  trials: { type: "string", default: "1000", help: "trials of the latency study" },
  seeds: { type: "string", default: "10", help: "seeds per strategy and function" },
  strategies: { type: "string", default: "cmaes,evolution,random", help: "strategies of the quality table" },
  json: { type: "boolean", default: false, help: "print JSON" },
});
const trials = Number(values.trials);
const seeds = Number(values.seeds);
if (!Number.isInteger(trials) || trials < 100 || !Number.isInteger(seeds) || seeds < 1) {
  console.error("cmaes bench: --trials (>= 100) and --seeds (>= 1) must be integers");
  process.exit(2);
}

const ROWS: { name: string; trials: number }[] = [
  { name: "branin", trials: 50 },
  { name: "hartmann6", trials: 100 },
  { name: "rosenbrock", trials: 200 },
  { name: "ackley", trials: 200 },
  { name: "levy", trials: 200 },
];

function problem(name: string) {
  const f = BUILTIN_OBJECTIVES[name];
  if (!f) throw new Error(`unknown function ${name}`);
  const args: Record<string, number> = name === "branin" || name === "hartmann6" ? {} : { dim: 10 };
  const space: ParamSpec[] = f.domain(args).map(([lo, hi], i) => ({
    name: `x${i + 1}`,
    kind: "float",
    low: lo + (hi - lo) / 6,
    high: hi + (hi - lo) / 6,
    log: false,
  }));
  const evaluate = (params: Record<string, unknown>) =>
    f.evaluate(
      space.map((s) => params[s.name] as number),
      args,
    ).value as number;
  return { space, evaluate };
}

function strategyFor(name: string, space: ParamSpec[], seed: number, budget: number): Strategy {
  return createStrategy(
    { name: name as StrategyName, options: {} },
    {
      space,
      constraints: [],
      objectives: [{ metric: "value", direction: "minimize" }],
      options: {},
      seed,
      budget: { trials: budget, parallel: 1 },
    },
  );
}

/** A sequential study; the wall milliseconds of every ask. */
async function study(strategy: Strategy, evaluate: (p: Record<string, unknown>) => number, n: number) {
  const history: TrialView[] = [];
  const askMs: number[] = [];
  let best = Number.POSITIVE_INFINITY;
  for (let t = 0; t < n; t++) {
    const t0 = performance.now();
    const [p] = await strategy.ask({ trials: history, nextNumber: t }, 1);
    askMs.push(performance.now() - t0);
    const params = p?.params ?? {};
    const value = evaluate(params);
    best = Math.min(best, value);
    history.push({ number: t, state: "complete", params, values: [value], intermediate: [] });
  }
  return { history, askMs, best };
}

// ---- latency ------------------------------------------------------------------------------------
const { space, evaluate } = problem("rosenbrock");
const live = strategyFor("cmaes", space, 1, trials);
const run = await study(live, evaluate, trials);
const window = run.askMs.slice(Math.max(0, trials - 100));
const fresh = strategyFor("cmaes", space, 1, trials);
const r0 = performance.now();
const c0 = process.cpuUsage();
await fresh.ask({ trials: run.history, nextNumber: trials }, 1);
const c1 = process.cpuUsage(c0);
const replayMs = performance.now() - r0;
const replayCpuMs = (c1.user + c1.system) / 1000;
live.dispose?.();
fresh.dispose?.();
const latency = {
  trials,
  askMs: median(window),
  askMeanMs: window.reduce((a, b) => a + b, 0) / window.length,
  askP90Ms: [...window].sort((a, b) => a - b)[Math.floor(window.length * 0.9)] as number,
  replayMs,
  replayCpuMs,
};

// ---- quality ------------------------------------------------------------------------------------
const strategies = (values.strategies as string).split(",").map((s) => s.trim());
const quality: Record<string, Record<string, { median: number; bests: number[] }>> = {};
for (const row of ROWS) {
  const { space: s, evaluate: f } = problem(row.name);
  quality[row.name] = {};
  for (const name of strategies) {
    const bests: number[] = [];
    for (let seed = 1; seed <= seeds; seed++) {
      const strategy = strategyFor(name, s, seed, row.trials);
      bests.push((await study(strategy, f, row.trials)).best);
      strategy.dispose?.();
    }
    (quality[row.name] as Record<string, { median: number; bests: number[] }>)[name] = {
      median: median(bests),
      bests,
    };
  }
}

if (values.json) console.log(JSON.stringify({ latency, seeds, quality }, null, 2));
else {
  console.log(
    `cmaes ask (10-D, ${trials} trials in the history): median ${latency.askMs.toFixed(3)} ms, p90 ${latency.askP90Ms.toFixed(3)} ms, mean ${latency.askMeanMs.toFixed(3)} ms (every λ-th ask also ends a generation); replaying the history in a fresh strategy ${latency.replayMs.toFixed(1)} ms wall, ${latency.replayCpuMs.toFixed(1)} ms CPU`,
  );
  console.log(`median best over ${seeds} seeds (shifted domains; the budget given to each strategy):`);
  console.log(`${"function".padEnd(16)}${strategies.map((s) => s.padStart(12)).join("")}`);
  for (const row of ROWS) {
    const cells = strategies.map((s) =>
      (quality[row.name]?.[s]?.median ?? Number.NaN).toPrecision(4).padStart(12),
    );
    console.log(`${`${row.name} (${row.trials})`.padEnd(16)}${cells.join("")}`);
  }
}
