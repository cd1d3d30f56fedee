import { STREAM, permutation, rngFor } from "../plan/random.js";
import { debuglog } from "node:util";
import { GaussianProcess, type GpFitResult, type GpHyperparameters } from "../native/gp.js";
import { loadCpu, resolveDevice } from "../native/load.js";
import { type OptionsFor, readOptions } from "../plan/options.js";
import type { Params } from "../plan/types.js";
import { decode, encode, sampleConfiguration, satisfiesConstraints } from "../space/index.js";
import { describeError } from "../util/errors.js";
import { type FeatureMap, featureMap } from "./bayes/features.js";
import { TARGET_TRANSFORMS, chooseTransform, scalarize, transformTargets } from "./bayes/targets.js";
import type { AskContext, Proposal, Strategy, StrategyFactory, StrategyInit, TrialView } from "./types.js";

/**
 * `bayes`: Bayesian optimization with the native exact GP (src/native/gp.ts).
 *
 * - The first `initial` trials (by number) come from a seeded Latin hypercube over the unit cube.
 *   (BoTorch, Ax and HEBO start from scrambled Sobol points instead. Swapped in, Sobol did no better
 *   on bench/surrogate-quality: 60 trials, 30 seeds, better on 2 functions and worse on 2; 200 trials,
 *   10 seeds, worse on 3 of 4, and Levy-10 6.54 against 4.37. A hypercube stratifies every
 *   coordinate even for the 10 or so points of a design, where Sobol's first points do not.)
 * - Then each ask fits the GP (MAP by L-BFGS: seeded restarts on the first fit and whenever the
 *   data grew by 10 observations or 25 %, half of `restarts` for each of three target transforms;
 *   otherwise one short run warm-started from the previous fit and its curvature pairs) on
 *   the trials' features (bayes/features.ts: unit cube, one-hot categoricals) and transformed,
 *   standardized targets (bayes/targets.ts: the fits with restarts try a strong log warp, a mild one
 *   and none, and keep none unless a warp is clearly likelier, for the warm refits until the next),
 *   and maximizes the
 *   acquisition: `candidates` seeded
 *   points (half uniform, half around the best trials), the best two and the incumbent polished by
 *   bounded L-BFGS in the native engine, each polished point rounded to a valid configuration and
 *   scored again.
 * - Running trials and earlier proposals of the same batch enter as fantasies at their posterior mean
 *   (kriging believer), so a batch spreads out.
 * - Failed and pruned trials count as the worst observed value, steering the search away from them.
 * - Constraints filter candidates; conditional parameters are decoded by src/space.
 * - Several objectives are scalarized per ask (ParEGO).
 */

type BayesOptions = OptionsFor<"bayes">;

const log = debuglog("hpo");

/** Starting points polished by L-BFGS: the best candidates plus the incumbent. */
const POLISH_STARTS = 2;
const POLISH_ITERATIONS = 30;
/** With `device = "auto"`, the GPU is used from this many observations on. */
const AUTO_CUDA_MIN_POINTS = 512;
/** Full fits (seeded restarts, every target transform) come once the data grew by this many
 *  observations, or by FULL_REFIT_GROWTH if that is more (in between, one short warm-started run
 *  per ask). */
const FULL_REFIT_EVERY = 10;
const FULL_REFIT_GROWTH = 0.25;
/** L-BFGS steps of a warm-started refit (a full fit allows 100 per restart). */
const WARM_FIT_ITERATIONS = 10;
/** Incumbents whose neighbourhoods are sampled. */
const LOCAL_CENTRES = 5;
const LOCAL_SCALES = [0.01, 0.05, 0.2];

/**
 * Restarts of each transform's GP in a full fit: half the `restarts` option (at least one), so
 * the three fits of a full fit cost about what one fit with every restart did. More restarts per
 * transform did not search better: with 4 each (three times the cost), Levy-10's median best over
 * seeds 1–60 was 0.88 (9 seeds above 3.0) against 0.70 (12) with 2; Rosenbrock-10, Ackley-10,
 * Hartmann-6 and Branin over seeds 1–10 8.19 / 3.30 / −3.312, 4 stuck / 0.3984 against 8.39 / 3.04 /
 * −3.304, 3 stuck / 0.3984 (hpo bench strategies).
 */
export function transformRestarts(restarts: number): number {
  return Math.max(1, Math.ceil(restarts / 2));
}

/** The data the GP is fitted on: one row per usable trial. */
interface Observations {
  X: Float64Array;
  /** The targets under the transform chosen at the last full fit (#transform). */
  y: Float64Array;
  n: number;
  /** The values the targets come from (maximization convention), for other transforms. */
  values: number[];
  /** Features of the best trial (the incumbent) and of the next best ones. */
  top: Float64Array[];
}

class BayesStrategy implements Strategy {
  readonly name = "bayes";
  readonly #init: StrategyInit;
  readonly #options: BayesOptions;
  readonly #features: FeatureMap;
  #design: Float64Array[] | undefined;
  #warm: GpFitResult | undefined;
  /** Index into TARGET_TRANSFORMS, chosen at each full fit; kept for the warm refits in between. */
  #transform = 0;
  /** Per transform, its last full fit: the warm start of its next one. */
  readonly #warmBy: (GpFitResult | undefined)[] = [];
  readonly #featureCache = new WeakMap<Params, Float64Array | null>();
  /** Observations the hyperparameters in #warm were last optimized on. */
  #fittedOn = 0;
  /** Observations of the last full fit. */
  #fullOn = 0;
  #device: "cpu" | "cuda" | undefined;
  /** Plain floats only, no conditions or constraints: candidate features are their unit coordinates. */
  readonly #plain: boolean;

  constructor(init: StrategyInit) {
    // The GP needs the native addon only after the initial random trials; load it now so a missing
    // build fails the study as it opens (with loadCpu's fix) rather than at its eleventh trial.
    loadCpu();
    this.#init = init;
    this.#options = readOptions("bayes", init.options);
    this.#features = featureMap(init.space);
    this.#plain =
      init.constraints.length === 0 &&
      init.space.every((p) => p.kind === "float" && p.step === undefined && p.condition === undefined);
  }

  async ask(context: AskContext, count: number): Promise<Proposal[]> {
    const proposals: Proposal[] = [];
    const seen = new Set(context.trials.map((t) => key(t.params)));
    const pending: Params[] = context.trials.filter((t) => t.state === "running").map((t) => t.params);
    let model: Model | undefined;
    try {
      for (let i = 0; i < count; i++) {
        const number = context.nextNumber + i;
        let params: Params | undefined;
        if (number < this.#options.initial) params = this.#designPoint(number);
        else {
          let early: Candidates | undefined;
          if (model === undefined)
            model =
              (await this.#fit(context.trials, number, (obs) => {
                early = this.#candidates(obs, number);
              })) ?? undefined;
          if (model) params = await this.#propose(model, pending, seen, number, early);
        }
        if (!params || seen.has(key(params))) params = this.#random(number);
        seen.add(key(params));
        pending.push(params);
        proposals.push({ params });
      }
    } finally {
      model?.gp.dispose();
    }
    return proposals;
  }

  /** Trial `number` of the Latin hypercube (random once it would break a constraint). */
  #designPoint(number: number): Params {
    const { space, constraints, seed } = this.#init;
    if (!this.#design) {
      const size = this.#options.initial;
      const rng = rngFor(seed, STREAM.bayesDesign);
      const perms = space.map(() => permutation(size, rng));
      this.#design = Array.from({ length: size }, (_, k) =>
        Float64Array.from(space, (_p, j) => (perms[j][k] + rng.uniform()) / size),
      );
    }
    const params = this.#features.toParams(this.#features.fromUnit(this.#design[number]));
    return satisfiesConstraints(constraints, params) ? params : this.#random(number);
  }

  #random(number: number): Params {
    const { space, constraints, seed } = this.#init;
    return sampleConfiguration(space, constraints, rngFor(seed, STREAM.bayesRandom, number));
  }

  #observations(trials: readonly TrialView[], number: number): Observations | undefined {
    const { objectives, space, seed } = this.#init;
    const complete: { x: Float64Array; values: number[] }[] = [];
    const bad: Float64Array[] = [];
    for (const t of trials) {
      if (t.state === "running") continue;
      const x = this.#featuresOf(t.params, space);
      if (!x) continue; // a trial from another version of the space
      if (t.state === "complete" && t.values && t.values.length >= objectives.length)
        complete.push({ x, values: t.values });
      else if (t.state === "failed" || t.state === "pruned") bad.push(x);
    }
    if (complete.length < 2) return undefined;
    const scores = scalarize(
      complete.map((c) => c.values),
      objectives,
      rngFor(seed, STREAM.bayesWeights, number),
    );
    const finite = scores.filter(Number.isFinite);
    if (finite.length === 0) return undefined;
    const worst = Math.min(...finite);
    const all = [...scores, ...bad.map(() => worst)];
    const rows = [...complete.map((c) => c.x), ...bad];
    const d = this.#features.dim;
    const X = stackRows(rows, d);
    const { y } = transformTargets(all, TARGET_TRANSFORMS[this.#transform]);
    const order = Array.from(complete.keys()).sort((a, b) => y[b] - y[a] || a - b);
    return { X, y, n: rows.length, values: all, top: order.slice(0, LOCAL_CENTRES).map((i) => rows[i]) };
  }

  /** A trial's features, cached per params object (the history is re-read on every ask); null when
   *  the configuration does not fit this space. */
  #featuresOf(params: Params, space: StrategyInit["space"]): Float64Array | null {
    let x = this.#featureCache.get(params);
    if (x === undefined) {
      try {
        x = this.#features.fromParams(params);
        encode(space, params);
      } catch {
        x = null;
      }
      this.#featureCache.set(params, x);
    }
    return x;
  }

  #resolveDevice(): "cpu" | "cuda" {
    if (this.#device) return this.#device;
    try {
      this.#device = resolveDevice(this.#options.device);
    } catch (err) {
      // Asked for CUDA explicitly but it is unusable: say so once, and carry on with the CPU.
      process.emitWarning(`bayes: ${describeError(err)}; using the CPU instead`, {
        code: "HPO_CUDA_FALLBACK",
      });
      this.#device = "cpu";
    }
    return this.#device;
  }

  /** Fits the GP on the history; undefined when there is too little data or the fit fails. */
  async #fit(
    trials: readonly TrialView[],
    number: number,
    whileFitting?: (obs: Observations) => void,
  ): Promise<Model | undefined> {
    const d = this.#features.dim;
    if (d === 0) return undefined;
    const obs = this.#observations(trials, number);
    if (!obs) return undefined;
    const { kernel, precision } = this.#options;
    // With device auto, small models stay on the CPU: below a few hundred points kernel-launch
    // latency costs more than the GPU saves.
    const device =
      this.#options.device === "auto" && obs.n < AUTO_CUDA_MIN_POINTS ? "cpu" : this.#resolveDevice();
    const create = (y: Float64Array) =>
      GaussianProcess.create({ X: obs.X, y, n: obs.n, d, kernel, precision, device });
    const seed = rngFor(this.#init.seed, STREAM.bayesFit, number).int(2 ** 31 - 1);
    // Every ask with new data refits. Warm-started from the previous fit and its L-BFGS curvature
    // pairs (the data changed by a trial or a few), one run of at most WARM_FIT_ITERATIONS steps
    // usually converges in 3-8 (BoTorch/Optuna loops warm-start for the same reason); when it does
    // not, the next ask continues from where it stopped. All restarts run again once the data grew
    // by FULL_REFIT_EVERY observations (FULL_REFIT_GROWTH of them on large histories, where a full
    // fit costs tens of likelihood evaluations per restart), so a fit stuck in a poor local optimum
    // does not persist. An ask on the same data as the last fit (a batch, or asks while trials run)
    // reuses its hyperparameters. The choice depends only on the sequence of histories asked about,
    // so the same seed still gives the same trials.
    const full =
      !this.#warm ||
      obs.n - this.#fullOn >= Math.max(FULL_REFIT_EVERY, Math.floor(this.#fullOn * FULL_REFIT_GROWTH));
    if (full) return this.#fitTransforms(obs, create, seed, whileFitting);
    const gp = await create(obs.y);
    try {
      let fitted: GpFitResult;
      const warm = this.#warm as GpFitResult;
      if (obs.n === this.#fittedOn) {
        await gp.setHyperparameters(warm);
        fitted = warm;
      } else {
        const fitting = gp.fit({ restarts: 1, seed, maxIterations: WARM_FIT_ITERATIONS, warmStart: warm });
        // One microtask turn lets the queued native call start on its worker thread; the JS work
        // that does not need the fit then runs beside it.
        await null;
        try {
          whileFitting?.(obs);
        } finally {
          fitted = await fitting; // also when whileFitting threw: the model is disposed only after
        }
        this.#warm = fitted;
        this.#fittedOn = obs.n;
      }
      return { gp, obs, hyper: fitted, best: Math.max(...obs.y.subarray(0, obs.n)) };
    } catch (err) {
      log("bayes: GP fit failed (%s); proposing at random", describeError(err));
      gp.dispose();
      return undefined;
    }
  }

  /**
   * A full fit: the GP fitted with restarts (transformRestarts) under each target transform
   * (concurrently), and the identity kept unless a warp makes the observed values clearly likelier
   * (chooseTransform), with its transform, until the next full fit (the warm refits in between stay
   * one fit). Rosenbrock and Branin, whose values span orders of magnitude, get the strong warp;
   * see bayes/targets.ts for what it does on Levy.
   */
  async #fitTransforms(
    obs: Observations,
    create: (y: Float64Array) => Promise<GaussianProcess>,
    seed: number,
    whileFitting?: (obs: Observations) => void,
  ): Promise<Model | undefined> {
    const restarts = transformRestarts(this.#options.restarts);
    const targets = TARGET_TRANSFORMS.map((t) => transformTargets(obs.values, t));
    const gps: GaussianProcess[] = [];
    let kept: GaussianProcess | undefined;
    try {
      for (const t of targets) gps.push(await create(t.y));
      const fitting = Promise.allSettled(
        gps.map((gp, i) => gp.fit({ restarts, seed, warmStart: this.#warmBy[i] ?? this.#warm })),
      );
      await null;
      let settled: PromiseSettledResult<GpFitResult>[];
      try {
        whileFitting?.(obs);
      } finally {
        settled = await fitting;
      }
      const scores = settled.map((r, i) =>
        r.status === "fulfilled"
          ? { lml: r.value.logMarginalLikelihood, logJacobian: targets[i].logJacobian }
          : { lml: Number.NEGATIVE_INFINITY, logJacobian: 0 },
      );
      const k = chooseTransform(scores, obs.n);
      log(
        "bayes: n=%d target transform %s (log p: %s)",
        obs.n,
        JSON.stringify(TARGET_TRANSFORMS[k]),
        scores.map((x) => (x.lml + x.logJacobian).toFixed(1)).join(", "),
      );
      const result = settled[k];
      if (result.status === "rejected") throw result.reason;
      for (const [i, r] of settled.entries()) if (r.status === "fulfilled") this.#warmBy[i] = r.value;
      this.#transform = k;
      this.#warm = result.value;
      this.#fittedOn = obs.n;
      this.#fullOn = obs.n;
      obs.y = targets[k].y;
      kept = gps[k];
      return { gp: kept, obs, hyper: result.value, best: Math.max(...obs.y.subarray(0, obs.n)) };
    } catch (err) {
      log("bayes: GP fit failed (%s); proposing at random", describeError(err));
      return undefined;
    } finally {
      for (const gp of gps) if (gp !== kept) gp.dispose();
    }
  }

  /**
   * The seeded candidates for trial `number`, rounded to valid configurations and filtered by the
   * constraints: half uniform, half around the best observations (`obs.top`). They depend on the
   * observations only, not on the fitted model, so ask() makes them while the native fit runs.
   */
  #candidates(obs: Observations, number: number): Candidates {
    const fm = this.#features;
    const d = fm.dim;
    const { constraints } = this.#init;
    // In a space of plain floats without conditions or constraints, rounding is the identity
    // (features = unit coordinates), so candidates go straight into one matrix and only the few that
    // rank near the top are decoded into configurations (an ask used to spend most of its JS time
    // building thousands of Params objects and small arrays).
    const rng = rngFor(this.#init.seed, STREAM.bayesCandidates, number);
    const total = this.#options.candidates;
    const space = this.#init.space;
    const plain = this.#plain;
    const centres = obs.top.map((x) => encode(space, fm.toParams(x)));
    const pool: { params: Params | undefined; x: Float64Array }[] = [];
    const u = new Float64Array(space.length);
    // Plain spaces keep every candidate, so their features fill one matrix in place.
    const plainX = plain ? new Float64Array(total * d) : undefined;
    for (let c = 0; c < total; c++) {
      // Plain loops (not Float64Array.from / forEach with callbacks): this runs for thousands of
      // candidates per ask. The random stream is consumed in the same order either way.
      if (c % 2 === 0 || centres.length === 0) {
        for (let j = 0; j < space.length; j++) u[j] = rng.uniform();
      } else {
        const scale = LOCAL_SCALES[rng.int(LOCAL_SCALES.length)];
        u.set(centres[rng.int(centres.length)]);
        for (let j = 0; j < space.length; j++) {
          if (Number.isNaN(u[j])) u[j] = rng.uniform();
          else if (space[j].kind === "categorical") {
            if (rng.uniform() < 1 / space.length) u[j] = rng.uniform();
          } else u[j] = Math.min(1, Math.max(0, u[j] + scale * rng.normal()));
        }
      }
      if (plainX) {
        const x = plainX.subarray(c * d, (c + 1) * d);
        x.set(u);
        pool.push({ params: undefined, x });
      } else {
        const params = decode(space, u);
        if (satisfiesConstraints(constraints, params)) pool.push({ params, x: fm.fromParams(params) });
      }
    }
    const Xpool =
      plainX ??
      stackRows(
        pool.map((p) => p.x),
        d,
      );
    return { pool, Xpool };
  }

  /** The acquisition maximizer for trial `number`, given pending configurations as fantasies. */
  async #propose(
    model: Model,
    pending: Params[],
    seen: Set<string>,
    number: number,
    candidates?: Candidates,
  ): Promise<Params | undefined> {
    const fm = this.#features;
    const d = fm.dim;
    const { constraints } = this.#init;
    let gp = model.gp;
    let fantasy: GaussianProcess | undefined;
    try {
      if (pending.length > 0) {
        const Xp = stackRows(
          pending.map((p) => fm.fromParams(p)),
          d,
        );
        const believed = await model.gp.predict(Xp);
        const X = new Float64Array((model.obs.n + pending.length) * d);
        X.set(model.obs.X);
        X.set(Xp, model.obs.n * d);
        const y = new Float64Array(model.obs.n + pending.length);
        y.set(model.obs.y);
        y.set(believed.mean, model.obs.n);
        fantasy = await GaussianProcess.create({
          X,
          y,
          n: y.length,
          d,
          kernel: gp.kernel,
          device: gp.device,
        });
        await fantasy.setHyperparameters(model.hyper);
        gp = fantasy;
      }
      const acq = { kind: this.#options.acquisition, best: model.best, beta: this.#options.beta };

      // 1. Seeded candidates (generated while the fit ran, for the first proposal of an ask).
      const { pool, Xpool } = candidates ?? this.#candidates(model.obs, number);
      if (pool.length === 0) return undefined;
      const poolValues = (await gp.acquisition(Xpool, acq)).value;

      // 2. Polish the best candidates and the incumbent with L-BFGS, then round and rescore.
      const starts = topIndices(poolValues, POLISH_STARTS).map((i) => pool[i].x);
      if (model.obs.top.length) starts.push(model.obs.top[0]);
      const Xs = stackRows(starts, d);
      const polished = await gp.maximizeAcquisition(Xs, { ...acq, maxIterations: POLISH_ITERATIONS });
      const rounded: { params: Params; x: Float64Array }[] = [];
      for (let i = 0; i < starts.length; i++) {
        const params = fm.toParams(polished.x.subarray(i * d, (i + 1) * d));
        if (satisfiesConstraints(constraints, params)) rounded.push({ params, x: fm.fromParams(params) });
      }
      const scored: { params: Params | undefined; x: Float64Array; value: number }[] = pool.map((p, i) => ({
        params: p.params,
        x: p.x,
        value: poolValues[i],
      }));
      if (rounded.length) {
        const Xr = stackRows(
          rounded.map((r) => r.x),
          d,
        );
        const values = (await gp.acquisition(Xr, acq)).value;
        for (const [i, r] of rounded.entries()) scored.push({ params: r.params, x: r.x, value: values[i] });
      }

      // 3. The best configuration not tried yet (ties: the earlier, so the choice is deterministic).
      // Scanned best-first so the (string) duplicate key is built for a few configurations, not all.
      // Usually the best is new: rank a few first, everything only when those were all tried.
      const values = Float64Array.from(scored, (c) => c.value);
      for (const k of [8, values.length]) {
        const ranked = topIndices(values, k);
        for (const i of ranked) {
          const params = scored[i].params ?? fm.toParams(scored[i].x);
          if (!seen.has(key(params))) return params;
        }
      }
      return undefined;
    } finally {
      fantasy?.dispose();
    }
  }
}

/** Seeded candidates: their configurations (decoded lazily in plain spaces) and features, stacked. */
interface Candidates {
  pool: { params: Params | undefined; x: Float64Array }[];
  Xpool: Float64Array;
}

interface Model {
  gp: GaussianProcess;
  obs: Observations;
  hyper: GpHyperparameters;
  best: number;
}

/**
 * Indices of the k largest finite values, best first (ties: the lower index), without sorting all:
 * k is small next to the thousands of scored candidates.
 */
function topIndices(values: ArrayLike<number>, k: number): number[] {
  if (k >= values.length)
    return Array.from({ length: values.length }, (_, i) => i)
      .filter((i) => Number.isFinite(values[i]))
      .sort((a, b) => values[b] - values[a] || a - b);
  const top: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v) || (top.length === k && v <= values[top[k - 1]])) continue;
    let at = top.length;
    while (at > 0 && v > values[top[at - 1]]) at--;
    top.splice(at, 0, i);
    if (top.length > k) top.pop();
  }
  return top;
}

/** Rows of length d stacked into one row-major matrix. */
function stackRows(rows: readonly ArrayLike<number>[], d: number): Float64Array {
  const X = new Float64Array(rows.length * d);
  for (const [i, r] of rows.entries()) X.set(r, i * d);
  return X;
}

const keyCache = new WeakMap<Params, string>();

/** A configuration's identity for duplicate checks (cached: every ask keys the whole history). */
function key(params: Params): string {
  let k = keyCache.get(params);
  if (k === undefined) {
    k = JSON.stringify(
      Object.keys(params)
        .sort()
        .map((name) => [name, params[name]]),
    );
    keyCache.set(params, k);
  }
  return k;
}

/** The `bayes` strategy factory (options as in the language: initial, acquisition, kernel, …). */
export const createBayes: StrategyFactory = (init) => new BayesStrategy(init);
