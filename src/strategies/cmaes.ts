import { CmaEs } from "../native/cmaes.js";
import { readOptions } from "../plan/options.js";
import { rngFor, STREAM } from "../plan/random.js";
import type { Params } from "../plan/types.js";
import { decode, encode, sampleConfiguration, satisfiesConstraints } from "../space/index.js";
import { HpoError } from "../util/errors.js";
import { Generations } from "./cmaes/generations.js";
import { engineSeed, scoredTrials } from "./evolution/breeding.js";
import type { AskContext, Proposal, Strategy, StrategyFactory, StrategyInit, TrialView } from "./types.js";

/**
 * λ by default: 4 + ⌊3 ln d⌋ (Hansen), but at most a 25th of a trial budget (at least 4), so a short
 * study still runs 25 generations: at 200 trials in 10-D, λ = 8 instead of 10 (bench/results/evolution-cmaes-2026-12-07.md).
 */
export function defaultPopsize(dims: number, trials: number | undefined): number {
  const hansen = 4 + Math.floor(3 * Math.log(Math.max(1, dims)));
  return trials === undefined ? hansen : Math.min(hansen, Math.max(4, Math.floor(trials / 25)));
}

/** Candidates a constraint may reject before the prior takes over. */
export const MAX_ATTEMPTS = 32;

/**
 * `cmaes`: CMA-ES (native/cmaes) in the space's unit-cube encoding (src/space/encoding.ts). Integers,
 * steps and categoricals are decoded by rounding (the encoding gives every value an equal share of
 * the cube), log scales are searched in log space, and the update learns from the continuous
 * candidate, so a rounded coordinate still carries its step's direction. Candidates that leave the
 * cube are drawn again, then clipped.
 *
 * A generation's λ candidates are keyed by trial number, so parallel workers each get one, more
 * are drawn while some run, and values are told in any order (cmaes/generations.ts decides which
 * trials close a generation). The state is rebuilt from the history alone, so a resumed study
 * continues exactly where it stopped.
 *
 * Warm start: the `warm_start` best trials that finished before its first proposal (an earlier
 * strategy's, or enqueued ones) give the first run its mean (their average) and step size (their
 * spread, at most `sigma0`). A replay finds that first proposal as the first trial the engine
 * warm-started from the trials before it would propose; an earlier trial still running at the first
 * proposal and finished later changes that start, so such a study resumes with a fresh first run
 * rather than exactly (finished histories, the usual case of a strategy switch, resume exactly).
 * Only the first objective is optimized.
 */
export const createCmaes: StrategyFactory = (init: StrategyInit): Strategy => {
  const o = readOptions("cmaes", init.options);
  if (init.objectives.length === 0) throw new HpoError("cmaes needs an objective");
  const { space, constraints } = init;
  const seed = engineSeed(init.seed);
  const attempts = constraints.length > 0 ? MAX_ATTEMPTS : 1;
  const cost = (trial: TrialView): number =>
    scoredTrials([trial], init.objectives)[0]?.costs[0] ?? Number.NaN;
  let engine: CmaEs | undefined;
  let generations: Generations | undefined;
  // While looking for the first proposal in a history: the next index to look at, and the best
  // finished trials before it with the engine they warm-start.
  let scanned = 0;
  let best: { trial: TrialView; cost: number }[] = [];
  let candidate: CmaEs | undefined;

  function engineFor(sources: readonly { trial: TrialView }[]): CmaEs {
    const options = {
      dim: space.length,
      seed,
      sigma0: o.sigma0,
      popsize: o.popsize > 0 ? Math.max(2, o.popsize) : defaultPopsize(space.length, init.budget?.trials),
      restart: o.restart,
      diagonal: o.diagonal,
    };
    if (sources.length === 0) return new CmaEs(options);
    const points = sources.map(({ trial }) =>
      Array.from(encode(space, trial.params), (x) => (Number.isNaN(x) ? 0.5 : x)),
    );
    const mean = space.map((_, i) => points.reduce((s, p) => s + (p[i] as number), 0) / points.length);
    const spread = Math.sqrt(
      space.reduce(
        (s, _, i) => s + points.reduce((t, p) => t + ((p[i] as number) - (mean[i] as number)) ** 2, 0),
        0,
      ) /
        (points.length * space.length),
    );
    const sigma = points.length < 2 ? o.sigma0 : Math.min(o.sigma0, Math.max(0.02, spread));
    return new CmaEs({ ...options, mean, sigma });
  }

  /** Adds a finished trial to the warm-start sources; true when they changed. */
  function consider(trial: TrialView): boolean {
    if (o.warm_start === 0) return false;
    const c = cost(trial);
    if (!Number.isFinite(c)) return false;
    if (best.length === o.warm_start && c >= (best[best.length - 1] as { cost: number }).cost) return false;
    best = [...best, { trial, cost: c }].sort((a, b) => a.cost - b.cost).slice(0, o.warm_start);
    return true;
  }

  /**
   * Finds where this strategy started in the history: the first trial that the engine warm-started
   * from the trials before it proposed. Without one, it starts now, from the whole history.
   */
  function start(trials: readonly TrialView[]): void {
    for (; scanned < trials.length; scanned++) {
      candidate ??= engineFor(best);
      const gens = new Generations(candidate, space, attempts, cost, scanned);
      if (gens.proposedBy(trials[scanned] as TrialView) >= 0) {
        engine = candidate;
        generations = gens;
        return;
      }
      if (consider(trials[scanned] as TrialView)) {
        candidate.dispose();
        candidate = undefined;
      }
    }
    engine = candidate ?? engineFor(best);
    generations = new Generations(engine, space, attempts, cost, trials.length);
  }

  function propose(number: number): Params {
    const e = engine as CmaEs;
    for (let attempt = 0; attempt < attempts; attempt++) {
      const params = decode(space, e.sample(number, attempt));
      if (constraints.length === 0 || satisfiesConstraints(constraints, params)) return params;
    }
    return sampleConfiguration(space, constraints, rngFor(init.seed, STREAM.sample, number));
  }

  return {
    name: "cmaes",
    async ask(context: AskContext, count: number): Promise<Proposal[]> {
      const numbers = Array.from({ length: count }, (_, i) => context.nextNumber + i);
      if (space.length === 0) return numbers.map(() => ({ params: {} }));
      if (!generations) start(context.trials);
      (generations as Generations).sync(context.trials);
      return numbers.map((n) => ({ params: propose(n) }));
    },
    dispose() {
      engine?.dispose();
      if (candidate !== engine) candidate?.dispose();
      engine = candidate = generations = undefined;
    },
  };
};
