import type { Rng } from "../../space/index.js";
import { logNormalMass, normalCdf, normalQuantile } from "../../space/index.js";
import type { TpeDim } from "./dims.js";

/** The Parzen-estimator settings of Optuna's TPE (`consider_magic_clip` is always on, as there). */
export interface ParzenOptions {
  priorWeight: number;
  considerEndpoints: boolean;
}

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/** One numeric dimension's kernels, in transformed units (log space when `log`). */
interface NumericKernels {
  kind: "numeric";
  dim: Extract<TpeDim, { kind: "numeric" }>;
  /** Transformed, step-padded bounds. */
  low: number;
  high: number;
  mu: Float64Array;
  sigma: Float64Array;
  /** log of each kernel's normalizer: log σ + log(Φ(b) − Φ(a)). */
  logNorm: Float64Array;
  /** log(Φ(b) − Φ(a)) alone: the mass the truncation keeps, for stepped dimensions. */
  logMass: Float64Array;
}

interface CategoricalKernels {
  kind: "categorical";
  size: number;
  /** Row-major kernels × size: the log-probability of each choice under each kernel. */
  logProb: Float64Array;
  /** Row-major cumulative probabilities, for sampling. */
  cumulative: Float64Array;
}

type Kernels = NumericKernels | CategoricalKernels;

/**
 * A mixture of product kernels (Optuna's `_ParzenEstimator`): one kernel per observation plus a
 * prior kernel, each a product over dimensions of a truncated normal (discretized for stepped
 * dimensions) or a smoothed categorical distribution. Bandwidths follow Optuna's neighbour rule
 * with the "magic clip"; the prior kernel is centred with the whole range as its spread.
 */
export class ParzenEstimator {
  readonly nKernels: number;
  private readonly logWeights: Float64Array;
  private readonly cumulativeWeights: Float64Array;
  private readonly kernels: Kernels[];

  /**
   * @param observations one row per observation, one value per dimension (internal units)
   * @param weights one weight per observation (the prior's weight is added here), or undefined for ones
   */
  constructor(
    readonly dims: TpeDim[],
    observations: number[][],
    weights: ArrayLike<number>,
    options: ParzenOptions,
  ) {
    const n = observations.length;
    this.nKernels = n + 1;
    const w = new Float64Array(n + 1);
    if (n === 0) w[0] = 1;
    else {
      for (let i = 0; i < n; i++) w[i] = weights[i] as number;
      w[n] = options.priorWeight;
    }
    const total = w.reduce((a, b) => a + b, 0);
    this.logWeights = new Float64Array(n + 1);
    this.cumulativeWeights = new Float64Array(n + 1);
    let cum = 0;
    for (let i = 0; i <= n; i++) {
      const wi = (w[i] as number) / total;
      this.logWeights[i] = Math.log(wi);
      cum += wi;
      this.cumulativeWeights[i] = cum;
    }
    this.cumulativeWeights[n] = 1;
    this.kernels = dims.map((dim, d) => {
      const column = observations.map((row) => row[d] as number);
      return dim.kind === "categorical"
        ? categoricalKernels(dim.size, column, options)
        : numericKernels(dim, column, options);
    });
  }

  /** `size` draws from the mixture: one kernel per draw, then every dimension from that kernel. */
  sample(rng: Rng, size: number): number[][] {
    const out: number[][] = [];
    for (let s = 0; s < size; s++) {
      const k = pick(this.cumulativeWeights, rng.uniform());
      out.push(this.kernels.map((kern) => sampleKernel(kern, k, rng)));
    }
    return out;
  }

  /** log density of each sample under the mixture (log-sum-exp over kernels of weight × product). */
  logPdf(samples: number[][]): Float64Array {
    const nk = this.nKernels;
    const out = new Float64Array(samples.length);
    const acc = new Float64Array(nk);
    for (let s = 0; s < samples.length; s++) {
      const x = samples[s] as number[];
      acc.set(this.logWeights);
      for (let d = 0; d < this.kernels.length; d++)
        addLogPdf(this.kernels[d] as Kernels, x[d] as number, acc);
      let max = Number.NEGATIVE_INFINITY;
      for (let k = 0; k < nk; k++) if ((acc[k] as number) > max) max = acc[k] as number;
      if (max === Number.NEGATIVE_INFINITY) {
        out[s] = max;
        continue;
      }
      let sum = 0;
      for (let k = 0; k < nk; k++) sum += Math.exp((acc[k] as number) - max);
      out[s] = max + Math.log(sum);
    }
    return out;
  }
}

function numericKernels(
  dim: Extract<TpeDim, { kind: "numeric" }>,
  column: number[],
  options: ParzenOptions,
): NumericKernels {
  const pad = dim.step === undefined ? 0 : dim.step / 2;
  const t = (v: number) => (dim.log ? Math.log(v) : v);
  const low = t(dim.low - pad);
  const high = t(dim.high + pad);
  const n = column.length;
  const mu = new Float64Array(n + 1);
  const sigma = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) mu[i] = t(column[i] as number);
  // Neighbour rule: each kernel spans the larger gap to its sorted neighbours (the bounds pad the
  // ends); without consider_endpoints the outermost kernels use their inner gap only.
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => (mu[a] as number) - (mu[b] as number));
  const sorted = [low, ...order.map((i) => mu[i] as number), high];
  const minSigma = (high - low) / Math.min(100, 1 + (n + 1)); // Optuna's magic clip (n + 1 kernels)
  const maxSigma = high - low;
  for (let r = 0; r < n; r++) {
    let s = Math.max(
      (sorted[r + 1] as number) - (sorted[r] as number),
      (sorted[r + 2] as number) - (sorted[r + 1] as number),
    );
    if (!options.considerEndpoints && n >= 2) {
      if (r === 0) s = (sorted[2] as number) - (sorted[1] as number);
      else if (r === n - 1) s = (sorted[n] as number) - (sorted[n - 1] as number);
    }
    sigma[order[r] as number] = Math.min(maxSigma, Math.max(minSigma, s));
  }
  mu[n] = 0.5 * (low + high);
  sigma[n] = high - low;
  const logNorm = new Float64Array(n + 1);
  const logMass = new Float64Array(n + 1);
  for (let k = 0; k <= n; k++) {
    const m = mu[k] as number;
    const s = sigma[k] as number;
    logMass[k] = logNormalMass((low - m) / s, (high - m) / s);
    logNorm[k] = Math.log(s) + (logMass[k] as number);
  }
  return { kind: "numeric", dim, low, high, mu, sigma, logNorm, logMass };
}

function categoricalKernels(size: number, column: number[], options: ParzenOptions): CategoricalKernels {
  const n = column.length;
  const rows = n + 1;
  const logProb = new Float64Array(rows * size);
  const cumulative = new Float64Array(rows * size);
  const prob = new Float64Array(size);
  for (let k = 0; k < rows; k++) {
    if (n === 0 || k === n)
      prob.fill(1 / size); // the prior kernel is uniform
    else {
      // the observed choice gets 1, every choice prior_weight / (n + 1) (Optuna's smoothing)
      prob.fill(options.priorWeight / rows);
      prob[column[k] as number] = (prob[column[k] as number] as number) + 1;
      const sum = prob.reduce((a, b) => a + b, 0);
      for (let c = 0; c < size; c++) prob[c] = (prob[c] as number) / sum;
    }
    let cum = 0;
    for (let c = 0; c < size; c++) {
      logProb[k * size + c] = Math.log(prob[c] as number);
      cum += prob[c] as number;
      cumulative[k * size + c] = cum;
    }
    cumulative[k * size + size - 1] = 1;
  }
  return { kind: "categorical", size, logProb, cumulative };
}

/** The first index whose cumulative weight exceeds u. */
function pick(cumulative: ArrayLike<number>, u: number, start = 0, end = cumulative.length): number {
  let lo = start;
  let hi = end - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((cumulative[mid] as number) > u) hi = mid;
    else lo = mid + 1;
  }
  return lo - start;
}

function sampleKernel(kern: Kernels, k: number, rng: Rng): number {
  if (kern.kind === "categorical")
    return pick(kern.cumulative, rng.uniform(), k * kern.size, (k + 1) * kern.size);
  const m = kern.mu[k] as number;
  const s = kern.sigma[k] as number;
  const z = truncatedNormalQuantile(rng.uniform(), (kern.low - m) / s, (kern.high - m) / s);
  let x = Math.min(kern.high, Math.max(kern.low, m + s * z));
  if (kern.dim.log) x = Math.exp(x);
  const { step, low, high } = kern.dim;
  if (step !== undefined) x = Math.min(high, Math.max(low, low + Math.round((x - low) / step) * step));
  return x;
}

/** The q-quantile of a standard normal truncated to [a, b], computed in the tail that keeps precision. */
export function truncatedNormalQuantile(q: number, a: number, b: number): number {
  const fa = normalCdf(a);
  const fb = normalCdf(b);
  const p = fa + q * (fb - fa);
  if (p <= 0.5) return Math.min(b, Math.max(a, normalQuantile(p)));
  // in the upper half Φ is close to 1 and loses digits: mirror so the arithmetic happens near 0
  const ga = normalCdf(-b);
  const gb = normalCdf(-a);
  return Math.min(b, Math.max(a, -normalQuantile(ga + (1 - q) * (gb - ga))));
}

/** Adds each kernel's log density at x (one dimension) to acc. */
function addLogPdf(kern: Kernels, x: number, acc: Float64Array): void {
  const nk = acc.length;
  if (kern.kind === "categorical") {
    const c = x | 0;
    for (let k = 0; k < nk; k++) acc[k] = (acc[k] as number) + (kern.logProb[k * kern.size + c] as number);
    return;
  }
  const { mu, sigma, logNorm, logMass, dim } = kern;
  if (dim.step === undefined) {
    const t = dim.log ? Math.log(x) : x;
    for (let k = 0; k < nk; k++) {
      const z = (t - (mu[k] as number)) / (sigma[k] as number);
      acc[k] = (acc[k] as number) - 0.5 * z * z - LOG_SQRT_2PI - (logNorm[k] as number);
    }
    return;
  }
  // a stepped value owns the cell [x − step/2, x + step/2]: its mass under each kernel
  const half = dim.step / 2;
  const left = dim.log ? Math.log(x - half) : x - half;
  const right = dim.log ? Math.log(x + half) : x + half;
  for (let k = 0; k < nk; k++) {
    const m = mu[k] as number;
    const s = sigma[k] as number;
    acc[k] = (acc[k] as number) + logNormalMass((left - m) / s, (right - m) / s) - (logMass[k] as number);
  }
}
