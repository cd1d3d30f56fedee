/** Standardization fitted on the training split only, then applied to validation and test data. */
import type { Dataset } from "./types.js";

export interface Normalizer {
  columns: number[];
  mean: number[];
  std: number[];
}

/** Mean and standard deviation of the numeric columns of `train`. */
export function fitNormalizer(train: Dataset): Normalizer {
  const columns = train.numericColumns ?? [];
  const w = train.inputShape[0];
  const mean = columns.map((c) => {
    let s = 0;
    for (let i = 0; i < train.n; i++) s += train.x[i * w + c];
    return s / Math.max(1, train.n);
  });
  const std = columns.map((c, k) => {
    let s = 0;
    for (let i = 0; i < train.n; i++) s += (train.x[i * w + c] - mean[k]) ** 2;
    const sd = Math.sqrt(s / Math.max(1, train.n));
    return sd > 1e-12 ? sd : 1; // a constant column stays centred, not divided by zero
  });
  return { columns, mean, std };
}

/** A normalized copy of `ds`. */
export function applyNormalizer(ds: Dataset, norm: Normalizer): Dataset {
  const x = Float32Array.from(ds.x);
  const w = ds.inputShape[0];
  norm.columns.forEach((c, k) => {
    for (let i = 0; i < ds.n; i++) x[i * w + c] = (x[i * w + c] - norm.mean[k]) / norm.std[k];
  });
  return { ...ds, x };
}
