import { rngFor } from "../../../src/plan/random.js";
import { test } from "uvu";
import * as assert from "uvu/assert";
import type { TpeDim } from "../../../src/strategies/tpe/dims.js";
import {
  ParzenEstimator,
  type ParzenOptions,
  truncatedNormalQuantile,
} from "../../../src/strategies/tpe/parzen.js";

const opts = { priorWeight: 1, considerEndpoints: false };

/** An estimator from observation rows (one value per dimension). */
function estimator(
  dims: TpeDim[],
  rows: number[][],
  weights: number[],
  options: ParzenOptions,
): ParzenEstimator {
  const columns = dims.map((_, d) => Float64Array.from(rows.map((r) => r[d]!)));
  return new ParzenEstimator(dims, columns, weights, options);
}
const cont: TpeDim = { kind: "numeric", low: 0, high: 10, log: false };

function integrate(f: (x: number) => number, a: number, b: number, n = 20000): number {
  const h = (b - a) / n;
  let s = 0;
  for (let i = 0; i < n; i++) s += f(a + (i + 0.5) * h);
  return s * h;
}

test("a continuous mixture is a density on its bounds", () => {
  const pe = estimator([cont], [[1], [2.5], [9.9]], [1, 1, 1], opts);
  const total = integrate((x) => Math.exp(pe.logPdf([[x]])[0]!), 0, 10);
  assert.ok(Math.abs(total - 1) < 1e-6, `integral ${total}`);
});

test("log-scale densities live in log space", () => {
  const dim: TpeDim = { kind: "numeric", low: 1e-4, high: 1, log: true };
  const pe = estimator([dim], [[1e-3], [0.1]], [1, 1], opts);
  // density over t = log x integrates to 1
  const total = integrate((t) => Math.exp(pe.logPdf([[Math.exp(t)]])[0]!), Math.log(1e-4), 0);
  assert.ok(Math.abs(total - 1) < 1e-6, `integral ${total}`);
});

test("a stepped dimension's masses sum to 1 over its grid", () => {
  const dim: TpeDim = { kind: "numeric", low: 1, high: 9, step: 2, log: false };
  const pe = estimator([dim], [[3], [3], [9]], [1, 1, 1], opts);
  const total = [1, 3, 5, 7, 9].reduce((s, v) => s + Math.exp(pe.logPdf([[v]])[0]!), 0);
  assert.ok(Math.abs(total - 1) < 1e-12, `sum ${total}`);
  const logInt: TpeDim = { kind: "numeric", low: 1, high: 64, step: 1, log: true };
  const pl = estimator([logInt], [[2], [40]], [1, 1], opts);
  let s = 0;
  for (let v = 1; v <= 64; v++) s += Math.exp(pl.logPdf([[v]])[0]!);
  assert.ok(Math.abs(s - 1) < 1e-12, `log-int sum ${s}`);
});

test("categorical kernels follow Optuna's smoothing", () => {
  const dim: TpeDim = { kind: "categorical", size: 3 };
  // two observations of choice 0: each kernel gives 1/3 to every choice plus 1 to the observed one
  const pe = estimator([dim], [[0], [0]], [1, 1], opts);
  const kernelObserved = [(1 / 3 + 1) / 2, 1 / 3 / 2, 1 / 3 / 2];
  const prior = [1 / 3, 1 / 3, 1 / 3];
  for (let c = 0; c < 3; c++) {
    const expected = (2 * kernelObserved[c]! + prior[c]!) / 3;
    assert.ok(Math.abs(Math.exp(pe.logPdf([[c]])[0]!) - expected) < 1e-12);
  }
});

test("bandwidths follow the neighbour rule with the magic clip", () => {
  // observations 2, 3, 9 on [0, 10]: gaps to sorted neighbours (padded by 0 and 10)
  //   2: max(2, 1) but as the lowest without endpoints → its inner gap 1
  //   3: max(1, 6) = 6;  9: highest → inner gap 6;  clip to [10 / min(100, 1 + 4), 10] = [2, 10]
  // so sigmas are 2 (clipped), 6, 6 and the prior kernel N(5, 10).
  const pe = estimator([cont], [[2], [3], [9]], [1, 1, 1], opts);
  const logPdf = (x: number) => pe.logPdf([[x]])[0]!;
  const trunc = (x: number, mu: number, s: number) => {
    const z = (x - mu) / s;
    const phi = (t: number) => 0.5 * (1 + erf(t / Math.SQRT2));
    return Math.exp(-0.5 * z * z) / (s * Math.sqrt(2 * Math.PI)) / (phi((10 - mu) / s) - phi((0 - mu) / s));
  };
  for (const x of [0.5, 2, 4.4, 8]) {
    const expected = (trunc(x, 2, 2) + trunc(x, 3, 6) + trunc(x, 9, 6) + trunc(x, 5, 10)) / 4;
    assert.ok(Math.abs(Math.exp(logPdf(x)) - expected) < 1e-9 * expected, `x ${x}`);
  }
});

test("a given clip kernel count replaces the estimator's own in the magic clip", () => {
  // the same observations 2, 3, 9 on [0, 10] (own count 4: σ ≥ 2, the test above); the clip counting
  // 1 kernel: σ ≥ 10 / min(100, 1 + 1) = 5, so sigmas 5, 6, 6 and the prior kernel N(5, 10); counting
  // 3: σ ≥ 10 / 4 = 2.5, so 2.5, 6, 6
  const trunc = (x: number, mu: number, s: number) => {
    const z = (x - mu) / s;
    const phi = (t: number) => 0.5 * (1 + erf(t / Math.SQRT2));
    return Math.exp(-0.5 * z * z) / (s * Math.sqrt(2 * Math.PI)) / (phi((10 - mu) / s) - phi((0 - mu) / s));
  };
  for (const [clipKernels, first] of [
    [1, 5],
    [3, 2.5],
  ] as const) {
    const pe = estimator([cont], [[2], [3], [9]], [1, 1, 1], { ...opts, clipKernels });
    for (const x of [0.5, 2, 4.4, 8]) {
      const expected = (trunc(x, 2, first) + trunc(x, 3, 6) + trunc(x, 9, 6) + trunc(x, 5, 10)) / 4;
      const got = Math.exp(pe.logPdf([[x]])[0]!);
      assert.ok(Math.abs(got - expected) < 1e-9 * expected, `K ${clipKernels}, x ${x}: ${got} ≠ ${expected}`);
    }
  }
});

// Abramowitz–Stegun 7.1.26 is too coarse; use the series (adequate for |t| < 3 to 1e-12).
function erf(t: number): number {
  let sum = 0;
  let term = t;
  for (let n = 0; n < 80; n++) {
    sum += term / (2 * n + 1);
    term *= (-t * t) / (n + 1);
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}

test("samples follow the mixture and stay on their grids", () => {
  const dims: TpeDim[] = [
    cont,
    { kind: "numeric", low: 0, high: 8, step: 2, log: false },
    { kind: "categorical", size: 4 },
  ];
  const pe = estimator(
    dims,
    [
      [2, 4, 1],
      [2.2, 4, 1],
    ],
    [1, 1],
    opts,
  );
  const xs = pe.sample(rngFor(1), 4000);
  assert.ok(
    xs.every(
      ([a, b, c]) =>
        a! >= 0 && a! <= 10 && [0, 2, 4, 6, 8].includes(b!) && Number.isInteger(c) && c! >= 0 && c! < 4,
    ),
  );
  // P(a < 4) under the mixture, by integration, vs the sampled share
  const p = integrate(
    (x) => Math.exp(estimator([cont], [[2], [2.2]], [1, 1], opts).logPdf([[x]])[0]!),
    0,
    4,
    4000,
  );
  const share = xs.filter(([a]) => a! < 4).length / xs.length;
  assert.ok(Math.abs(share - p) < 0.03, `share ${share} vs ${p}`);
});

test("truncated normal quantiles stay within their bounds and invert the truncated CDF", () => {
  assert.is(truncatedNormalQuantile(0, -1, 2), -1);
  assert.ok(Math.abs(truncatedNormalQuantile(1, -1, 2) - 2) < 1e-9);
  assert.ok(Math.abs(truncatedNormalQuantile(0.5, -3, 3)) < 1e-12);
  const z = truncatedNormalQuantile(0.999, -0.5, 40);
  assert.ok(z > 2 && z < 40);
});

test("a kernel's memo of Φ at its bounds gives the draws they give without it, and fills as draws need it", () => {
  const memo = new Float64Array(8).fill(Number.NaN);
  // kernel 1 (memo[4..7]): lower-half draws need Φ(a), Φ(b) only; an upper-half draw adds Φ(−b), Φ(−a)
  for (const q of [0.1, 0.3])
    assert.is(truncatedNormalQuantile(q, -1.5, 2.5, memo, 4), truncatedNormalQuantile(q, -1.5, 2.5));
  assert.ok(
    Number.isNaN(memo[6]!) && Number.isNaN(memo[7]!) && !Number.isNaN(memo[4]!) && !Number.isNaN(memo[5]!),
  );
  for (const q of [0.9, 0.99, 0.5])
    assert.is(truncatedNormalQuantile(q, -1.5, 2.5, memo, 4), truncatedNormalQuantile(q, -1.5, 2.5));
  assert.ok(memo.subarray(4).every((v) => !Number.isNaN(v)));
  assert.ok(memo.subarray(0, 4).every(Number.isNaN), "kernel 0's slots untouched");
});

test.run();
