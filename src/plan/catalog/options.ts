/**
 * Strategy and pruner options: one table each, with types, defaults, ranges and choices. The checker
 * validates a spec against these tables (through `STRATEGIES`/`PRUNERS`), the compiler fills the
 * defaults into the Plan, and every strategy and pruner reads its options through `readOptions`
 * (src/plan/options.ts), typed from these very entries.
 *
 * Maxima guard memory and time: a value past them would allocate or iterate without bound (bayes
 * `candidates` points per ask, evolution `population` genomes, grid `points` per axis).
 */
import type { StrategyName } from "../types.js";
import { byName, type FunctionSpec, functionSpecOf, type OptionTable } from "./spec.js";

const DEVICE = { device: { type: "string", default: "auto", oneOf: ["auto", "cpu", "cuda"] } } as const;
const GENETIC = {
  crossover: { type: "number", default: 0.9, min: 0, max: 1 },
  mutation: { type: "number", default: 0.1, min: 0, max: 1 },
} as const;
const DISTRIBUTION_INDEX = {
  eta_c: { type: "number", default: 15, min: 0, max: 1e6 },
  eta_m: { type: "number", default: 20, min: 0, max: 1e6 },
} as const;
const EPOCHS = {
  min_epochs: { type: "int", default: 1, min: 1, max: 100_000 },
  max_epochs: { type: "int", default: 27, min: 1, max: 100_000 },
  eta: { type: "number", default: 3, min: 2, max: 100 },
} as const;
const EPOCH_ORDER = [{ low: "min_epochs", high: "max_epochs" }] as const;

/** Strategy options and defaults (docs/language.md, "strategy"). */
export const STRATEGY_OPTIONS = byName({
  random: { options: {} },
  qmc: { options: { scramble: { type: "bool", default: true } } },
  grid: {
    options: {
      points: { type: "int", default: 0, min: 0, max: 100_000 },
      shuffle: { type: "bool", default: false },
    },
  },
  tpe: {
    options: {
      startup: { type: "int", default: 10, min: 1, max: 1_000_000 },
      // 0: max(24, 5 per jointly modelled parameter); Optuna's is a fixed 24
      candidates: { type: "int", default: 0, min: 0, max: 10_000 },
      prior_weight: { type: "number", default: 1.0, min: 0, exclusiveLow: true, max: 1e6 },
      consider_endpoints: { type: "bool", default: false },
      // "shared": g(x)'s bandwidth floor follows the below group's size; "optuna": each estimator's own
      magic_clip: { type: "string", default: "shared", oneOf: ["shared", "optuna"] },
      multivariate: { type: "bool", default: true },
      constant_liar: { type: "bool", default: true },
    },
  },
  bayes: {
    options: {
      initial: { type: "int", default: 10, min: 1, max: 10_000 },
      acquisition: { type: "string", default: "logei", oneOf: ["logei", "ei", "pi", "ucb"] },
      kernel: { type: "string", default: "matern52", oneOf: ["matern52", "matern32", "rbf"] },
      beta: { type: "number", default: 2.0, min: 0, max: 1e6 },
      ...DEVICE,
      precision: { type: "string", default: "fp64", oneOf: ["fp64", "fp32"] },
      restarts: { type: "int", default: 4, min: 1, max: 64 },
      candidates: { type: "int", default: 2048, min: 1, max: 100_000 },
    },
  },
  // population 0: sized from the trial budget; elitism 0: every place goes to the best trials.
  evolution: {
    options: {
      population: { type: "int", default: 0, min: 0, max: 10_000 },
      crossover: { type: "number", default: 1, min: 0, max: 1 },
      mutation: { type: "number", default: 1, min: 0, max: 1 },
      sigma0: { type: "number", default: 0.35, min: 0, exclusiveLow: true, max: 1 },
      tournament: { type: "int", default: 3, min: 1, max: 1024 },
      // Below `population` (see `orders`), so at most its maximum less one.
      elitism: { type: "int", default: 0, min: 0, max: 9_999 },
      operator: { type: "string", default: "uniform", oneOf: ["sbx", "uniform"] },
      eta_c: DISTRIBUTION_INDEX.eta_c,
      ...DEVICE,
    },
    orders: [{ low: "elitism", high: "population", strict: true, unlessZero: true }],
  },
  // CMA-ES in the encoded unit cube (native/cmaes): sigma0 in cube units, popsize 0 = 4 + ⌊3 ln d⌋
  // (at most trials / 25), 1 runs as 2,
  // warm_start = how many of the best trials found before its first proposal seed its start.
  cmaes: {
    options: {
      sigma0: { type: "number", default: 0.25, min: 0, exclusiveLow: true, max: 1 },
      popsize: { type: "int", default: 0, min: 0, max: 100_000 },
      restart: { type: "string", default: "ipop", oneOf: ["none", "ipop", "bipop"] },
      // Separable by default: at budgets of a few hundred trials it learns (d + 2) / 3 times faster.
      diagonal: { type: "bool", default: true },
      warm_start: { type: "int", default: 10, min: 0, max: 10_000 },
    },
  },
  nsga2: {
    options: {
      population: { type: "int", default: 24, min: 4, max: 10_000 },
      ...GENETIC,
      ...DISTRIBUTION_INDEX,
      ...DEVICE,
    },
  },
  // `sha(1, 27)` reads as min and max epochs, as the multi-fidelity papers write them.
  sha: { options: EPOCHS, positional: 2, orders: EPOCH_ORDER },
  asha: { options: EPOCHS, positional: 2, orders: EPOCH_ORDER },
  hyperband: {
    options: { ...EPOCHS, sampler: { type: "string", default: "random", oneOf: ["random", "tpe", "qmc"] } },
    positional: 2,
    orders: EPOCH_ORDER,
  },
  // Population-based training (Jaderberg et al. 2017): `population` members train `interval` epochs
  // a round up to `max_epochs`; the worst `quantile` copy the best `quantile`'s checkpoints and
  // explore (perturb by ×(1 ± perturb), or resample with `resample_probability`).
  pbt: {
    options: {
      population: { type: "int", default: 8, min: 2, max: 1_000 },
      interval: { type: "int", default: 2, min: 1, max: 100_000 },
      max_epochs: { type: "int", default: 20, min: 1, max: 100_000 },
      quantile: { type: "number", default: 0.2, min: 0, exclusiveLow: true, max: 0.5 },
      perturb: { type: "number", default: 0.2, min: 0, exclusiveLow: true, max: 0.9 },
      resample_probability: { type: "number", default: 0.25, min: 0, max: 1 },
    },
    orders: [{ low: "interval", high: "max_epochs" }],
  },
} as const satisfies Record<StrategyName, OptionTable>);

/** Strategies that optimize a single goal: a spec with several objectives needs another strategy. */
export const SINGLE_OBJECTIVE_STRATEGIES: readonly StrategyName[] = [
  "tpe",
  "bayes",
  "evolution",
  "cmaes",
  "sha",
  "asha",
  "hyperband",
  "pbt",
];

/** Multi-fidelity strategies: they stop trials by epochs, and so own `train.epochs`. */
export const EPOCH_STRATEGIES: readonly StrategyName[] = ["sha", "asha", "hyperband", "pbt"];

/** Strategies that continue the built-in trainer's checkpoints with changed parameters: they need a trainer. */
export const TRAINER_STRATEGIES: readonly StrategyName[] = ["pbt"];

/** Pruner options (Optuna's MedianPruner defaults). */
export const PRUNER_OPTIONS = byName({
  median: {
    options: {
      startup: { type: "int", default: 5, min: 0, max: 1_000_000 },
      warmup: { type: "int", default: 2, min: 0, max: 1_000_000 },
      interval: { type: "int", default: 1, min: 1, max: 1_000_000 },
    },
  },
} as const satisfies Record<string, OptionTable>);

export type PrunerName = keyof typeof PRUNER_OPTIONS;

/** Every owner of options by name: strategies and pruners share no name. */
export const OPTION_TABLES = byName({ ...STRATEGY_OPTIONS, ...PRUNER_OPTIONS } as const);
export type OptionOwner = keyof typeof OPTION_TABLES;

const specs = (tables: Record<string, OptionTable>): Record<string, FunctionSpec> =>
  byName(Object.fromEntries(Object.entries(tables).map(([name, t]) => [name, functionSpecOf(t)])));

/** The checker's view of the strategy tables: one argument per option, defaults included. */
export const STRATEGIES: Record<string, FunctionSpec> = specs(STRATEGY_OPTIONS);
/** The checker's view of the pruner tables. */
export const PRUNERS: Record<string, FunctionSpec> = specs(PRUNER_OPTIONS);
