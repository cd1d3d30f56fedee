/**
 * Search quality of `bayes` against random search on standard functions (the question the speed
 * figures of `hpo bench surrogate` leave open): median best value over seeds at a fixed budget.
 * Domains are shifted by a sixth of their width so no optimum sits at the centre of the box.
 *
 *   node dist/bench/surrogate-quality.js [--trials 50] [--seeds 5] [--functions branin,hartmann6,...] [--json]
 */
import { parseArgs } from "node:util";
import { BUILTIN_OBJECTIVES } from "../src/objectives/index.js";
import type { ParamSpec } from "../src/plan/types.js";
import { rngFor, sampleConfiguration } from "../src/space/index.js";
import { createBayes } from "../src/strategies/bayes.js";
import type { StrategyFactory, TrialView } from "../src/strategies/types.js";

const { values } = parseArgs({
  options: {
    trials: { type: "string", default: "50" },
    seeds: { type: "string", default: "5" },
    functions: { type: "string", default: "branin,hartmann6,rosenbrock,ackley,levy" },
    json: { type: "boolean", default: false },
  },
});
const trials = Number(values.trials);
const seeds = Number(values.seeds);
if (!Number.isInteger(trials) || trials < 2 || !Number.isInteger(seeds) || seeds < 1) {
  console.error("surrogate-quality bench: --trials (>= 2) and --seeds (>= 1) must be integers");
  process.exit(2);
}

const randomSearch: StrategyFactory = (init) => ({
  name: "random",
  async ask(context, count) {
    return Array.from({ length: count }, (_, i) => ({
      params: sampleConfiguration(
        init.space,
        init.constraints,
        rngFor(init.seed, 0x5eed, context.nextNumber + i),
      ),
    }));
  },
});

const POS = { line: 1, col: 1, endLine: 1, endCol: 1 };

async function run(factory: StrategyFactory, name: string, seed: number): Promise<number> {
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
    pos: POS,
  }));
  const strategy = factory({
    space,
    constraints: [],
    objectives: [{ metric: "value", direction: "minimize" }],
    options: {},
    seed,
  });
  const history: TrialView[] = [];
  let best = Number.POSITIVE_INFINITY;
  for (let t = 0; t < trials; t++) {
    const [p] = await strategy.ask({ trials: history, nextNumber: t }, 1);
    const value = f.evaluate(
      space.map((s) => p.params[s.name] as number),
      a,
    ).value;
    best = Math.min(best, value);
    history.push({ number: t, state: "complete", params: p.params, values: [value], intermediate: [] });
  }
  return best;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((x, y) => x - y);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const results = [];
for (const name of (values.functions as string).split(",").map((s) => s.trim())) {
  if (!Object.hasOwn(BUILTIN_OBJECTIVES, name)) {
    console.error(`surrogate-quality bench: unknown function ${name}`);
    process.exit(2);
  }
  const bayes: number[] = [];
  const random: number[] = [];
  for (let seed = 1; seed <= seeds; seed++) {
    bayes.push(await run(createBayes, name, seed));
    random.push(await run(randomSearch, name, seed));
  }
  const optimum = BUILTIN_OBJECTIVES[name].optimum?.(
    name === "branin" || name === "hartmann6" ? {} : { dim: 10 },
  );
  results.push({
    name,
    optimum: optimum?.value,
    bayes: median(bayes),
    random: median(random),
    bayesRuns: bayes,
  });
}

if (values.json) console.log(JSON.stringify({ trials, seeds, results }, null, 2));
else {
  console.log(
    `median best value over ${seeds} seeds, ${trials} trials (10-D for rosenbrock, ackley, levy; shifted domains)`,
  );
  for (const r of results)
    console.log(
      `${r.name.padEnd(12)} bayes ${r.bayes.toPrecision(5).padStart(12)}   random ${r.random.toPrecision(5).padStart(12)}   optimum ${r.optimum}`,
    );
}
