import { cellLogMass, mixtureLogPdf } from "../../native/tpe.js";
import type { Rng } from "../../plan/random.js";
import { logNormalMass, normalCdf, normalQuantile } from "../../space/index.js";
import type { TpeDim } from "./dims.js";

/** The Parzen-estimator settings of Optuna's TPE (`consider_magic_clip` is always on, as there). */
export interface ParzenOptions {
  priorWeight: number;
  considerEndpoints: boolean;
  /**
   * The kernel count K of the magic clip, σ ≥ range / min(100, 1 + K): this estimator's own kernels
   * when absent (Optuna); TPE's g(x) may pass one tied to l(x)'s instead (`magic_clip = "shared"`).
   */
  clipKernels?: number;
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
  invSigma: Float64Array;
  /** log of each kernel's normalizer: log σ + log(Φ(b) − Φ(a)). */
  logNorm: Float64Array;
  /** log(Φ(b) − Φ(a)) alone: the mass the truncation keeps, for stepped dimensions. */
  logMass: Float64Array;
  /**
   * Stepped dimensions: kernels share few distinct (μ, σ) pairs (grid values, clipped widths), so
   * cell masses are computed per pair: `pairOf[k]` indexes `pairMu`/`pairSigma`.
   */
  pairs?: { pairOf: Int32Array; pairMu: Float64Array; pairSigma: Float64Array };
  /** Φ at each kernel's truncation bounds, 4 per kernel, filled as draws need them (see truncatedNormalQuantile). */
  boundCdf?: Float64Array;
}

interface CategoricalKernels {
  kind: "categorical";
  size: number;
  /** Choice-major size × kernels: the log-probability of each choice under each kernel. */
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
  /** Per kernel: log weight plus the constant part of every continuous dimension's log density. */
  private readonly base: Float64Array;
  private readonly cumulativeWeights: Float64Array;
  private readonly kernels: Kernels[];
  /** How logPdf hands the dimensions to the native engine. */
  private readonly layout: Layout;

  /**
   * @param columns one column per dimension, one value per observation (internal units)
   * @param weights one weight per observation (the prior's weight is added here)
   */
  constructor(
    readonly dims: TpeDim[],
    columns: Float64Array[],
    weights: ArrayLike<number>,
    options: ParzenOptions,
  ) {
    const n = weights.length;
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
      const column = columns[d] as Float64Array;
      return dim.kind === "categorical"
        ? categoricalKernels(dim.size, column, options)
        : numericKernels(dim, column, options);
    });
    this.base = Float64Array.from(this.logWeights);
    for (const kern of this.kernels)
      if (kern.kind === "numeric" && kern.dim.step === undefined)
        for (let k = 0; k <= n; k++)
          this.base[k] = (this.base[k] as number) - LOG_SQRT_2PI - (kern.logNorm[k] as number);
    this.layout = layoutOf(this.kernels, n + 1);
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

  /**
   * log density of each sample under the mixture: log-sum-exp over kernels of log weight + Σ_d log
   * kernel density, in the native engine (src/native/tpe.ts: a loop the compiler vectorizes, ~4×
   * faster than the same loop here at 1,000 kernels). Each discrete or categorical value picks a
   * row of per-kernel log masses (`discreteRows`); continuous values go as they are.
   */
  logPdf(samples: number[][]): Float64Array {
    const S = samples.length;
    const { continuous, mu, invSigma } = this.layout;
    const nc = continuous.length;
    const x = new Float64Array(S * nc); // sample-major, in the kernels' (log) units
    for (let s = 0; s < S; s++)
      for (let c = 0; c < nc; c++) {
        const { index, log } = continuous[c] as { index: number; log: boolean };
        const v = (samples[s] as number[])[index] as number;
        x[s * nc + c] = log ? Math.log(v) : v;
      }
    const { tables, rows } = this.discreteRows(samples);
    return mixtureLogPdf({ base: this.base, tables, mu, invSigma }, { samples: S, rows, x });
  }

  /**
   * The rows of per-kernel log masses the samples' discrete values pick (samples × discrete dims):
   * a categorical dimension's table has a row per choice; a stepped one a row per distinct value
   * among the samples, its cell's mass under each kernel.
   */
  private discreteRows(samples: number[][]): { tables: Float64Array; rows: Int32Array } {
    const nk = this.nKernels;
    const S = samples.length;
    const discrete = this.layout.discrete;
    const nd = discrete.length;
    const rows = new Int32Array(S * nd);
    const parts: Float64Array[] = [];
    let tableRows = 0;
    discrete.forEach((d, j) => {
      const kern = this.kernels[d] as Kernels;
      if (kern.kind === "categorical") {
        parts.push(kern.logProb);
        for (let s = 0; s < S; s++)
          rows[s * nd + j] = tableRows + (((samples[s] as number[])[d] as number) | 0);
        tableRows += kern.size;
        return;
      }
      const seen = new Map<number, number>();
      for (let s = 0; s < S; s++) {
        const v = (samples[s] as number[])[d] as number;
        let row = seen.get(v);
        if (row === undefined) seen.set(v, (row = tableRows + seen.size));
        rows[s * nd + j] = row;
      }
      parts.push(cellRows(kern, [...seen.keys()]));
      tableRows += seen.size;
    });
    const tables = new Float64Array(tableRows * nk);
    let offset = 0;
    for (const part of parts) {
      tables.set(part, offset);
      offset += part.length;
    }
    return { tables, rows };
  }
}

/** How `logPdf` hands a mixture's dimensions to the native engine. */
interface Layout {
  discrete: number[];
  continuous: { index: number; log: boolean }[];
  mu: Float64Array;
  invSigma: Float64Array;
}

/**
 * Which dimensions are discrete (in order) and which continuous (index, log scale), with the
 * continuous kernels' centres and inverse widths, dimension-major (`nk` kernels each).
 */
function layoutOf(kernels: Kernels[], nk: number): Layout {
  const discrete: number[] = [];
  const continuous: { index: number; log: boolean }[] = [];
  const cols: NumericKernels[] = [];
  kernels.forEach((kern, index) => {
    if (!isContinuous(kern)) discrete.push(index);
    else {
      continuous.push({ index, log: kern.dim.log });
      cols.push(kern);
    }
  });
  const mu = new Float64Array(nk * cols.length);
  const invSigma = new Float64Array(nk * cols.length);
  cols.forEach((kern, c) => {
    mu.set(kern.mu, c * nk);
    invSigma.set(kern.invSigma, c * nk);
  });
  return { discrete, continuous, mu, invSigma };
}

/** A continuous numeric dimension: its log density is a Gaussian term per kernel (constants in `base`). */
function isContinuous(kern: Kernels): kern is NumericKernels {
  return kern.kind === "numeric" && kern.dim.step === undefined;
}

function numericKernels(
  dim: Extract<TpeDim, { kind: "numeric" }>,
  column: Float64Array,
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
  // sorted[0] = low, sorted[1..n] = the sorted mus, sorted[n+1] = high
  const sorted = new Float64Array(n + 2);
  const order = new Int32Array(n + 2); // order[r]: the observation at rank r (1…n)
  sorted.set(mu.subarray(0, n), 1);
  for (let r = 1; r <= n; r++) order[r] = r - 1;
  argsort(sorted, order, 1, n, low, high);
  sorted[0] = low;
  sorted[n + 1] = high;
  // Optuna's magic clip (n + 1 kernels, unless the caller ties it to another estimator's)
  const minSigma = (high - low) / Math.min(100, 1 + (options.clipKernels ?? n + 1));
  const maxSigma = high - low;
  for (let r = 1; r <= n; r++) {
    let s = Math.max(
      (sorted[r] as number) - (sorted[r - 1] as number),
      (sorted[r + 1] as number) - (sorted[r] as number),
    );
    if (!options.considerEndpoints && n >= 2) {
      if (r === 1) s = (sorted[2] as number) - (sorted[1] as number);
      else if (r === n) s = (sorted[n] as number) - (sorted[n - 1] as number);
    }
    sigma[order[r] as number] = Math.min(maxSigma, Math.max(minSigma, s));
  }
  mu[n] = 0.5 * (low + high);
  sigma[n] = high - low;
  const logNorm = new Float64Array(n + 1);
  const logMass = new Float64Array(n + 1);
  const invSigma = new Float64Array(n + 1);
  const logMinSigma = Math.log(minSigma); // most kernels sit at the clip once n is large
  for (let k = 0; k <= n; k++) {
    const m = mu[k] as number;
    const s = sigma[k] as number;
    logMass[k] = logTruncationMass((low - m) / s, (high - m) / s);
    logNorm[k] = (s === minSigma ? logMinSigma : Math.log(s)) + (logMass[k] as number);
    invSigma[k] = 1 / s;
  }
  const pairs = dim.step === undefined ? undefined : distinctPairs(mu, sigma);
  return { kind: "numeric", dim, low, high, mu, sigma, invSigma, logNorm, logMass, pairs };
}

/** The distinct (μ, σ) pairs among the kernels, and each kernel's pair. */
function distinctPairs(mu: Float64Array, sigma: Float64Array): NonNullable<NumericKernels["pairs"]> {
  const ids = new Map<number, Map<number, number>>();
  const pairOf = new Int32Array(mu.length);
  const pm: number[] = [];
  const ps: number[] = [];
  for (let k = 0; k < mu.length; k++) {
    const m = mu[k] as number;
    const sg = sigma[k] as number;
    let bySigma = ids.get(m);
    if (!bySigma) ids.set(m, (bySigma = new Map()));
    let id = bySigma.get(sg);
    if (id === undefined) {
      id = pm.length;
      bySigma.set(sg, id);
      pm.push(m);
      ps.push(sg);
    }
    pairOf[k] = id;
  }
  return { pairOf, pairMu: Float64Array.from(pm), pairSigma: Float64Array.from(ps) };
}

/**
 * log(Φ(b) − Φ(a)) for a kernel truncated to its bounds, a ≤ 0 ≤ b: beyond 8.5 standard deviations
 * a tail holds less than 1e-17 of the mass, below double precision, so it is not computed.
 */
function logTruncationMass(a: number, b: number): number {
  if (a < -8.5 && b > 8.5) return 0;
  if (a <= 0 && b >= 0) return Math.log((b > 8.5 ? 1 : normalCdf(b)) - (a < -8.5 ? 0 : normalCdf(a)));
  return logNormalMass(a, b);
}

function categoricalKernels(size: number, column: Float64Array, options: ParzenOptions): CategoricalKernels {
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
      logProb[c * rows + k] = Math.log(prob[c] as number);
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
  kern.boundCdf ??= new Float64Array(4 * kern.mu.length).fill(Number.NaN);
  const z = truncatedNormalQuantile(
    rng.uniform(),
    (kern.low - m) / s,
    (kern.high - m) / s,
    kern.boundCdf,
    4 * k,
  );
  let x = Math.min(kern.high, Math.max(kern.low, m + s * z));
  if (kern.dim.log) x = Math.exp(x);
  const { step, low, high } = kern.dim;
  if (step !== undefined) x = Math.min(high, Math.max(low, low + Math.round((x - low) / step) * step));
  return x;
}

/**
 * The q-quantile of a standard normal truncated to [a, b], computed in the tail that keeps precision.
 * `memo[at … at + 3]` (NaN until known) keeps Φ(a), Φ(b), Φ(−b), Φ(−a) for the next draw from the
 * same kernel.
 */
export function truncatedNormalQuantile(
  q: number,
  a: number,
  b: number,
  memo?: Float64Array,
  at = 0,
): number {
  const fa = memoCdf(memo, at, a);
  const fb = memoCdf(memo, at + 1, b);
  const p = fa + q * (fb - fa);
  if (p <= 0.5) return Math.min(b, Math.max(a, normalQuantile(p)));
  // in the upper half Φ is close to 1 and loses digits: mirror so the arithmetic happens near 0
  const ga = memoCdf(memo, at + 2, -b);
  const gb = memoCdf(memo, at + 3, -a);
  return Math.min(b, Math.max(a, -normalQuantile(ga + (1 - q) * (gb - ga))));
}

/** Φ(z), kept at memo[i] (NaN until computed) when there is a memo. */
function memoCdf(memo: Float64Array | undefined, i: number, z: number): number {
  if (!memo) return normalCdf(z);
  let v = memo[i] as number;
  if (Number.isNaN(v)) memo[i] = v = normalCdf(z);
  return v;
}

/**
 * One row of per-kernel log masses per stepped value: its cell [v − step/2, v + step/2] under each
 * kernel, the kernel's truncation mass taken out. The cells' masses are computed once per distinct
 * (μ, σ) pair (grid values and clipped widths repeat), in the native engine.
 */
function cellRows(kern: NumericKernels, values: number[]): Float64Array {
  const { logMass, dim } = kern;
  const { pairOf, pairMu, pairSigma } = kern.pairs as NonNullable<NumericKernels["pairs"]>;
  const half = (dim.step as number) / 2;
  const left = Float64Array.from(values, (v) => (dim.log ? Math.log(v - half) : v - half));
  const right = Float64Array.from(values, (v) => (dim.log ? Math.log(v + half) : v + half));
  const masses = cellLogMass(left, right, pairMu, pairSigma);
  const nk = logMass.length;
  const P = pairMu.length;
  const rows = new Float64Array(values.length * nk);
  for (let c = 0; c < values.length; c++)
    for (let k = 0; k < nk; k++)
      rows[c * nk + k] = (masses[c * P + (pairOf[k] as number)] as number) - (logMass[k] as number);
  return rows;
}

/**
 * Sorts keys[lo..hi] (inclusive, values within [min, max]) ascending, moving `tags` along (an
 * argsort when tags are indices): a bucket pass over the known range (one bucket per element, so
 * spread-out values need no comparisons), then quicksort within each bucket.
 */
function argsort(
  keys: Float64Array,
  tags: Int32Array,
  lo: number,
  hi: number,
  min: number,
  max: number,
): void {
  const n = hi - lo + 1;
  if (n < 64 || !(max > min)) {
    sortRange(keys, tags, lo, hi);
    return;
  }
  const scale = n / (max - min);
  const bucketOf = new Int32Array(n);
  const start = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) {
    const b = Math.min(n - 1, Math.max(0, Math.floor(((keys[lo + i] as number) - min) * scale)));
    bucketOf[i] = b;
    start[b + 1] = (start[b + 1] as number) + 1;
  }
  for (let b = 0; b < n; b++) start[b + 1] = (start[b + 1] as number) + (start[b] as number);
  const k2 = new Float64Array(n);
  const t2 = new Int32Array(n);
  const fill = start.slice(0, n);
  for (let i = 0; i < n; i++) {
    const p = (fill[bucketOf[i] as number] as number)++;
    k2[p] = keys[lo + i] as number;
    t2[p] = tags[lo + i] as number;
  }
  keys.set(k2, lo);
  tags.set(t2, lo);
  for (let b = 0; b < n; b++) {
    const a = start[b] as number;
    const e = (start[b + 1] as number) - 1;
    if (e > a) sortRange(keys, tags, lo + a, lo + e);
  }
}

/**
 * Sorts keys[lo..hi] (inclusive) ascending, moving `tags` along (an argsort when tags are indices):
 * quicksort with a median-of-three pivot, insertion sort below 16 elements.
 */
function sortRange(keys: Float64Array, tags: Int32Array, lo: number, hi: number): void {
  while (hi - lo > 16) {
    const x = keys[lo] as number;
    const y = keys[(lo + hi) >>> 1] as number;
    const z = keys[hi] as number;
    const pivot = x < y ? (y < z ? y : x < z ? z : x) : x < z ? x : y < z ? z : y;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while ((keys[i] as number) < pivot) i++;
      while ((keys[j] as number) > pivot) j--;
      if (i <= j) {
        const t = keys[i] as number;
        keys[i] = keys[j] as number;
        keys[j] = t;
        const g = tags[i] as number;
        tags[i] = tags[j] as number;
        tags[j] = g;
        i++;
        j--;
      }
    }
    // recurse into the smaller side, loop on the larger: O(log n) stack
    if (j - lo < hi - i) {
      sortRange(keys, tags, lo, j);
      lo = i;
    } else {
      sortRange(keys, tags, i, hi);
      hi = j;
    }
  }
  for (let i = lo + 1; i <= hi; i++) {
    const v = keys[i] as number;
    const g = tags[i] as number;
    let j = i - 1;
    while (j >= lo && (keys[j] as number) > v) {
      keys[j + 1] = keys[j] as number;
      tags[j + 1] = tags[j] as number;
      j--;
    }
    keys[j + 1] = v;
    tags[j + 1] = g;
  }
}
