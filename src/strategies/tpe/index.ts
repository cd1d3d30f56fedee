import { readOptions } from "../../plan/options.js";
import { type Rng, rngFor, STREAM } from "../../plan/random.js";
import type { Params, ParamSpec, Scalar } from "../../plan/types.js";
import { isActive, sampleConfiguration, sampleValue, satisfiesConstraints } from "../../space/index.js";
import type { Proposal, Strategy, StrategyFactory, StrategyInit, TrialView } from "../types.js";
import { type TpeDim, toExternal, toInternal, tpeDim } from "./dims.js";
import { ParzenEstimator, type ParzenOptions } from "./parzen.js";
import { splitTrials } from "./split.js";

/** How many rounds of candidates TPE draws before it falls back to a prior sample that fits the constraints. */
const CONSTRAINT_ROUNDS = 16;

/**
 * `magic_clip = "shared"`: g(x)'s magic clip counts this many kernels per kernel of l(x), not its
 * own. Optuna's g, with ~10× l's points, gets a floor ~4× narrower than l's (range/100 against
 * range/27 at 200 trials): a spiky g that ranks candidates by their distance to the nearest bad
 * trial. Tied to l's count, g stays comparably smooth. Over 60 seeds of `hpo bench strategies`,
 * counts of 1–2 lose 10-D Rosenbrock and Ackley to Optuna's rule, 2.5–4 gain on every function;
 * 3 with `candidateCount`'s draws did best.
 */
export const SHARED_CLIP = 3;

/**
 * `candidates = 0`: draws per ask from l(x), at least Optuna's 24 and 5 per parameter modelled
 * jointly: 24 draws leave a 10-D mixture sparsely sampled, so the best l(x)/g(x) among them is a
 * coarse pick.
 */
export function candidateCount(option: number, params: number): number {
  return option > 0 ? option : Math.max(24, 5 * params);
}

/** Optuna's γ: how many of n finished trials form the "below" group. */
export function gamma(n: number, objectives: number): number {
  return objectives > 1 ? Math.ceil(0.1 * n) : Math.min(Math.ceil(0.1 * n), 25);
}

/** Optuna's default weights: the 25 newest trials weigh 1, older ones ramp down linearly from 1 to 1/n. */
export function defaultWeights(n: number): Float64Array {
  const w = new Float64Array(n).fill(1);
  const ramp = n - 25;
  if (ramp > 0)
    for (let i = 0; i < ramp; i++) w[i] = ramp === 1 ? 1 / n : 1 / n + ((1 - 1 / n) * i) / (ramp - 1);
  return w;
}

/**
 * `tpe(…)`: the Tree-structured Parzen Estimator as Optuna 5 runs it by default (startup random
 * trials, γ split, prior kernel, neighbour bandwidths with the magic clip, candidates scored by
 * log l(x) − log g(x), multivariate over the unconditional parameters, constant liar for running
 * trials), but for g(x)'s magic clip (SHARED_CLIP) and the candidate count (candidateCount), which
 * `magic_clip = "optuna"` and `candidates = 24` set back to Optuna's. Conditional parameters are
 * sampled one at a time from the trials where they were active.
 * Several objectives split by non-domination (MOTPE). Candidates breaking a constraint are never
 * proposed. Every proposal is a pure function of the seed, the trial number and the history.
 */
export const createTpe: StrategyFactory = (init) => {
  const o = readOptions("tpe", init.options);
  const model = new TpeModel(init, {
    startup: o.startup,
    candidates: o.candidates,
    multivariate: o.multivariate,
    parzen: { priorWeight: o.prior_weight, considerEndpoints: o.consider_endpoints },
    sharedClip: o.magic_clip === "shared",
  });
  return {
    name: "tpe",
    async ask(context, count) {
      const objectives = Math.max(1, init.objectives.length);
      const finished = context.trials.filter((t) => usable(t, objectives));
      const running = o.constant_liar ? context.trials.filter((t) => t.state === "running") : [];
      const out: Proposal[] = [];
      for (let i = 0; i < count; i++) {
        const number = context.nextNumber + i;
        const params = model.propose(number, finished, running);
        out.push({ params });
        // later proposals of this batch see this one as running (the constant liar)
        if (o.constant_liar) running.push({ number, state: "running", params, intermediate: [] });
      }
      return out;
    },
  } satisfies Strategy;
};

interface TpeSettings {
  startup: number;
  candidates: number;
  multivariate: boolean;
  parzen: ParzenOptions;
  /** g(x)'s magic clip follows l(x)'s kernel count (SHARED_CLIP) rather than its own. */
  sharedClip: boolean;
}

/** Complete trials with a (non-NaN) value per objective, and pruned trials: the ones TPE learns from. */
function usable(t: TrialView, objectives: number): boolean {
  if (t.state === "pruned") return true;
  return (
    t.state === "complete" &&
    !!t.values &&
    t.values.length >= objectives &&
    t.values.every((v) => !Number.isNaN(v))
  );
}

interface Modelled {
  spec: ParamSpec;
  dim: TpeDim;
}

/** The l(x) ("below") and g(x) ("above") estimators over some parameters. */
interface Pair {
  params: Modelled[];
  below: ParzenEstimator;
  above: ParzenEstimator;
}

class TpeModel {
  /** Unconditional parameters modelled jointly (multivariate) — or each alone otherwise. */
  private readonly joint: Modelled[];

  constructor(
    private readonly init: StrategyInit,
    private readonly settings: TpeSettings,
  ) {
    this.joint = settings.multivariate ? modelled(init.space.filter((p) => !p.condition)) : [];
  }

  propose(number: number, finished: TrialView[], running: TrialView[]): Params {
    const { space, constraints, seed, objectives } = this.init;
    if (finished.length < this.settings.startup || finished.length === 0)
      return sampleConfiguration(space, constraints, rngFor(seed, STREAM.sample, number));
    const directions = objectives.map((ob) => ob.direction);
    const { below, above } = splitTrials(
      finished,
      running,
      directions,
      gamma(finished.length, Math.max(1, objectives.length)),
    );
    const multiObjective = objectives.length > 1;
    const build = (params: Modelled[]): Pair => {
      const l = this.estimator(params, below, multiObjective);
      const clip = this.settings.sharedClip ? SHARED_CLIP * l.nKernels : undefined;
      return { params, below: l, above: this.estimator(params, above, false, clip) };
    };
    const rng = rngFor(seed, STREAM.tpe, number);
    const single = new Map<string, Pair>(); // per-parameter estimators, built on first use
    const jointPair = this.joint.length ? build(this.joint) : undefined;

    for (let round = 0; round < CONSTRAINT_ROUNDS; round++) {
      // joint candidates, best first; without a joint group, one empty candidate
      const starts: Params[] = jointPair ? this.ranked(jointPair, rng) : [{}];
      for (const start of starts) {
        const params = this.complete(start, rng, (p) => {
          let pair = single.get(p.spec.name);
          if (!pair) single.set(p.spec.name, (pair = build([p])));
          return pair;
        });
        if (satisfiesConstraints(constraints, params)) return params;
      }
    }
    return sampleConfiguration(space, constraints, rngFor(seed, STREAM.sample, number));
  }

  /** The `candidates` draws from l(x), as parameter values, best l(x)/g(x) first. */
  private ranked(pair: Pair, rng: Rng): Params[] {
    const xs = pair.below.sample(rng, candidateCount(this.settings.candidates, pair.params.length));
    const l = pair.below.logPdf(xs);
    const g = pair.above.logPdf(xs);
    const score = xs.map((_, i) => (l[i] as number) - (g[i] as number));
    const order = xs.map((_, i) => i).sort((a, b) => (score[b] as number) - (score[a] as number) || a - b);
    return order.map((i) => {
      const params: Params = {};
      pair.params.forEach((p, d) => {
        params[p.spec.name] = toExternal(p.spec, (xs[i] as number[])[d] as number);
      });
      return params;
    });
  }

  /** Fills in every other active parameter, in declaration order, one at a time. */
  private complete(start: Params, rng: Rng, pairFor: (p: Modelled) => Pair): Params {
    const params: Params = {};
    for (const p of this.init.space) {
      if (!isActive(p, params)) continue;
      if (Object.hasOwn(start, p.name)) {
        params[p.name] = start[p.name] as Scalar;
        continue;
      }
      const dim = tpeDim(p);
      if (!dim) {
        params[p.name] = sampleValue(p, rng); // a single possible value
        continue;
      }
      params[p.name] = (this.ranked(pairFor({ spec: p, dim }), rng)[0] as Params)[p.name] as Scalar;
    }
    return params;
  }

  /** A Parzen estimator over the trials that have every one of `params` (in range). */
  private estimator(
    params: Modelled[],
    trials: TrialView[],
    uniformWeights: boolean,
    clipKernels?: number,
  ): ParzenEstimator {
    const d = params.length;
    const values = new Float64Array(trials.length * d); // row-major, trials that have every parameter
    let n = 0;
    for (const t of trials) {
      let j = 0;
      for (; j < d; j++) {
        const p = (params[j] as Modelled).spec;
        // an absent name reads undefined or an Object.prototype member: toInternal rejects both
        const v = toInternal(p, t.params[p.name] as Scalar);
        if (v === undefined) break;
        values[n * d + j] = v;
      }
      if (j === d) n++;
    }
    const columns = params.map((_, j) => {
      const c = new Float64Array(n);
      for (let i = 0; i < n; i++) c[i] = values[i * d + j] as number;
      return c;
    });
    const weights = uniformWeights ? new Float64Array(n).fill(1) : defaultWeights(n);
    return new ParzenEstimator(
      params.map((p) => p.dim),
      columns,
      weights,
      { ...this.settings.parzen, clipKernels },
    );
  }
}

function modelled(space: ParamSpec[]): Modelled[] {
  return space.flatMap((spec) => {
    const dim = tpeDim(spec);
    return dim ? [{ spec, dim }] : [];
  });
}
