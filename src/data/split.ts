/**
 * Holdout and k-fold splits, seeded, stratified by class for classification so each part keeps the
 * class proportions. They return sample indices; the data stay where they are.
 */
import { HpoError } from "../util/errors.js";
import { permutation, rngFor, STREAM } from "../plan/random.js";
import type { Dataset } from "./types.js";

export interface Split {
  train: Int32Array;
  validation: Int32Array;
}

/** Sample indices grouped by class (classification) or one group, each shuffled by `seed` (stream `dataSplit`). */
function groups(ds: Dataset, seed: number, shuffle: boolean): number[][] {
  const order = shuffle
    ? permutation(ds.n, rngFor(seed, STREAM.dataSplit))
    : Int32Array.from({ length: ds.n }, (_, i) => i);
  if (ds.task !== "classification") return [Array.from(order)];
  const byClass = new Map<number, number[]>();
  for (const i of order) {
    const c = ds.y[i];
    const g = byClass.get(c);
    if (g) g.push(i);
    else byClass.set(c, [i]);
  }
  return [...byClass.keys()].sort((a, b) => a - b).map((c) => byClass.get(c) as number[]);
}

/** Holds out `fraction` of the samples (at least one when fraction > 0) for validation. */
export function holdout(ds: Dataset, fraction: number, seed: number, shuffle = true): Split {
  if (!(fraction > 0 && fraction < 1))
    throw new HpoError(`validation fraction must be between 0 and 1 (exclusive), got ${fraction}`);
  if (ds.n < 2) throw new HpoError(`a holdout split needs at least 2 samples, the data have ${ds.n}`);
  const train: number[] = [];
  const val: number[] = [];
  const gs = groups(ds, seed, shuffle);
  // Largest-remainder allocation keeps the total validation size at round(n * fraction).
  const total = Math.max(1, Math.min(ds.n - 1, Math.round(ds.n * fraction)));
  const exact = gs.map((g) => g.length * fraction);
  const take = exact.map(Math.floor);
  let rest = total - take.reduce((a, b) => a + b, 0);
  const byRemainder = exact.map((e, i) => [e - Math.floor(e), i]).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, i] of byRemainder) {
    if (rest <= 0) break;
    if (take[i] < gs[i].length) {
      take[i]++;
      rest--;
    }
  }
  gs.forEach((g, gi) => {
    val.push(...g.slice(0, take[gi]));
    train.push(...g.slice(take[gi]));
  });
  return { train: Int32Array.from(train), validation: Int32Array.from(val) };
}

/** k folds: fold f validates on its part and trains on the rest; every sample validates exactly once. */
export function kfold(ds: Dataset, k: number, seed: number, shuffle = true): Split[] {
  if (!Number.isInteger(k) || k < 2) throw new HpoError(`kfold needs an integer k >= 2, got ${k}`);
  if (ds.n < k) throw new HpoError(`kfold(k = ${k}) needs at least ${k} samples, the data have ${ds.n}`);
  const fold = new Int32Array(ds.n);
  // Dealing each class's samples round-robin stratifies the folds.
  let next = 0;
  for (const g of groups(ds, seed, shuffle)) {
    for (const i of g) {
      fold[i] = next;
      next = (next + 1) % k;
    }
  }
  const out: Split[] = [];
  for (let f = 0; f < k; f++) {
    const train: number[] = [];
    const val: number[] = [];
    for (let i = 0; i < ds.n; i++) (fold[i] === f ? val : train).push(i);
    out.push({ train: Int32Array.from(train), validation: Int32Array.from(val) });
  }
  return out;
}
