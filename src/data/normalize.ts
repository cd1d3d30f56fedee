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

/**
 * Standardization of a regression target (e.g. prices in dollars), fitted on the training split only:
 * the network learns `(y - mean) / std`, so SGD does not diverge on targets of 1e5, and metrics are
 * converted back to the target's own units (`unscaleRegressionMetrics`).
 */
export interface TargetScaler {
  mean: number;
  std: number;
}

export function fitTargetScaler(train: Dataset): TargetScaler {
  let s = 0;
  for (let i = 0; i < train.n; i++) s += train.y[i];
  const mean = s / Math.max(1, train.n);
  let v = 0;
  for (let i = 0; i < train.n; i++) v += (train.y[i] - mean) ** 2;
  const sd = Math.sqrt(v / Math.max(1, train.n));
  return { mean, std: sd > 1e-12 ? sd : 1 };
}

/** A copy of `ds` with standardized targets. */
export function applyTargetScaler(ds: Dataset, scaler: TargetScaler): Dataset {
  return { ...ds, y: ds.y.map((y) => (y - scaler.mean) / scaler.std) };
}

/**
 * Regression metrics computed on standardized targets, in the target's units: an error scales with
 * `std` (mae, rmse, an mae loss) and a squared error with `std²` (an mse loss); the mean cancels out.
 */
export function unscaleRegressionMetrics(
  metrics: Record<string, number>,
  scaler: TargetScaler,
  loss: "mse" | "mae" | "crossentropy",
): Record<string, number> {
  const out = { ...metrics };
  if (out.mae !== undefined) out.mae *= scaler.std;
  if (out.rmse !== undefined) out.rmse *= scaler.std;
  if (out.loss !== undefined) out.loss *= loss === "mse" ? scaler.std ** 2 : scaler.std;
  return out;
}
