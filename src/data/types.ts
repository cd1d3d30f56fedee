/**
 * In-memory datasets: plain typed arrays, so that splitting and shuffling never touch tensors and a
 * trial creates (and frees) its tensors itself.
 */

/** What the trainer predicts, which decides the output layer, the loss and the metrics. */
export type Task = "classification" | "regression" | "language_model" | "translation";

export interface Dataset {
  task: Task;
  /** Number of samples. */
  n: number;
  /** Shape of one input sample (e.g. [28, 28, 1], [features], [seq_len]). */
  inputShape: number[];
  /** n × prod(inputShape) inputs, row-major. Token ids for text and pairs. */
  x: Float32Array;
  /**
   * Targets: a class (or next-token) index per sample for classification and language_model, a value
   * for regression, and for translation n × targetLen token ids (0 = padding).
   */
  y: Float32Array;
  /** Classes for classification, vocabulary size for text, target vocabulary for pairs. */
  numClasses: number;
  /** Translation: the decoder input (target shifted right behind BOS), n × targetLen. */
  decoderInput?: Float32Array;
  /** Translation: length of target sequences. */
  targetLen?: number;
  /** Text and pairs: input vocabulary size (token 0 is padding where used). */
  vocabSize?: number;
  /** Optional names: class labels, feature names, tokens. */
  labels?: string[];
  features?: string[];
  /** Tabular data: the feature columns that are numeric (standardized when `normalize` is on). */
  numericColumns?: number[];
}

/** A reader's result: the training pool (train + validation) and the held-out test set, if any. */
export interface LoadedData {
  train: Dataset;
  test?: Dataset;
  /** The files it was read from (for messages). */
  source: string;
}

/** Number of values per sample. */
export function sampleSize(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** The samples `idx` of `ds`, in that order (copies). */
export function subset(ds: Dataset, idx: ArrayLike<number>): Dataset {
  const xs = sampleSize(ds.inputShape);
  const ys = ds.task === "translation" ? (ds.targetLen ?? 1) : 1;
  const x = new Float32Array(idx.length * xs);
  const y = new Float32Array(idx.length * ys);
  const dec = ds.decoderInput ? new Float32Array(idx.length * ys) : undefined;
  for (let i = 0; i < idx.length; i++) {
    const j = idx[i];
    x.set(ds.x.subarray(j * xs, (j + 1) * xs), i * xs);
    y.set(ds.y.subarray(j * ys, (j + 1) * ys), i * ys);
    if (dec && ds.decoderInput) dec.set(ds.decoderInput.subarray(j * ys, (j + 1) * ys), i * ys);
  }
  return { ...ds, n: idx.length, x, y, ...(dec ? { decoderInput: dec } : {}) };
}
