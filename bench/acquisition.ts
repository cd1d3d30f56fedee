/**
 * Does evolving candidates under the acquisition (as HEBO does, with hpo's native population engine)
 * find better acquisition maxima than the bayes strategy's seeded random candidates, both followed by
 * the same L-BFGS polish? Issue 6 asks this at equal time.
 *
 * For each function and seed: `history` random points in the (shifted) domain, a GP fitted on their
 * standardized negated values (4 restarts), then LogEI maximized three ways:
 *   random      `candidates` uniform points, the best 2 and the incumbent polished (what bayes does
 *               with its default options, less its local candidates);
 *   evolution   a population of `population` seeded from the best of `seedPool` uniform points,
 *               `generations` generations (tournament 3, SBX, polynomial mutation, elitism 2) under
 *               LogEI, then the same polish of its best 2 and the incumbent;
 *   random@time random with as many candidates as the evolution run scored, which takes about the
 *               same time (both are dominated by the acquisition's posterior solves).
 * Reported per function: the median over seeds of the best LogEI found and of the wall milliseconds,
 * and how often evolution beat random@time. Deterministic per seed apart from the times.
 *
 *   node dist/bench/acquisition.js [--seeds 10] [--history 100] [--candidates 2048]
 *        [--population 256] [--generations 16] [--seed-pool 1024] [--device cpu|cuda] [--json]
 */
import { rngFor } from "../src/plan/random.js";
import { benchArgs } from "./args.js";
import { median } from "./stats.js";
import { type AcquisitionOptions, GaussianProcess } from "../src/native/gp.js";
import { Population } from "../src/native/evolution.js";
import { BUILTIN_OBJECTIVES } from "../src/objectives/index.js";

const values = benchArgs({
  seeds: { type: "string", default: "10", help: "seeds per function" },
  history: { type: "string", default: "100", help: "random points the GP is fitted on" },
  candidates: { type: "string", default: "2048", help: "random candidates" },
  population: { type: "string", default: "256", help: "evolved population size" },
  generations: { type: "string", default: "16", help: "generations" },
  "seed-pool": { type: "string", default: "1024", help: "uniform points the population is seeded from" },
  device: { type: "string", default: "cpu", help: "cpu or cuda" },
  functions: { type: "string", default: "hartmann6,ackley,levy,rosenbrock", help: "test functions" },
  json: { type: "boolean", default: false, help: "print JSON" },
});
const integer = (name: string, min: number): number => {
  const v = Number(values[name as keyof typeof values]);
  if (!Number.isInteger(v) || v < min) {
    console.error(`acquisition bench: --${name} must be an integer >= ${min}`);
    process.exit(2);
  }
  return v;
};
const seeds = integer("seeds", 1);
const history = integer("history", 4);
const candidates = integer("candidates", 1);
const populationSize = integer("population", 4);
const generations = integer("generations", 1);
const seedPool = integer("seed-pool", 4);
const device = values.device === "cuda" ? "cuda" : "cpu";
const POLISH_ITERATIONS = 30;

interface Outcome {
  /** The best LogEI among the scored points, before the polish. */
  scoredBest: number;
  value: number;
  ms: number;
  scored: number;
}

function uniformRows(count: number, d: number, seed: number, stream: number): Float64Array {
  const rng = rngFor(seed, stream);
  const X = new Float64Array(count * d);
  for (let i = 0; i < X.length; i++) X[i] = rng.uniform();
  return X;
}

/** Indices of the k largest values, best first. */
function top(values: Float64Array, k: number): number[] {
  return Array.from(values.keys())
    .sort((a, b) => values[b] - values[a] || a - b)
    .slice(0, k);
}

async function polish(
  gp: GaussianProcess,
  X: Float64Array,
  scores: Float64Array,
  incumbent: Float64Array,
  acq: AcquisitionOptions,
): Promise<number> {
  const d = incumbent.length;
  const starts = top(scores, 2).map((i) => X.subarray(i * d, (i + 1) * d));
  starts.push(incumbent);
  const Xs = new Float64Array(starts.length * d);
  for (const [i, s] of starts.entries()) Xs.set(s, i * d);
  const polished = await gp.maximizeAcquisition(Xs, { ...acq, maxIterations: POLISH_ITERATIONS });
  return Math.max(...polished.value, ...scores);
}

async function randomSearch(
  gp: GaussianProcess,
  d: number,
  count: number,
  seed: number,
  incumbent: Float64Array,
  acq: AcquisitionOptions,
): Promise<Outcome> {
  const start = performance.now();
  const X = uniformRows(count, d, seed, 0xa1);
  const scores = (await gp.acquisition(X, acq)).value;
  const value = await polish(gp, X, scores, incumbent, acq);
  return { scoredBest: Math.max(...scores), value, ms: performance.now() - start, scored: count };
}

async function evolutionSearch(
  gp: GaussianProcess,
  d: number,
  seed: number,
  incumbent: Float64Array,
  acq: AcquisitionOptions,
): Promise<Outcome> {
  const start = performance.now();
  const pool = uniformRows(seedPool, d, seed, 0xa2);
  const poolScores = (await gp.acquisition(pool, acq)).value;
  const genes = new Float64Array(populationSize * d);
  for (const [row, i] of top(poolScores, populationSize).entries())
    genes.set(pool.subarray(i * d, (i + 1) * d), row * d);
  const population = new Population({
    genes,
    size: populationSize,
    types: Array.from({ length: d }, () => ({ type: "continuous" as const })),
    seed,
    device,
  });
  let X: Float64Array = genes;
  let scores = (await gp.acquisition(X, acq)).value;
  let scored = seedPool + populationSize;
  try {
    for (let g = 0; g < generations; g++) {
      // Fitness is minimized; a non-finite LogEI (never expected) loses. Elitism carries the best
      // two individuals over, so the last population holds the best points found.
      await population.evolve(Float64Array.from(scores, (v) => (Number.isFinite(v) ? -v : Number.NaN)));
      X = population.genes();
      scores = (await gp.acquisition(X, acq)).value;
      scored += populationSize;
    }
  } finally {
    population.dispose();
  }
  const value = await polish(gp, X, scores, incumbent, acq);
  return { scoredBest: Math.max(...scores), value, ms: performance.now() - start, scored };
}

const rows: Record<string, unknown>[] = [];
for (const name of values.functions.split(",")) {
  const f = BUILTIN_OBJECTIVES[name];
  if (!f) {
    console.error(`acquisition bench: unknown function ${name}`);
    process.exit(2);
  }
  const args: Record<string, number> = name === "hartmann6" || name === "branin" ? {} : { dim: 10 };
  const domain = f.domain(args).map(([lo, hi]) => [lo + (hi - lo) / 6, hi + (hi - lo) / 6] as const);
  const d = domain.length;
  const results = { random: [] as Outcome[], evolution: [] as Outcome[], matched: [] as Outcome[] };
  for (let seed = 1; seed <= seeds; seed++) {
    const X = uniformRows(history, d, seed, 0xa0);
    const raw = Array.from({ length: history }, (_, i) => {
      const x = domain.map(([lo, hi], k) => lo + (hi - lo) * X[i * d + k]);
      return -f.evaluate(x, args).value;
    });
    const mean = raw.reduce((a, b) => a + b, 0) / history;
    const sd = Math.sqrt(raw.reduce((a, b) => a + (b - mean) ** 2, 0) / history) || 1;
    const y = Float64Array.from(raw, (v) => (v - mean) / sd);
    const gp = await GaussianProcess.create({ X, y, n: history, d, device });
    try {
      await gp.fit({ restarts: 4, seed });
      const bestIndex = top(y, 1)[0];
      const incumbent = X.slice(bestIndex * d, (bestIndex + 1) * d);
      const acq: AcquisitionOptions = { kind: "logei", best: y[bestIndex] };
      results.random.push(await randomSearch(gp, d, candidates, seed, incumbent, acq));
      const evo = await evolutionSearch(gp, d, seed, incumbent, acq);
      results.evolution.push(evo);
      results.matched.push(await randomSearch(gp, d, evo.scored, seed, incumbent, acq));
    } finally {
      gp.dispose();
    }
  }
  const summary = (outcomes: Outcome[]) => ({
    scoredBest: median(outcomes.map((r) => r.scoredBest)),
    value: median(outcomes.map((r) => r.value)),
    ms: median(outcomes.map((r) => r.ms)),
    scored: outcomes[0].scored,
  });
  const row = {
    function: name,
    d,
    random: summary(results.random),
    evolution: summary(results.evolution),
    randomAtEqualWork: summary(results.matched),
    /** Seeds where evolution's polished maximum beat random's at equal work by more than 1e-9. */
    evolutionWins: results.evolution.filter((e, i) => e.value > results.matched[i].value + 1e-9).length,
    evolutionLosses: results.evolution.filter((e, i) => e.value < results.matched[i].value - 1e-9).length,
    /** The same before the polish. */
    evolutionScoredWins: results.evolution.filter((e, i) => e.scoredBest > results.matched[i].scoredBest)
      .length,
    seeds,
  };
  rows.push(row);
}

if (values.json)
  console.log(JSON.stringify({ history, candidates, populationSize, generations, seedPool, device, rows }));
else {
  console.log(
    `LogEI maximization, GP on ${history} random points, medians over ${seeds} seeds (higher is better): ` +
      `best scored point -> after the L-BFGS polish [wall ms]; evolution: population ${populationSize} × ` +
      `${generations} generations from the best of ${seedPool}`,
  );
  type Summary = { scoredBest: number; value: number; ms: number; scored: number };
  const cell = (label: string, o: Summary) =>
    `${label}(${o.scored}) ${o.scoredBest.toFixed(3)} -> ${o.value.toFixed(3)} [${o.ms.toFixed(1)} ms]`;
  for (const r of rows as {
    function: string;
    d: number;
    random: Summary;
    evolution: Summary;
    randomAtEqualWork: Summary;
    evolutionWins: number;
    evolutionLosses: number;
    evolutionScoredWins: number;
  }[])
    console.log(
      `${r.function.padEnd(11)} d=${String(r.d).padEnd(3)} ${cell("random", r.random)}  ${cell("evolution", r.evolution)}  ` +
        `${cell("random", r.randomAtEqualWork)}  evolution vs random at equal work: scored best higher in ` +
        `${r.evolutionScoredWins}/${seeds}, polished ${r.evolutionWins} better / ${r.evolutionLosses} worse`,
    );
}
