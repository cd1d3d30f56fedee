/**
 * Losses (as tensors, for training) and evaluation metrics (in plain JS over predictions, so that
 * validation numbers are exact and independent of batching).
 */
import * as tf from "@tensorflow/tfjs";
import type { Task } from "../data/types.js";
import type { LossName, PredictionMetric } from "../plan/catalog.js";
import { HpoError } from "../util/errors.js";

export type LossKind = "crossentropy" | "mse" | "mae";

/** What each loss of the catalogue computes. */
const LOSS_KINDS: Record<LossName, LossKind> = {
  categorical_crossentropy: "crossentropy",
  sparse_categorical_crossentropy: "crossentropy",
  binary_crossentropy: "crossentropy",
  mse: "mse",
  mae: "mae",
};

const EPS = 1e-7;

/** The loss named in `train { loss = … }` (default from the task), checked against the task. */
export function lossKind(name: string | undefined, task: Task): LossKind {
  if (name === undefined) return task === "regression" ? "mse" : "crossentropy";
  const kind = Object.hasOwn(LOSS_KINDS, name) ? LOSS_KINDS[name as LossName] : undefined;
  if (!kind)
    throw new HpoError(`unknown loss "${name}"`, { hint: `losses: ${Object.keys(LOSS_KINDS).join(", ")}` });
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
 * Streaming metrics over batches of predictions (n × classes probabilities, or n values) and targets:
 * loss, and per task accuracy/error/precision/recall/f1 (macro), perplexity, token_accuracy, mae/rmse.
 * Per-class counts replace a confusion matrix, so memory stays O(classes) for large vocabularies.
 */
export class MetricAccumulator {
  private nll = 0;
  private se = 0;
  private ae = 0;
  private count = 0;
  private readonly truePos: Float64Array;
  private readonly predicted: Float64Array;
  private readonly actual: Float64Array;

  constructor(
    private readonly kind: LossKind,
    private readonly task: Task,
    private readonly classes: number,
  ) {
    const k = task === "regression" ? 0 : classes;
    this.truePos = new Float64Array(k);
    this.predicted = new Float64Array(k);
    this.actual = new Float64Array(k);
  }

  add(pred: Float32Array, y: Float32Array): void {
    if (this.task === "regression") {
      for (let i = 0; i < y.length; i++) {
        this.se += (pred[i] - y[i]) ** 2;
        this.ae += Math.abs(pred[i] - y[i]);
      }
      this.count += y.length;
      return;
    }
    const classes = this.classes;
    for (let i = 0; i < y.length; i++) {
      const label = y[i];
      if (this.task === "translation" && label === 0) continue; // padding
      let best = 0;
      const base = i * classes;
      for (let c = 1; c < classes; c++) if (pred[base + c] > pred[base + best]) best = c;
      this.predicted[best]++;
      this.actual[label]++;
      if (best === label) this.truePos[label]++;
      this.nll -= Math.log(Math.min(1, Math.max(EPS, pred[base + label])));
      this.count++;
    }
  }

  result(): Record<string, number> {
    const n = Math.max(1, this.count);
    if (this.task === "regression") {
      const mse = this.se / n;
      const mae = this.ae / n;
      return known({ loss: this.kind === "mae" ? mae : mse, mae, rmse: Math.sqrt(mse) });
    }
    const loss = this.nll / n;
    let correct = 0;
    for (const tp of this.truePos) correct += tp;
    const accuracy = correct / n;
    if (this.task === "translation")
      return known({
        loss,
        token_accuracy: accuracy,
        accuracy,
        error: 1 - accuracy,
        perplexity: Math.exp(loss),
      });
    // Macro averages over the classes present in the targets or the predictions.
    let p = 0;
    let r = 0;
    let f = 0;
    let k = 0;
    for (let c = 0; c < this.classes; c++) {
      if (this.predicted[c] === 0 && this.actual[c] === 0) continue;
      const tp = this.truePos[c];
      const prec = this.predicted[c] > 0 ? tp / this.predicted[c] : 0;
      const rec = this.actual[c] > 0 ? tp / this.actual[c] : 0;
      p += prec;
      r += rec;
      f += prec + rec > 0 ? (2 * prec * rec) / (prec + rec) : 0;
      k++;
    }
    const out: PredictionMetrics = {
      loss,
      accuracy,
      error: 1 - accuracy,
      precision: p / Math.max(1, k),
      recall: r / Math.max(1, k),
      f1: f / Math.max(1, k),
    };
    if (this.task === "language_model") out.perplexity = Math.exp(loss);
    return known(out);
  }
}

/** Metrics named as the catalogue names them (PREDICTION_METRICS): TypeScript rejects any other key. */
type PredictionMetrics = { [K in PredictionMetric]?: number };
const known = (m: PredictionMetrics) => m as Record<string, number>;

/** Metrics of one set of predictions (see MetricAccumulator). */
export function evaluateMetrics(
  kind: LossKind,
  task: Task,
  pred: Float32Array,
  y: Float32Array,
  classes: number,
): Record<string, number> {
  const acc = new MetricAccumulator(kind, task, classes);
  acc.add(pred, y);
  return acc.result();
}
