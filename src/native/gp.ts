/**
 * The TypeScript face of the native GP surrogate engine (native/gp/): an exact Gaussian process with
 * an ARD kernel (Matérn-5/2, Matérn-3/2 or RBF), an output scale, Gaussian noise and a constant mean,
 * on the CPU or, when available, a CUDA GPU (training data and factor stay on the device).
 *
 * Conventions: X is row-major (n × d); K = outputscale · k(X, X) + noise · I; the log marginal
 * likelihood is the total −½ (y−m)ᵀK⁻¹(y−m) − ½ log|K| − (n/2) log 2π. Fitting maximizes it plus
 * log-priors that assume inputs in the unit cube and standardized outputs (as the bayes strategy
 * passes them). Acquisitions are for maximization of y. Arguments are validated here (HpoError with a
 * clear message); the addon re-checks lengths and types so a direct call cannot crash the process.
 */
import { HpoError } from "../util/errors.js";
import { totalmem } from "node:os";
import { HpoNativeError, fromNativeError } from "./errors.js";
import { type Device, cudaStatus, loadCpu, loadCuda, resolveDevice } from "./load.js";

export type GpKernel = "matern52" | "matern32" | "rbf";
export type AcquisitionKind = "logei" | "ei" | "pi" | "ucb";
export type GpPrecision = "fp64" | "fp32";

const KERNELS: Record<GpKernel, number> = { matern52: 0, matern32: 1, rbf: 2 };
const ACQUISITIONS: Record<AcquisitionKind, number> = { logei: 0, ei: 1, pi: 2, ucb: 3 };

/** Hyperparameters in natural units (lengthscales in input units, variances in output units²). */
export interface GpHyperparameters {
  lengthscales: Float64Array;
  outputscale: number;
  noise: number;
  mean: number;
}

export interface GpHyperparametersInput {
  lengthscales: ArrayLike<number>;
  outputscale: number;
  noise: number;
  mean: number;
  /** As a warm start: the curvature pairs of the fit these came from (GpFitResult.curvature). */
  curvature?: Float64Array;
}

export interface GpCreateOptions {
  /** Training inputs, row-major n × d. */
  X: Float64Array;
  /** Training outputs, length n. */
  y: Float64Array;
  n: number;
  d: number;
  kernel?: GpKernel;
  device?: Device;
  /** CUDA only: the dense linear algebra in fp32 (acquisitions stay fp64). The CPU path is fp64. */
  precision?: GpPrecision;
  /** CPU worker threads (0 = all hardware threads). */
  threads?: number;
}

export interface LmlResult {
  value: number;
  /** The diagonal jitter that made K numerically positive definite (0 when none was needed). */
  jitter: number;
  gradient: { logLengthscales: Float64Array; logOutputscale: number; logNoise: number; mean: number };
}

export interface GpFitOptions {
  /** Starting points of L-BFGS (the first is the previous fit when warm-starting, else the prior mode). */
  restarts?: number;
  seed?: number;
  maxIterations?: number;
  /**
   * Start the first restart from these hyperparameters, or from the current ones with `true`. A
   * previous GpFitResult (with its `curvature`) also resumes that fit's quasi-Newton model, so a
   * refit after a few new observations takes a few steps instead of tens.
   */
  warmStart?: GpHyperparametersInput | boolean;
  threads?: number;
}

export interface GpFitResult extends GpHyperparameters {
  /** The winning L-BFGS run's last curvature pairs (s, y), flattened: pass the result back as
   *  `warmStart` to resume from them. */
  curvature: Float64Array;
  logMarginalLikelihood: number;
  /** log marginal likelihood + log prior at the result (what the fit maximized). */
  objective: number;
  jitter: number;
  restartsFailed: number;
}

export interface AcquisitionOptions {
  kind: AcquisitionKind;
  /** The incumbent (best observed y, maximization convention); unused by UCB. */
  best: number;
  /** UCB: mean + sqrt(beta) · sd. */
  beta?: number;
}

/** The handle methods of the addon's GpModel class (native/gp/gp_binding.h). */
interface NativeGpModel {
  lml(
    theta: Float64Array,
    withGradient: boolean,
  ): Promise<{ value: number; jitter: number; gradient?: Float64Array }>;
  condition(theta: Float64Array): Promise<{ jitter: number }>;
  fit(
    restarts: number,
    seed: number,
    maxIterations: number,
    warm: Float64Array | null,
    threads: number,
    curvature: Float64Array | null,
  ): Promise<{
    theta: Float64Array;
    curvature: Float64Array;
    objective: number;
    lml: number;
    restartsFailed: number;
    jitter: number;
  }>;
  predict(Xc: Float64Array, m: number): Promise<{ mean: Float64Array; variance: Float64Array }>;
  acquisition(
    Xc: Float64Array,
    m: number,
    kind: number,
    best: number,
    beta: number,
    withGradient: boolean,
  ): Promise<{ value: Float64Array; gradient?: Float64Array }>;
  maximize(
    starts: Float64Array,
    m: number,
    kind: number,
    best: number,
    beta: number,
    maxIterations: number,
    threads: number,
  ): Promise<{ x: Float64Array; value: Float64Array }>;
  theta(): Float64Array | null;
  info(): string;
  dispose(): void;
}

type NativeGpModelClass = new (
  X: Float64Array,
  y: Float64Array,
  n: number,
  d: number,
  kernel: number,
  threads: number,
  precision: number,
) => NativeGpModel;

function fail(message: string): never {
  throw new HpoError(`GaussianProcess: ${message}`);
}

function checkCount(name: string, value: unknown, min: number): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min)
    fail(`${name} must be an integer >= ${min}, got ${String(value)}`);
  return value;
}

function checkFinite(name: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isFinite(value))
    fail(`${name} must be a finite number, got ${String(value)}`);
  return value;
}

function checkPositive(name: string, value: unknown): number {
  const v = checkFinite(name, value);
  if (!(v > 0)) fail(`${name} must be > 0, got ${v}`);
  return v;
}

function checkMatrix(name: string, value: unknown, length: number, shape: string): Float64Array {
  if (!(value instanceof Float64Array)) fail(`${name} must be a Float64Array`);
  if (value.length !== length) fail(`${name} must have ${length} elements (${shape}), got ${value.length}`);
  for (let i = 0; i < value.length; i++)
    if (!Number.isFinite(value[i])) fail(`${name} must be finite, element ${i} is ${value[i]}`);
  return value;
}

/** theta = [log lengthscales (d), log outputscale, log noise, mean]: the addon's parameter vector. */
function toTheta(h: GpHyperparametersInput, d: number): Float64Array {
  if (h === null || typeof h !== "object") fail("hyperparameters must be an object");
  const ls = h.lengthscales;
  if (!ls || typeof ls.length !== "number" || ls.length !== d)
    fail(`lengthscales must have d = ${d} elements, got ${ls?.length}`);
  const theta = new Float64Array(d + 3);
  for (let k = 0; k < d; k++) theta[k] = Math.log(checkPositive(`lengthscales[${k}]`, ls[k]));
  theta[d] = Math.log(checkPositive("outputscale", h.outputscale));
  theta[d + 1] = Math.log(checkPositive("noise", h.noise));
  theta[d + 2] = checkFinite("mean", h.mean);
  return theta;
}

/** Curvature pairs for a warm start: undefined, or whole pairs of finite values (at most 10 pairs). */
function checkCurvature(curvature: Float64Array | undefined, d: number): Float64Array | null {
  if (curvature === undefined) return null;
  if (!(curvature instanceof Float64Array)) fail("warmStart.curvature must be a Float64Array");
  const pair = 2 * (d + 3);
  if (curvature.length % pair !== 0 || curvature.length > 10 * pair)
    fail(
      `warmStart.curvature must hold whole pairs of 2 × (d + 3) = ${pair} values (at most 10), got ${curvature.length}`,
    );
  return checkMatrix("warmStart.curvature", curvature, curvature.length, `pairs × ${pair}`);
}

function fromTheta(theta: Float64Array, d: number): GpHyperparameters {
  return {
    lengthscales: Float64Array.from(theta.subarray(0, d), Math.exp),
    outputscale: Math.exp(theta[d]),
    noise: Math.exp(theta[d + 1]),
    mean: theta[d + 2],
  };
}

/**
 * The n x n matrices a fit holds at once (K, its gradient, the factor, the weights and scratch): the
 * same count as the CPU engine's kSquareMatrices in native/gp/gp_cpu.cpp.
 */
const SQUARE_MATRICES = 5;

/** Bytes a GP of n points needs for its n x n matrices (fp64: 8 bytes per entry, fp32: 4). */
export function gpMemoryBytes(n: number, precision: "fp64" | "fp32" = "fp64"): number {
  return SQUARE_MATRICES * (precision === "fp32" ? 4 : 8) * n * n;
}

/**
 * Refuses, before anything is allocated, a GP larger than the device's memory (the machine's for the
 * CPU, the GPU's own for CUDA): the error names the size instead of the allocator failing mid-fit.
 */
export function checkGpMemory(
  n: number,
  precision: "fp64" | "fp32",
  device: "cpu" | "cuda",
  available = device === "cpu" ? totalmem() : (cudaStatus().info?.devices[0]?.memoryBytes ?? 0),
): void {
  const needed = gpMemoryBytes(n, precision);
  if (available > 0 && needed > available) {
    const gib = (b: number) => Math.round(b / 2 ** 30);
    throw new HpoNativeError(
      "HPO_OUT_OF_MEMORY",
      `GaussianProcess: a GP on ${n} points needs about ${gib(needed)} GiB (${SQUARE_MATRICES} n x n ${precision} matrices); ` +
        `the ${device === "cpu" ? "machine" : "GPU"} has ${gib(available)} GiB`,
    );
  }
}

/** An exact GP surrogate held by the native addon. Calls are serialized; `dispose()` frees it. */
export class GaussianProcess {
  readonly n: number;
  readonly d: number;
  readonly kernel: GpKernel;
  readonly device: "cpu" | "cuda";
  #model: NativeGpModel | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  /** The last fit's curvature pairs, for `fit({ warmStart: true })`. */
  #curvature: Float64Array | undefined;

  private constructor(model: NativeGpModel, n: number, d: number, kernel: GpKernel, device: "cpu" | "cuda") {
    this.#model = model;
    this.n = n;
    this.d = d;
    this.kernel = kernel;
    this.device = device;
  }

  /** Copies the training data into a native model on the chosen device ("auto": CUDA when usable). */
  static async create(options: GpCreateOptions): Promise<GaussianProcess> {
    if (options === null || typeof options !== "object") fail("options must be an object");
    const n = checkCount("n", options.n, 1);
    const d = checkCount("d", options.d, 1);
    const X = checkMatrix("X", options.X, n * d, `n × d = ${n} × ${d}`);
    const y = checkMatrix("y", options.y, n, `n = ${n}`);
    const kernel = options.kernel ?? "matern52";
    if (!Object.hasOwn(KERNELS, kernel))
      fail(`kernel must be one of ${Object.keys(KERNELS).join(", ")}, got ${kernel}`);
    const precision = options.precision ?? "fp64";
    if (precision !== "fp64" && precision !== "fp32")
      fail(`precision must be fp64 or fp32, got ${precision}`);
    const threads = options.threads === undefined ? 0 : checkCount("threads", options.threads, 0);
    const requested = options.device ?? "auto";
    if (requested !== "cpu" && requested !== "cuda" && requested !== "auto")
      fail(`device must be cpu, cuda or auto, got ${String(requested)}`);
    let device = resolveDevice(requested);
    let Model: NativeGpModelClass | undefined;
    if (device === "cuda") {
      Model = loadCuda()?.GpModel as NativeGpModelClass | undefined;
      if (!Model) {
        if (requested === "cuda")
          throw new HpoError("CUDA is available but the CUDA module has no GP engine");
        device = "cpu";
      }
    }
    if (device === "cpu") Model = loadCpu().GpModel as NativeGpModelClass;
    checkGpMemory(n, device === "cpu" ? "fp64" : precision, device);
    let model: NativeGpModel;
    try {
      model = new (Model as NativeGpModelClass)(
        X,
        y,
        n,
        d,
        KERNELS[kernel],
        threads,
        precision === "fp32" ? 1 : 0,
      );
    } catch (err) {
      throw fromNativeError(err);
    }
    return new GaussianProcess(model, n, d, kernel, device);
  }

  #native(): NativeGpModel {
    if (!this.#model) fail("this model was disposed");
    return this.#model;
  }

  /** Runs native calls one after another (the addon refuses overlapping calls on one model). */
  #serial<T>(call: () => Promise<T>): Promise<T> {
    const callSite = new Error();
    const wrapped = async (): Promise<T> => {
      try {
        return await call();
      } catch (err) {
        throw fromNativeError(err, callSite);
      }
    };
    const next = this.#queue.then(wrapped, wrapped);
    this.#queue = next.catch(() => undefined);
    return next;
  }

  /** The log marginal likelihood at `h` and its gradient with respect to the log-parameters and mean. */
  logMarginalLikelihood(h: GpHyperparametersInput): Promise<LmlResult> {
    const theta = toTheta(h, this.d);
    const model = this.#native();
    const d = this.d;
    return this.#serial(async () => {
      const r = await model.lml(theta, true);
      const g = r.gradient as Float64Array;
      return {
        value: r.value,
        jitter: r.jitter,
        gradient: {
          logLengthscales: g.slice(0, d),
          logOutputscale: g[d],
          logNoise: g[d + 1],
          mean: g[d + 2],
        },
      };
    });
  }

  /** MAP-fits the hyperparameters (L-BFGS, seeded restarts) and conditions the model on them. */
  fit(options: GpFitOptions = {}): Promise<GpFitResult> {
    const restarts = checkCount("restarts", options.restarts ?? 4, 1);
    const seed = checkCount("seed", options.seed ?? 0, 0);
    if (seed > 2147483647) fail(`seed must be at most 2147483647, got ${seed}`);
    const maxIterations = checkCount("maxIterations", options.maxIterations ?? 100, 1);
    const threads = checkCount("threads", options.threads ?? 0, 0);
    const model = this.#native();
    let warm: Float64Array | null = null;
    let curvature: Float64Array | null = null;
    if (options.warmStart && options.warmStart !== true) {
      warm = toTheta(options.warmStart, this.d);
      curvature = checkCurvature(options.warmStart.curvature, this.d);
    }
    const d = this.d;
    return this.#serial(async () => {
      // `warmStart: true` starts from the hyperparameters of the fit queued before this one.
      if (options.warmStart === true) {
        warm = model.theta();
        curvature = warm ? (this.#curvature ?? null) : null;
      }
      const r = await model.fit(restarts, seed, maxIterations, warm, threads, curvature);
      this.#curvature = r.curvature;
      return {
        ...fromTheta(r.theta, d),
        curvature: r.curvature,
        logMarginalLikelihood: r.lml,
        objective: r.objective,
        jitter: r.jitter,
        restartsFailed: r.restartsFailed,
      };
    });
  }

  /** Uses the given hyperparameters (factors K); resolves to the jitter that was needed. */
  setHyperparameters(h: GpHyperparametersInput): Promise<{ jitter: number }> {
    const theta = toTheta(h, this.d);
    const model = this.#native();
    this.#curvature = undefined;
    return this.#serial(() => model.condition(theta));
  }

  /** The hyperparameters in use, or undefined before `fit`/`setHyperparameters`. */
  hyperparameters(): GpHyperparameters | undefined {
    const theta = this.#native().theta();
    return theta ? fromTheta(theta, this.d) : undefined;
  }

  #candidates(name: string, Xc: Float64Array): number {
    if (!(Xc instanceof Float64Array)) fail(`${name} must be a Float64Array`);
    if (Xc.length % this.d !== 0)
      fail(`${name} must have a multiple of d = ${this.d} elements, got ${Xc.length}`);
    checkMatrix(name, Xc, Xc.length, `m × ${this.d}`);
    return Xc.length / this.d;
  }

  /**
   * Checked when the call's turn comes, not when it is made: calls are serialized, so `predict()` right
   * after an un-awaited `fit()` waits for that fit rather than finding no hyperparameters yet.
   */
  #requireTheta(): void {
    if (this.#native().theta() === null)
      fail("no hyperparameters yet: call fit() or setHyperparameters() first");
  }

  /** Posterior mean and latent-function variance at m candidates (row-major m × d). */
  predict(Xc: Float64Array): Promise<{ mean: Float64Array; variance: Float64Array }> {
    const m = this.#candidates("Xc", Xc);
    const model = this.#native();
    return this.#serial(async () => {
      this.#requireTheta();
      return model.predict(Xc, m);
    });
  }

  /** Acquisition values at m candidates and, with `gradient: true`, their gradients (m × d). */
  acquisition(
    Xc: Float64Array,
    options: AcquisitionOptions & { gradient?: boolean },
  ): Promise<{ value: Float64Array; gradient?: Float64Array }> {
    const m = this.#candidates("Xc", Xc);
    const { kind, best, beta } = checkAcquisition(options);
    const model = this.#native();
    return this.#serial(async () => {
      this.#requireTheta();
      return model.acquisition(Xc, m, kind, best, beta, options.gradient === true);
    });
  }

  /** Polishes each start (row-major m × d, inside [0, 1]^d) by bounded L-BFGS on the acquisition. */
  maximizeAcquisition(
    starts: Float64Array,
    options: AcquisitionOptions & { maxIterations?: number; threads?: number },
  ): Promise<{ x: Float64Array; value: Float64Array }> {
    const m = this.#candidates("starts", starts);
    for (let i = 0; i < starts.length; i++)
      if (starts[i] < 0 || starts[i] > 1) fail(`starts must lie in [0, 1], element ${i} is ${starts[i]}`);
    const { kind, best, beta } = checkAcquisition(options);
    const maxIterations = checkCount("maxIterations", options.maxIterations ?? 50, 1);
    const threads = checkCount("threads", options.threads ?? 0, 0);
    const model = this.#native();
    return this.#serial(async () => {
      this.#requireTheta();
      return model.maximize(starts, m, kind, best, beta, maxIterations, threads);
    });
  }

  /** Where the work runs, e.g. "cpu fp64 2 threads" or "cuda fp64 cusolver". */
  backend(): string {
    return this.#native().info();
  }

  /** Frees the native model (and its device memory); later calls throw. */
  dispose(): void {
    const model = this.#model;
    if (!model) return;
    this.#model = undefined;
    // A running call keeps the model busy; free it once the queue drains.
    this.#queue.then(() => model.dispose());
  }
}

function checkAcquisition(options: AcquisitionOptions): { kind: number; best: number; beta: number } {
  if (options === null || typeof options !== "object") fail("acquisition options must be an object");
  if (!Object.hasOwn(ACQUISITIONS, options.kind))
    fail(
      `acquisition kind must be one of ${Object.keys(ACQUISITIONS).join(", ")}, got ${String(options.kind)}`,
    );
  const best = options.kind === "ucb" && options.best === undefined ? 0 : checkFinite("best", options.best);
  const beta = options.beta === undefined ? 2 : checkFinite("beta", options.beta);
  if (beta < 0) fail(`beta must be >= 0, got ${beta}`);
  return { kind: ACQUISITIONS[options.kind], best, beta };
}
