/**
 * `hpo bench tpe`: TPE ask latency with 100 and 1,000 completed trials in a 10-parameter space, and
 * search quality on branin and hartmann6 against random search over several seeds.
 * Wall times on a shared machine include waiting for a core (the minimum is the least disturbed);
 * the CPU time per ask counts every thread of the process, the compiler's and the GC's included.
 * Options: --n 100,1000 (history sizes)  --repeats 30 (asks timed per size)  --seeds 10
 *          --trials 200 (per quality run)  --skip-quality  --json
 *          --optuna PYTHON (also run bench/tpe_optuna.py, Optuna's TPESampler measured the same way,
 *          with that Python interpreter, in the same run)
 */
import { rngFor } from "../src/plan/random.js";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { BUILTIN_OBJECTIVES } from "../src/objectives/index.js";
import type { ParamSpec, Params } from "../src/plan/types.js";
import { sampleConfiguration } from "../src/space/index.js";
import { createStrategy } from "../src/strategies/index.js";
import type { TrialView } from "../src/strategies/types.js";
import { benchArgs } from "./args.js";
import { median } from "./stats.js";

const values = benchArgs({
  n: { type: "string", default: "100,1000", help: "completed trials before the timed asks" },
  repeats: { type: "string", default: "100", help: "timed asks" },
  seeds: { type: "string", default: "10", help: "seeds of the quality runs" },
  trials: { type: "string", default: "200", help: "trials of the quality runs" },
  "skip-quality": { type: "boolean", default: false, help: "time asks only" },
  optuna: { type: "string", default: "", help: "python with optuna, to run bench/tpe_optuna.py beside" },
  json: { type: "boolean", default: false, help: "print JSON" },
});
const arg = (name: "n" | "repeats" | "seeds" | "trials" | "optuna", _fallback: string): string =>
  values[name];
const flag = (name: "json" | "skip-quality") => values[name];

const quantile = (xs: number[], q: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))] as number;

function floatSpace(domain: [number, number][]): ParamSpec[] {
  return domain.map(([low, high], i) => ({ name: `x${i + 1}`, kind: "float", low, high, log: false }));
}

/** Latency of one ask after `n` completed trials (10 continuous parameters, a Rosenbrock objective). */
async function askLatency(
  n: number,
  repeats: number,
  space: ParamSpec[],
): Promise<{ times: number[]; cpuMs: number }> {
  const history: TrialView[] = [];
  const rng = rngFor(1, 99);
  const f = BUILTIN_OBJECTIVES.rosenbrock!;
  for (let i = 0; i < n; i++) {
    const params = sampleConfiguration(space, [], rng);
    const x = space.map((p) => (typeof params[p.name] === "number" ? (params[p.name] as number) : 0));
    history.push({
      number: i,
      state: "complete",
      params,
      values: [f.evaluate(x, { dim: 10 }).value as number],
      intermediate: [],
    });
  }
  const strategy = createStrategy(
    { name: "tpe", options: {} },
    {
      space,
      constraints: [],
      objectives: [{ metric: "value", direction: "minimize" }],
      options: {},
      seed: 1,
    },
  );
  await strategy.ask({ trials: history, nextNumber: n }, 1); // warm the JIT
  const times: number[] = [];
  const cpu0 = process.cpuUsage();
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    await strategy.ask({ trials: history, nextNumber: n + r }, 1);
    times.push(performance.now() - t0);
  }
  const cpu = process.cpuUsage(cpu0);
  return { times, cpuMs: (cpu.user + cpu.system) / 1000 / repeats };
}

async function bestOf(
  name: "tpe" | "random",
  objective: string,
  seed: number,
  trials: number,
): Promise<number> {
  const f = BUILTIN_OBJECTIVES[objective]!;
  const space = floatSpace(f.domain({}));
  const strategy = createStrategy(
    { name, options: {} },
    { space, constraints: [], objectives: [{ metric: "value", direction: "minimize" }], options: {}, seed },
  );
  const history: TrialView[] = [];
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < trials; i++) {
    const [proposal] = await strategy.ask({ trials: history, nextNumber: i }, 1);
    const params = proposal!.params as Params;
    const value = f.evaluate(
      space.map((p) => params[p.name] as number),
      {},
    ).value as number;
    best = Math.min(best, value);
    history.push({ number: i, state: "complete", params, values: [value], intermediate: [] });
  }
  return best;
}

async function main(): Promise<void> {
  const sizes = arg("n", "100,1000").split(",").map(Number);
  const repeats = Number(arg("repeats", "100"));
  const seeds = Number(arg("seeds", "10"));
  const trials = Number(arg("trials", "200"));
  const json = flag("json");
  const result: Record<string, unknown> = { node: process.version };

  const space10 = floatSpace(BUILTIN_OBJECTIVES.rosenbrock!.domain({ dim: 10 }));
  const mixed: ParamSpec[] = [
    ...floatSpace(BUILTIN_OBJECTIVES.rosenbrock!.domain({ dim: 6 })),
    { name: "lr", kind: "float", low: 1e-5, high: 1, log: true },
    { name: "units", kind: "int", low: 16, high: 512, step: 16, log: false },
    { name: "batch", kind: "int", low: 8, high: 1024, step: 1, log: true },
    { name: "act", kind: "categorical", choices: ["relu", "tanh", "gelu", "elu"], ordered: false },
  ];
  const latency: Record<string, unknown>[] = [];
  for (const [label, space] of [
    ["10 floats", space10],
    ["6 floats + log float + int + log int + choice", mixed],
  ] as const)
    for (const n of sizes) {
      const { times: t, cpuMs } = await askLatency(n, repeats, space as ParamSpec[]);
      const row = {
        space: label,
        history: n,
        min_ms: Math.min(...t),
        median_ms: median(t),
        p90_ms: quantile(t, 0.9),
        cpu_ms_per_ask: cpuMs,
        repeats,
      };
      latency.push(row);
      if (!json)
        console.log(
          `tpe ask, ${label}, ${n} complete trials: min ${row.min_ms.toFixed(2)} ms, median ${row.median_ms.toFixed(2)} ms, p90 ${row.p90_ms.toFixed(2)} ms, CPU ${cpuMs.toFixed(2)} ms/ask (${repeats} asks)`,
        );
    }
  result.latency = latency;

  if (!flag("skip-quality")) {
    const quality: Record<string, unknown>[] = [];
    for (const objective of ["branin", "hartmann6"]) {
      const tpe: number[] = [];
      const random: number[] = [];
      for (let seed = 1; seed <= seeds; seed++) {
        tpe.push(await bestOf("tpe", objective, seed, trials));
        random.push(await bestOf("random", objective, seed, trials));
      }
      const wins = tpe.filter((v, i) => v < (random[i] as number)).length;
      const optimum = BUILTIN_OBJECTIVES[objective]!.optimum!({}).value;
      const row = {
        objective,
        trials,
        seeds,
        optimum,
        tpe_median_best: median(tpe),
        random_median_best: median(random),
        tpe_median_regret: median(tpe) - optimum,
        random_median_regret: median(random) - optimum,
        tpe_wins: wins,
      };
      quality.push(row);
      if (!json)
        console.log(
          `${objective}, ${trials} trials, ${seeds} seeds: median best tpe ${row.tpe_median_best.toFixed(4)} vs random ${row.random_median_best.toFixed(4)} (optimum ${optimum.toFixed(4)}); tpe better on ${wins}/${seeds} seeds`,
        );
    }
    result.quality = quality;
  }
  if (json) console.log(JSON.stringify(result));
  const python = arg("optuna", "");
  if (python) {
    // dist/bench/tpe.js → bench/tpe_optuna.py at the package root
    const script = fileURLToPath(new URL("../../bench/tpe_optuna.py", import.meta.url));
    const extra = flag("skip-quality") ? ["--skip-quality"] : [];
    const r = spawnSync(
      python,
      [script, "--repeats", String(repeats), "--seeds", String(seeds), "--trials", String(trials), ...extra],
      {
        stdio: "inherit",
      },
    );
    if (r.error) console.error(`could not run ${python}: ${r.error.message}`);
  }
}

await main();
