import type { Direction } from "../../plan/types.js";
import type { TrialView } from "../types.js";

/**
 * Optuna's TPE split of the history into the "below" (good) and "above" (the rest) groups:
 * complete trials ranked by value (multi-objective: by non-domination rank, the last front cut by
 * greedy hypervolume subset selection), then pruned trials by their deepest intermediate value
 * fill what is left of `nBelow`; running trials (the constant liar) always go above. Both groups
 * come back ordered by trial number.
 */
export function splitTrials(
  finished: readonly TrialView[],
  running: readonly TrialView[],
  directions: Direction[],
  nBelow: number,
): { below: TrialView[]; above: TrialView[] } {
  const complete = finished.filter((t) => t.state === "complete");
  const pruned = finished.filter((t) => t.state === "pruned");
  const belowComplete =
    directions.length <= 1
      ? bestSingle(complete, directions[0] ?? "minimize", nBelow)
      : bestMulti(complete, directions, nBelow);
  let belowPruned: TrialView[] = [];
  if (directions.length <= 1) {
    const left = Math.max(0, nBelow - belowComplete.length);
    belowPruned = [...pruned].sort((a, b) => comparePruned(a, b, directions[0] ?? "minimize")).slice(0, left);
  }
  // keep the history's order (by number) without sorting: mark the below set, filter once
  const isBelow = new Set<TrialView>([...belowComplete, ...belowPruned]);
  const below: TrialView[] = [];
  const above: TrialView[] = [];
  for (const t of finished) (isBelow.has(t) ? below : above).push(t);
  const byNumber = (a: TrialView, b: TrialView) => a.number - b.number;
  if (!isSorted(finished)) {
    below.sort(byNumber);
    above.sort(byNumber);
  }
  if (running.length) {
    above.push(...running);
    if (!isSorted(above)) above.sort(byNumber);
  }
  return { below, above };
}

function isSorted(trials: readonly TrialView[]): boolean {
  for (let i = 1; i < trials.length; i++)
    if ((trials[i] as TrialView).number < (trials[i - 1] as TrialView).number) return false;
  return true;
}

/**
 * The `nBelow` best complete trials of a single objective, best first, ties in history order (as a
 * stable sort would give): a bounded insertion, since nBelow ≤ 25 is small beside the history.
 */
function bestSingle(trials: TrialView[], direction: Direction, nBelow: number): TrialView[] {
  const k = Math.min(nBelow, trials.length);
  const sign = direction === "maximize" ? -1 : 1;
  const best: TrialView[] = [];
  const keys: number[] = [];
  for (const t of trials) {
    const key = sign * (t.values![0] as number);
    if (best.length === k && !(key < (keys[k - 1] as number))) continue;
    let i = best.length === k ? k - 1 : best.length;
    while (i > 0 && key < (keys[i - 1] as number)) i--;
    best.splice(i, 0, t);
    keys.splice(i, 0, key);
    if (best.length > k) {
      best.pop();
      keys.pop();
    }
  }
  return best;
}

// Pruned trials: deeper first, then the better last value; NaN values rank last at their depth.
function comparePruned(a: TrialView, b: TrialView, direction: Direction): number {
  const score = (t: TrialView): [number, number] => {
    const last = t.intermediate[t.intermediate.length - 1];
    if (!last) return [1, 0];
    if (Number.isNaN(last.value)) return [-last.step, Number.POSITIVE_INFINITY];
    return [-last.step, direction === "maximize" ? -last.value : last.value];
  };
  const [sa, va] = score(a);
  const [sb, vb] = score(b);
  return sa !== sb ? sa - sb : va === vb ? 0 : va < vb ? -1 : 1;
}

/** The `nBelow` best complete trials of several objectives: whole fronts, the last cut by hypervolume. */
function bestMulti(trials: TrialView[], directions: Direction[], nBelow: number): TrialView[] {
  const n = Math.min(nBelow, trials.length);
  if (n === 0) return [];
  if (n === trials.length) return [...trials];
  const losses = trials.map((t) =>
    directions.map((d, j) => (d === "maximize" ? -1 : 1) * (t.values![j] as number)),
  );
  const ranks = nonDominationRanks(losses);
  const chosen = new Set<number>();
  for (let r = 0; chosen.size < n; r++) {
    const front = ranks.flatMap((rank, i) => (rank === r ? [i] : []));
    if (chosen.size + front.length <= n) {
      for (const i of front) chosen.add(i);
      continue;
    }
    for (const i of selectByHypervolume(
      front.map((i) => losses[i] as number[]),
      n - chosen.size,
    ))
      chosen.add(front[i] as number);
  }
  return trials.filter((_, i) => chosen.has(i));
}

/** Pareto ranks (0 = non-dominated) of loss vectors, all objectives minimized. */
export function nonDominationRanks(losses: number[][]): number[] {
  const n = losses.length;
  const dominatedBy = new Array<number>(n).fill(0);
  const dominates: number[][] = Array.from({ length: n }, () => []);
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) {
      const c = dominance(losses[i] as number[], losses[j] as number[]);
      if (c < 0) {
        dominates[i]!.push(j);
        dominatedBy[j]!++;
      } else if (c > 0) {
        dominates[j]!.push(i);
        dominatedBy[i]!++;
      }
    }
  const ranks = new Array<number>(n).fill(-1);
  let front = dominatedBy.flatMap((c, i) => (c === 0 ? [i] : []));
  for (let r = 0; front.length; r++) {
    const next: number[] = [];
    for (const i of front) {
      ranks[i] = r;
      for (const j of dominates[i] as number[]) if (--dominatedBy[j]! === 0) next.push(j);
    }
    front = next;
  }
  return ranks;
}

/** -1 when a dominates b, 1 when b dominates a, 0 otherwise. */
function dominance(a: number[], b: number[]): number {
  let better = false;
  let worse = false;
  for (let k = 0; k < a.length; k++) {
    if ((a[k] as number) < (b[k] as number)) better = true;
    else if ((a[k] as number) > (b[k] as number)) worse = true;
  }
  return better && !worse ? -1 : worse && !better ? 1 : 0;
}

/**
 * Greedy hypervolume subset selection (as Optuna's `_solve_hssp`): `k` points of a front, each
 * step taking the one adding the most hypervolume to those already taken, with Optuna's reference
 * point max(1.1 · worst, 0.9 · worst).
 */
export function selectByHypervolume(points: number[][], k: number): number[] {
  const m = (points[0] as number[]).length;
  const ref = Array.from({ length: m }, (_, j) => {
    const worst = Math.max(...points.map((p) => p[j] as number));
    const r = Math.max(1.1 * worst, 0.9 * worst);
    return r === 0 ? 1e-12 : r;
  });
  const chosen: number[] = [];
  const left = new Set(points.map((_, i) => i));
  while (chosen.length < k) {
    let best = -1;
    let bestGain = Number.NEGATIVE_INFINITY;
    for (const i of left) {
      const p = points[i] as number[];
      // contribution = HV({p}) − HV({max(p, q) : q chosen}): the part of p's box no chosen point covers
      const own = boxVolume(p, ref);
      const limited = chosen.map((c) => (points[c] as number[]).map((v, j) => Math.max(v, p[j] as number)));
      const gain = own - hypervolume(limited, ref);
      if (gain > bestGain) {
        bestGain = gain;
        best = i;
      }
    }
    chosen.push(best);
    left.delete(best);
  }
  return chosen;
}

function boxVolume(p: number[], ref: number[]): number {
  let v = 1;
  for (let j = 0; j < p.length; j++) v *= Math.max(0, (ref[j] as number) - (p[j] as number));
  return v;
}

/** The hypervolume dominated by `points` (minimized) up to `ref`, by slicing along the last objective. */
export function hypervolume(points: number[][], ref: number[]): number {
  const pts = points.filter((p) => p.every((v, j) => v < (ref[j] as number)));
  if (pts.length === 0) return 0;
  const m = ref.length;
  if (m === 1) return (ref[0] as number) - Math.min(...pts.map((p) => p[0] as number));
  if (m === 2) {
    const sorted = [...pts].sort(
      (a, b) => (a[0] as number) - (b[0] as number) || (a[1] as number) - (b[1] as number),
    );
    let volume = 0;
    let y = ref[1] as number;
    for (const p of sorted)
      if ((p[1] as number) < y) {
        volume += ((ref[0] as number) - (p[0] as number)) * (y - (p[1] as number));
        y = p[1] as number;
      }
    return volume;
  }
  const sorted = [...pts].sort((a, b) => (a[m - 1] as number) - (b[m - 1] as number));
  let volume = 0;
  for (let i = 0; i < sorted.length; i++) {
    const top = i + 1 < sorted.length ? (sorted[i + 1]![m - 1] as number) : (ref[m - 1] as number);
    const depth = top - (sorted[i]![m - 1] as number);
    if (depth > 0)
      volume +=
        depth *
        hypervolume(
          sorted.slice(0, i + 1).map((p) => p.slice(0, m - 1)),
          ref.slice(0, m - 1),
        );
  }
  return volume;
}
