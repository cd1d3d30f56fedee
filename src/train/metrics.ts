/**
 * Losses (as tensors, for training) and evaluation metrics (in plain JS over predictions, so that
 * validation numbers are exact and independent of batching).
 */
import * as tf from "@tensorflow/tfjs";
import type { Task } from "../data/types.js";
import { HpoError } from "../util/errors.js";

export type LossKind = "crossentropy" | "mse" | "mae";

const LOSSES: Record<string, LossKind> = {
  categorical_crossentropy: "crossentropy",
  sparse_categorical_crossentropy: "crossentropy",
  crossentropy: "crossentropy",
  binary_crossentropy: "crossentropy",
  mse: "mse",
  mean_squared_error: "mse",
  mae: "mae",
  mean_absolute_error: "mae",
};

const EPS = 1e-7;

/** The loss named in `train { loss = … }` (default from the task), checked against the task. */
export function lossKind(name: string | undefined, task: Task): LossKind {
  if (name === undefined) return task === "regression" ? "mse" : "crossentropy";
  const kind = LOSSES[name];
  if (!kind)
    throw new HpoError(`unknown loss "${name}"`, { hint: `losses: ${Object.keys(LOSSES).join(", ")}` });
  if (task !== "regression" && kind !== "crossentropy")
    throw new HpoError(`loss "${name}" does not fit ${task} data: use "categorical_crossentropy"`);
  if (task === "regression" && kind === "crossentropy")
    throw new HpoError(`loss "${name}" needs classes, the data have a numeric target: use "mse"`);
  return kind;
}

/**
 * The training loss for a batch: cross-entropy of softmax outputs against class indices (padding
 * positions, id 0, excluded for translation), or the mean squared/absolute error.
 */
export function lossTensor(kind: LossKind, task: Task, pred: tf.Tensor, y: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    if (kind === "mse") return tf.mean(tf.square(tf.sub(tf.reshape(pred, [-1]), y))) as tf.Scalar;
    if (kind === "mae") return tf.mean(tf.abs(tf.sub(tf.reshape(pred, [-1]), y))) as tf.Scalar;
    const classes = pred.shape[pred.shape.length - 1] as number;
    const p = tf.reshape(pred, [-1, classes]);
    const labels = tf.cast(tf.reshape(y, [-1]), "int32");
    const nll = tf.neg(tf.sum(tf.mul(tf.oneHot(labels, classes), tf.log(tf.clipByValue(p, EPS, 1))), -1));
    if (task !== "translation") return tf.mean(nll) as tf.Scalar;
    const mask = tf.cast(tf.notEqual(labels, 0), "float32");
    return tf.div(tf.sum(tf.mul(nll, mask)), tf.maximum(tf.sum(mask), 1)) as tf.Scalar;
  });
}

/**
 * Metrics of predictions `pred` (n × classes probabilities, or n values) against targets `y`:
 * loss, and per task accuracy/error/precision/recall/f1 (macro), perplexity, token_accuracy, mae/rmse.
 */
export function evaluateMetrics(
  kind: LossKind,
  task: Task,
  pred: Float32Array,
  y: Float32Array,
  classes: number,
): Record<string, number> {
  if (task === "regression") {
    let se = 0;
    let ae = 0;
    for (let i = 0; i < y.length; i++) {
      se += (pred[i] - y[i]) ** 2;
      ae += Math.abs(pred[i] - y[i]);
    }
    const mse = se / y.length;
    const mae = ae / y.length;
    return { loss: kind === "mae" ? mae : mse, mae, rmse: Math.sqrt(mse) };
  }
  const confusion = new Float64Array(classes * classes);
  let nll = 0;
  let count = 0;
  for (let i = 0; i < y.length; i++) {
    const label = y[i];
    if (task === "translation" && label === 0) continue; // padding
    const row = pred.subarray(i * classes, (i + 1) * classes);
    let best = 0;
    for (let c = 1; c < classes; c++) if (row[c] > row[best]) best = c;
    confusion[label * classes + best]++;
    nll -= Math.log(Math.min(1, Math.max(EPS, row[label])));
    count++;
  }
  const loss = nll / Math.max(1, count);
  let correct = 0;
  for (let c = 0; c < classes; c++) correct += confusion[c * classes + c];
  const accuracy = correct / Math.max(1, count);
  if (task === "translation")
    return { loss, token_accuracy: accuracy, accuracy, error: 1 - accuracy, perplexity: Math.exp(loss) };
  // Macro averages over the classes present in the targets or the predictions.
  let p = 0;
  let r = 0;
  let f = 0;
  let k = 0;
  for (let c = 0; c < classes; c++) {
    let predicted = 0;
    let actual = 0;
    for (let j = 0; j < classes; j++) {
      predicted += confusion[j * classes + c];
      actual += confusion[c * classes + j];
    }
    if (predicted === 0 && actual === 0) continue;
    const tp = confusion[c * classes + c];
    const prec = predicted > 0 ? tp / predicted : 0;
    const rec = actual > 0 ? tp / actual : 0;
    p += prec;
    r += rec;
    f += prec + rec > 0 ? (2 * prec * rec) / (prec + rec) : 0;
    k++;
  }
  const out: Record<string, number> = {
    loss,
    accuracy,
    error: 1 - accuracy,
    precision: p / Math.max(1, k),
    recall: r / Math.max(1, k),
    f1: f / Math.max(1, k),
  };
  if (task === "language_model") out.perplexity = Math.exp(loss);
  return out;
}
