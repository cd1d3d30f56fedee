import type { Rng } from "../../plan/random.js";
import type { ObjectiveSpec } from "../../plan/types.js";

/**
 * The GP's training targets from observed values in the maximization convention (higher is better).
 *
 * Non-finite values are clipped to the finite range (Optuna). Then a monotone warp compresses the
 * bad tail: t = −log(1 + gap / scale), where gap is the distance to the best value and scale the
 * median gap. Objectives such as Branin or Rosenbrock span orders of magnitude between poor and good
 * regions; modelled raw, the few huge values dominate the fit and the GP resolves nothing near the
 * optimum (HEBO's power transforms exist for the same reason). The warp keeps the order of values,
 * so the incumbent stays the incumbent. Last, the targets are standardized.
 */
export function warpTargets(values: readonly number[]): Float64Array {
  const finite = values.filter(Number.isFinite);
  const hi = finite.length ? Math.max(...finite) : 0;
  const lo = finite.length ? Math.min(...finite) : 0;
  const clipped = values.map((v) => (Number.isNaN(v) ? lo : Math.min(hi, Math.max(lo, v))));
  const gaps = clipped.map((v) => hi - v);
  const positive = gaps.filter((g) => g > 0).sort((a, b) => a - b);
  const scale = positive.length ? positive[Math.floor(positive.length / 2)] : 1;
  const warped = gaps.map((g) => -Math.log1p(g / scale));
  const mean = warped.reduce((a, b) => a + b, 0) / warped.length;
  const sd = Math.sqrt(warped.reduce((a, b) => a + (b - mean) ** 2, 0) / warped.length);
  return Float64Array.from(warped, (w) => (sd > 1e-10 ? (w - mean) / sd : 0));
}

/**
 * One number per trial to maximize. One objective: its value, negated when minimized. Several: a
 * ParEGO scalarization (Knowles 2006): objectives normalized to [0, 1] over the observed trials as
 * costs, then −(max_i w_i c_i + 0.05 Σ_i w_i c_i) with weights drawn uniformly from the simplex for
 * this ask, so successive asks explore different trade-offs.
 */
export function scalarize(
  values: readonly number[][],
  objectives: readonly ObjectiveSpec[],
  rng: Rng,
): number[] {
  if (objectives.length === 1) {
    const sign = objectives[0].direction === "minimize" ? -1 : 1;
    return values.map((v) => sign * v[0]);
  }
  const m = objectives.length;
  const costs = values.map((v) => v.map((x, i) => (objectives[i].direction === "minimize" ? x : -x)));
  const lo = new Array<number>(m).fill(Number.POSITIVE_INFINITY);
  const hi = new Array<number>(m).fill(Number.NEGATIVE_INFINITY);
  for (const c of costs)
    for (let i = 0; i < m; i++)
      if (Number.isFinite(c[i])) {
        lo[i] = Math.min(lo[i], c[i]);
        hi[i] = Math.max(hi[i], c[i]);
      }
  // Uniform on the simplex: normalized exponentials.
  const e = Array.from({ length: m }, () => -Math.log(1 - rng.uniform()));
  const total = e.reduce((a, b) => a + b, 0);
  const w = e.map((x) => x / total);
  return costs.map((c) => {
    let worst = Number.NEGATIVE_INFINITY;
    let sum = 0;
    for (let i = 0; i < m; i++) {
      const span = hi[i] - lo[i];
      const normalized = Number.isFinite(c[i]) ? (span > 0 ? (c[i] - lo[i]) / span : 0) : 1;
      worst = Math.max(worst, w[i] * normalized);
      sum += w[i] * normalized;
    }
    return -(worst + 0.05 * sum);
  });
}
