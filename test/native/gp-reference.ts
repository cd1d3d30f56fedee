/**
 * A plain TypeScript reference for the GP engine's math, written independently of native/gp/ for
 * tests on small inputs: kernels, a textbook Cholesky, the log marginal likelihood and the posterior.
 */

export type KernelName = "matern52" | "matern32" | "rbf";

/** m(s): correlation at scaled squared distance s (r = sqrt(s)). */
export function kernelCorrelation(kernel: KernelName, s: number): number {
  const r = Math.sqrt(s);
  if (kernel === "rbf") return Math.exp(-s / 2);
  if (kernel === "matern32") return (1 + Math.sqrt(3) * r) * Math.exp(-Math.sqrt(3) * r);
  return (1 + Math.sqrt(5) * r + (5 / 3) * r * r) * Math.exp(-Math.sqrt(5) * r);
}

export interface RefHyper {
  lengthscales: number[];
  outputscale: number;
  noise: number;
  mean: number;
}

function covariance(kernel: KernelName, a: ArrayLike<number>, b: ArrayLike<number>, h: RefHyper): number {
  let s = 0;
  for (let k = 0; k < h.lengthscales.length; k++) s += ((a[k] - b[k]) / h.lengthscales[k]) ** 2;
  return h.outputscale * kernelCorrelation(kernel, s);
}

function row(X: Float64Array, i: number, d: number): Float64Array {
  return X.subarray(i * d, (i + 1) * d);
}

/** Lower Cholesky factor as an array of rows (throws when not positive definite). */
export function cholesky(A: number[][]): number[][] {
  const n = A.length;
  const L = A.map(() => new Array<number>(n).fill(0));
  for (let j = 0; j < n; j++) {
    let diag = A[j][j];
    for (let k = 0; k < j; k++) diag -= L[j][k] * L[j][k];
    if (!(diag > 0)) throw new Error("not positive definite");
    L[j][j] = Math.sqrt(diag);
    for (let i = j + 1; i < n; i++) {
      let v = A[i][j];
      for (let k = 0; k < j; k++) v -= L[i][k] * L[j][k];
      L[i][j] = v / L[j][j];
    }
  }
  return L;
}

function forward(L: number[][], b: number[]): number[] {
  const x = [...b];
  for (let i = 0; i < x.length; i++) {
    for (let k = 0; k < i; k++) x[i] -= L[i][k] * x[k];
    x[i] /= L[i][i];
  }
  return x;
}

function backward(L: number[][], b: number[]): number[] {
  const x = [...b];
  for (let i = x.length - 1; i >= 0; i--) {
    for (let k = i + 1; k < x.length; k++) x[i] -= L[k][i] * x[k];
    x[i] /= L[i][i];
  }
  return x;
}

function factor(kernel: KernelName, X: Float64Array, n: number, d: number, h: RefHyper): number[][] {
  const K: number[][] = [];
  for (let i = 0; i < n; i++) {
    K.push([]);
    for (let j = 0; j < n; j++)
      K[i].push(covariance(kernel, row(X, i, d), row(X, j, d), h) + (i === j ? h.noise : 0));
  }
  return cholesky(K);
}

/** −½ (y−m)ᵀK⁻¹(y−m) − ½ log|K| − (n/2) log 2π with K = s·k(X,X) + noise·I. */
export function logMarginalLikelihood(
  kernel: KernelName,
  X: Float64Array,
  y: Float64Array,
  n: number,
  d: number,
  h: RefHyper,
): number {
  const L = factor(kernel, X, n, d, h);
  const v = forward(
    L,
    Array.from(y, (yi) => yi - h.mean),
  );
  let value = -0.5 * v.reduce((a, b) => a + b * b, 0) - 0.5 * n * Math.log(2 * Math.PI);
  for (let i = 0; i < n; i++) value -= Math.log(L[i][i]);
  return value;
}

/** Posterior mean and latent variance at the rows of Xc. */
export function posterior(
  kernel: KernelName,
  X: Float64Array,
  y: Float64Array,
  n: number,
  d: number,
  h: RefHyper,
  Xc: Float64Array,
): { mean: number[]; variance: number[] } {
  const L = factor(kernel, X, n, d, h);
  const alpha = backward(
    L,
    forward(
      L,
      Array.from(y, (yi) => yi - h.mean),
    ),
  );
  const mean: number[] = [];
  const variance: number[] = [];
  for (let c = 0; c < Xc.length / d; c++) {
    const k = Array.from({ length: n }, (_, i) => covariance(kernel, row(Xc, c, d), row(X, i, d), h));
    mean.push(h.mean + k.reduce((a, ki, i) => a + ki * alpha[i], 0));
    const v = forward(L, k);
    variance.push(Math.max(0, h.outputscale - v.reduce((a, b) => a + b * b, 0)));
  }
  return { mean, variance };
}

const phi = (t: number): number => Math.exp(-0.5 * t * t) / Math.sqrt(2 * Math.PI);

/** h(z) = φ(z) + zΦ(z) = ∫_{−z}^{∞} (t + z) φ(t) dt, by composite Simpson (for z ≥ −8). */
export function hByIntegration(z: number): number {
  const a = -z;
  const b = a + 40;
  const m = 40000;
  const step = (b - a) / m;
  let sum = 0;
  for (let i = 0; i <= m; i++) {
    const t = a + i * step;
    const w = i === 0 || i === m ? 1 : i % 2 === 1 ? 4 : 2;
    sum += w * (t + z) * phi(t);
  }
  return (sum * step) / 3;
}

/** log h(z) for z ≤ −20 from the asymptotic series h(z) = φ(z)/z² · Σ (−1)^k (2k+1)!! / z^{2k}. */
export function logHAsymptotic(z: number): number {
  let term = 1;
  let sum = 1;
  for (let k = 1; k < 12; k++) {
    term *= -(2 * k + 1) / (z * z);
    sum += term;
  }
  return -0.5 * z * z - 0.5 * Math.log(2 * Math.PI) - 2 * Math.log(-z) + Math.log(sum);
}

/** A seeded uniform generator for test inputs (mulberry32). */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
