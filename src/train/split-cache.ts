/**
 * The training and validation parts of a trial's data. The split follows seeds of the study, never of
 * the trial, so every trial of a study on the same data gets the same parts: a worker copies them out
 * of the pool once for consecutive trials instead of once per trial (at Fashion-MNIST's full size,
 * 180 MB of copies and as much garbage per trial). The parts are shared: callers never write them
 * (normalizers return new datasets).
 */
import type { Split } from "../data/split.js";
import { type Dataset, subset } from "../data/types.js";

export interface SplitPart {
  train: Dataset;
  validation: Dataset;
}

let last: { source: Dataset; key: string; parts: SplitPart[] } | undefined;

/**
 * The parts of `pool` that `split()` makes. `source` is the data set as read (the pool may be a
 * relabelled copy of it, made anew per trial) and `key` names everything else the pool and the split
 * depend on (the loss, the validation settings and their seed): computed again only when either
 * changes.
 */
export function splitParts(source: Dataset, key: string, pool: Dataset, split: () => Split[]): SplitPart[] {
  if (last?.source === source && last.key === key) return last.parts;
  last = undefined; // let the previous parts go before copying new ones
  const parts = split().map((s) => ({
    train: subset(pool, s.train),
    validation: subset(pool, s.validation),
  }));
  last = { source, key, parts };
  return parts;
}
