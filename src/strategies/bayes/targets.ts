import type { Rng } from "../../plan/random.js";
import type { ObjectiveSpec } from "../../plan/types.js";

/**
 * The GP's training targets from observed values in the maximization convention (higher is better).
 *
 * Non-finite values are clipped to the finite range (Optuna). Then a monotone transform, standardized.
 * The transforms: the identity, and warps t = −log(1 + gap / (c · median gap)), gap being the distance
 * to the best value. Objectives such as Branin or Rosenbrock span orders of magnitude between poor and
 * good regions; modelled raw, the few huge values dominate the fit and the GP resolves nothing near
 * the optimum (HEBO's power transforms exist for the same reason), so they want the strong warp
 * (c = 1). On Levy the same warp stretches the sin² ripples between neighbouring local minima, the GP
 * fits short lengthscales and LogEI stays in the incumbent's ripple; it wants the bowl, the identity.
 * The bayes strategy therefore fits the GP under each transform and keeps the identity unless a warp
 * makes the original values clearly likelier (chooseTransform: by WARP_EVIDENCE_PER_OBSERVATION nats
 * per observation). Every transform keeps the order of values, so the incumbent stays the incumbent.
 *
 * Measured (hpo bench strategies, seeds 1-10, median (min … max)): the strong warp alone gave
 * Levy-10 4.18 (2.64 … 18.1), the identity alone 1.44 but Rosenbrock-10 4,578 instead of 9.19. The
 * choice alone does not fix Levy (7.11: once trials gather near the optimum the likelihood prefers
 * the strong warp there too); with the GP's lengthscale prior that makes ripples cost more as short
 * lengthscales than as noise (native/gp/gp_fit.h) it gives Levy 1.73, Rosenbrock 8.53, Ackley 3.13
 * (2.81 before), Hartmann-6 4 seeds stuck as before, where that prior with the strong warp alone gave
 * Levy 2.50, Rosenbrock 48.3. (Levy's 10-seed median is uncertain by about ±0.3: a build of the same
 * prior with other rounding gave 1.49, with one Ackley seed of ten left at 20.4.)
 */
export type TargetTransform = { kind: "identity" } | { kind: "log"; c: number };

/** The candidates, strongest warp first; the identity is the limit c → ∞. */
export const TARGET_TRANSFORMS: readonly TargetTransform[] = [
  { kind: "log", c: 1 },
  { kind: "log", c: 10 },
  { kind: "identity" },
];

export interface Targets {
  /** The standardized transformed values. */
  y: Float64Array;
  /**
   * log |det ∂y/∂v|: Σ log |T′(v_i)| − n · log sd. A density of y plus this is a density of the
   * original values v, so likelihoods under different transforms compare (HEBO, Box-Cox).
   */
  logJacobian: number;
  /** The map v ↦ y with these data's statistics (best value, scale, mean, sd) held fixed. */
  apply: (v: number) => number;
}

/** The targets under `transform` (default: the strong warp). */
export function transformTargets(
  values: readonly number[],
  transform: TargetTransform = TARGET_TRANSFORMS[0],
): Targets {
  const finite = values.filter(Number.isFinite);
  const hi = finite.length ? Math.max(...finite) : 0;
  const lo = finite.length ? Math.min(...finite) : 0;
  const clipped = values.map((v) => (Number.isNaN(v) ? lo : Math.min(hi, Math.max(lo, v))));
  const gaps = clipped.map((v) => hi - v);
  let warp: (v: number) => number = (v) => v;
  let logJacobian = 0;
  if (transform.kind === "log") {
    const positive = gaps.filter((g) => g > 0).sort((a, b) => a - b);
    const scale = (positive.length ? positive[Math.floor(positive.length / 2)] : 1) * transform.c;
    warp = (v) => -Math.log1p((hi - v) / scale);
    // T′(v) = 1 / (scale + gap).
    for (const g of gaps) logJacobian -= Math.log(scale + g);
  }
  const t = clipped.map(warp);
  const mean = t.reduce((a, b) => a + b, 0) / t.length;
  const sd = Math.sqrt(t.reduce((a, b) => a + (b - mean) ** 2, 0) / t.length);
  if (!(sd > 1e-10)) return { y: new Float64Array(t.length), logJacobian: 0, apply: () => 0 };
  logJacobian -= t.length * Math.log(sd);
  return {
    y: Float64Array.from(t, (w) => (w - mean) / sd),
    logJacobian,
    apply: (v) => (warp(v) - mean) / sd,
  };
}

/**
 * A warp must make the observed values likelier than the identity does by this many nats per
 * observation (LML + log Jacobian; the LML is the sum of each value's log predictive density given
 * the ones before it, so this asks a warp to predict values e^0.25 ≈ 1.28 times better on average).
 * Without the margin, the strong warp wins on Levy-10 by 0.05–0.17 nats per observation up to
 * ~120 trials: it stretches the ripples around the incumbent, whose coordinates then stay a ripple
 * from the optimum. With it, Levy keeps the identity (Optuna's GP targets) while the search explores
 * and takes the warp once trials gather near an optimum (0.5+ per observation); Rosenbrock and
 * Branin take it from ~20 trials (0.5–4 per observation). hpo bench strategies, bayes, Levy-10,
 * median best: seeds 1–30 1.81 → 0.59, seeds 31–60 2.35 → 0.70 (with bayes.ts' transformRestarts;
 * with every restart per transform 1.11 and 0.64); margins of 0.2, 0.3, 0.35 gave 1.34, 1.01, 1.22
 * on seeds 1–30 (every restart). Rosenbrock-10, Hartmann-6 and Ackley-10 over seeds 1–30 stay within
 * their spread (8.42, −3.304, 3.13 against 8.87, −3.312, 3.16).
 */
export const WARP_EVIDENCE_PER_OBSERVATION = 0.25;

/**
 * The index of the transform to keep, given for each the log marginal likelihood of the GP fitted to
 * its targets on `n` observations: the warp with the highest LML + log Jacobian (ties: the earlier)
 * when it beats the identity's by WARP_EVIDENCE_PER_OBSERVATION · n, else the identity. Non-finite
 * scores never win; without an identity among `transforms`, the highest score.
 */
export function chooseTransform(
  scores: readonly { lml: number; logJacobian: number }[],
  n: number,
  transforms: readonly TargetTransform[] = TARGET_TRANSFORMS,
): number {
  let best = 0;
  let bestValue = Number.NEGATIVE_INFINITY;
  for (const [i, s] of scores.entries()) {
    const value = s.lml + s.logJacobian;
    if (value > bestValue) {
      best = i;
      bestValue = value;
    }
  }
  const identity = transforms.findIndex((t) => t.kind === "identity");
  if (identity < 0 || identity >= scores.length || best === identity) return best;
  const plain = scores[identity].lml + scores[identity].logJacobian;
  if (!Number.isFinite(plain)) return best;
  return bestValue - plain >= WARP_EVIDENCE_PER_OBSERVATION * n ? best : identity;
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
