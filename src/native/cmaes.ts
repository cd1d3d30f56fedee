/**
 * CMA-ES on the native engine (native/cmaes/): one search in the unit cube with a full or separable
 * (diagonal) covariance and IPOP/BIPOP restarts. Candidate `number` of the current generation is a
 * pure function of (seed, generation, number, attempt), so a caller can hand a generation's
 * candidates to parallel workers, recompute any of them later, and tell their values in any order.
 *
 * This wrapper applies defaults, validates every argument (HpoError naming it), then makes one native
 * call with typed arrays and numbers. CPU only: see native/cmaes/cmaes_math.h for why.
 */
import { HpoError } from "../util/errors.js";
import { fromNativeError } from "./errors.js";
import { loadCpu } from "./load.js";

export type CmaEsRestart = "none" | "ipop" | "bipop";

export interface CmaEsOptions {
  /** Dimensions: one per encoded parameter. */
  dim: number;
  /** Integer in [0, 2^53). */
  seed: number;
  /** Initial step size in unit-cube units (default 0.2). */
  sigma0?: number;
  /** λ of the first run; 0 (default) means 4 + ⌊3 ln n⌋. */
  popsize?: number;
  restart?: CmaEsRestart;
  /** Separable CMA-ES: a diagonal covariance (default false). */
  diagonal?: boolean;
  /** Start of the first run, `dim` values in [0, 1] (default the cube's centre). */
  mean?: ArrayLike<number>;
  /** Step size of the first run (default `sigma0`). */
  sigma?: number;
  /** Diagonal of the first run's covariance, `dim` values > 0 (default all 1). */
  variances?: ArrayLike<number>;
  /** Draws per candidate to land inside the cube before it is clipped (default 100). */
  maxResample?: number;
}

export interface CmaEsInfo {
  /** Generations told, over all runs (keys the candidates' streams). */
  generation: number;
  /** Generations of the current run. */
  runGeneration: number;
  restarts: number;
  /** The current run's population size λ: how many values `tell` takes. */
  lambda: number;
  sigma: number;
  /** Why the last run stopped ("none" while it goes on): tolfun, tolx, noeffectaxis, noeffectcoord, conditioncov, notfinite. */
  stop: string;
  /** BIPOP: whether the current run belongs to the small-population regime. */
  smallRegime: boolean;
}

interface NativeCmaEs {
  sample(number: number, attempt: number): Float64Array;
  tell(numbers: Uint32Array, attempts: Uint32Array, fitness: Float64Array): void;
  info(): CmaEsInfo;
  mean(): Float64Array;
  covariance(): Float64Array;
  dispose(): void;
}

const RESTARTS: Record<CmaEsRestart, number> = { none: 0, ipop: 1, bipop: 2 };
const native = Symbol("native");

function invalid(name: string, expected: string, actual: unknown): HpoError {
  const shown = typeof actual === "number" || typeof actual === "boolean" ? String(actual) : typeof actual;
  return new HpoError(`cmaes: expected ${name} to be ${expected}, got ${shown}`);
}

function checkInteger(name: string, value: unknown, low: number, high: number): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < low || value > high)
    throw invalid(name, `an integer in [${low}, ${high}]`, value);
  return value;
}

function checkPositive(name: string, value: unknown): number {
  if (typeof value !== "number" || !(value > 0) || !Number.isFinite(value))
    throw invalid(name, "a finite number > 0", value);
  return value;
}

function checkVector(
  name: string,
  values: ArrayLike<number>,
  dim: number,
  ok: (v: number) => boolean,
  what: string,
) {
  if (!values || typeof values.length !== "number" || values.length !== dim)
    throw invalid(name, `${dim} numbers`, values?.length);
  const out = Float64Array.from(values);
  out.forEach((v, i) => {
    if (!ok(v)) throw invalid(`${name}[${i}]`, what, v);
  });
  return out;
}

/** Runs a native call, rethrowing its failure as an HpoNativeError (argument errors pass through). */
function guard<T>(call: () => T): T {
  try {
    return call();
  } catch (err) {
    throw fromNativeError(err);
  }
}

/** One CMA-ES search. Call `dispose()` when done. */
export class CmaEs {
  readonly dim: number;
  private readonly [native]: NativeCmaEs;

  constructor(options: CmaEsOptions) {
    if (options === null || typeof options !== "object") throw invalid("options", "an object", options);
    const dim = checkInteger("dim", options.dim, 1, 10_000);
    const seed = checkInteger("seed", options.seed, 0, Number.MAX_SAFE_INTEGER);
    const sigma0 = checkPositive("sigma0", options.sigma0 ?? 0.2);
    const popsize = checkInteger("popsize", options.popsize ?? 0, 0, 2 ** 20);
    if (popsize === 1) throw invalid("popsize", "0 (the default) or at least 2", popsize);
    const restart = options.restart ?? "none";
    if (!Object.hasOwn(RESTARTS, restart)) throw invalid("restart", '"none", "ipop" or "bipop"', restart);
    const diagonal = options.diagonal ?? false;
    if (typeof diagonal !== "boolean") throw invalid("diagonal", "a boolean", diagonal);
    const maxResample = checkInteger("maxResample", options.maxResample ?? 100, 1, 100_000);
    const mean = checkVector(
      "mean",
      options.mean ?? new Float64Array(dim).fill(0.5),
      dim,
      (v) => v >= 0 && v <= 1,
      "a number in [0, 1]",
    );
    const sigma = checkPositive("sigma", options.sigma ?? sigma0);
    const variances =
      options.variances === undefined
        ? null
        : checkVector(
            "variances",
            options.variances,
            dim,
            (v) => v > 0 && Number.isFinite(v),
            "a number > 0",
          );
    const Ctor = loadCpu().CmaEs;
    if (!Ctor) throw new HpoError("the CPU native module has no CmaEs (rebuild with `npm run build:native`)");
    const settings = new Float64Array([
      dim,
      popsize,
      sigma0,
      RESTARTS[restart],
      diagonal ? 1 : 0,
      seed,
      maxResample,
    ]);
    this.dim = dim;
    this[native] = guard(() => new Ctor(settings, mean, sigma, variances) as NativeCmaEs);
  }

  /** Candidate `number` (a trial number) of the current generation; `attempt` > 0 draws a fresh one. */
  sample(number: number, attempt = 0): Float64Array {
    checkInteger("number", number, 0, 2 ** 32 - 1);
    checkInteger("attempt", attempt, 0, 65_535);
    return guard(() => this[native].sample(number, attempt));
  }

  /**
   * Ends the generation with λ candidates (`numbers[k]`, `attempts[k]`) and their finite values
   * (smaller is better); a run that meets a termination criterion restarts when restarts are on.
   */
  tell(numbers: readonly number[], attempts: readonly number[], fitness: readonly number[]): void {
    const lambda = this.info().lambda;
    if (numbers.length !== lambda || attempts.length !== lambda || fitness.length !== lambda)
      throw invalid("numbers, attempts and fitness", `${lambda} values each (λ)`, numbers.length);
    for (let i = 0; i < lambda; i++) {
      checkInteger(`numbers[${i}]`, numbers[i], 0, 2 ** 32 - 1);
      checkInteger(`attempts[${i}]`, attempts[i], 0, 65_535);
      const v = fitness[i];
      if (typeof v !== "number" || !Number.isFinite(v)) throw invalid(`fitness[${i}]`, "a finite number", v);
    }
    guard(() =>
      this[native].tell(Uint32Array.from(numbers), Uint32Array.from(attempts), Float64Array.from(fitness)),
    );
  }

  info(): CmaEsInfo {
    return guard(() => this[native].info());
  }

  mean(): Float64Array {
    return guard(() => this[native].mean());
  }

  /** The covariance C, row-major dim × dim (diagonal when separable). */
  covariance(): Float64Array {
    return guard(() => this[native].covariance());
  }

  dispose(): void {
    guard(() => this[native].dispose());
  }
}
