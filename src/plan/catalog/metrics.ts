/** What a trial can be judged by: the built-in test functions of `evaluate` and the trainer's metrics. */
import { byName } from "./spec.js";

/** A built-in test function of `evaluate`: parameters x1…xN, its metrics, and its `dim` argument. */
export interface TestFunction {
  /** Fixed dimension, or undefined when the function takes `dim`. */
  dims?: number;
  /** The smallest `dim` the function is defined for (1 when absent). */
  minDim?: number;
  metrics: string[];
}

const testFunctions = {
  branin: { dims: 2, metrics: ["value"] },
  hartmann6: { dims: 6, metrics: ["value"] },
  rosenbrock: { minDim: 2, metrics: ["value"] },
  ackley: { metrics: ["value"] },
  levy: { metrics: ["value"] },
  rastrigin: { metrics: ["value"] },
  styblinski_tang: { metrics: ["value"] },
  zdt1: { minDim: 2, metrics: ["f1", "f2"] },
} satisfies Record<string, TestFunction>;
export type TestFunctionName = keyof typeof testFunctions;
/** The test functions by name; src/objectives/ implements exactly these (a `Record<TestFunctionName, …>`). */
export const TEST_FUNCTIONS: Record<string, TestFunction> = byName(testFunctions);

/** What one set of predictions yields, per task (src/train/metrics.ts computes these). */
export const PREDICTION_METRICS = [
  "loss",
  "accuracy",
  "error",
  "precision",
  "recall",
  "f1",
  "perplexity",
  "token_accuracy",
  "mae",
  "rmse",
] as const;
export type PredictionMetric = (typeof PREDICTION_METRICS)[number];

/** Measures of the trained model and the run rather than of predictions. */
export const RUN_METRICS = ["params", "train_seconds"] as const;
export type RunMetric = (typeof RUN_METRICS)[number];

/** Measures of a sequence model's decoded output on the validation set (the translation template's BLEU). */
export const DECODING_METRICS = ["val_bleu"] as const;
export type DecodingMetric = (typeof DECODING_METRICS)[number];

/**
 * A metric the trainer reports: a prediction metric on the training, validation or test set, a decoding
 * metric, or a run metric.
 */
export type TrainerMetric =
  | PredictionMetric
  | `val_${PredictionMetric}`
  | `test_${PredictionMetric}`
  | DecodingMetric
  | RunMetric;

/** Metrics a goal may name. `test_*` exist too but draw W009 when used as a goal. */
export const TRAINER_METRICS: TrainerMetric[] = [
  "loss",
  "val_loss",
  "accuracy",
  "val_accuracy",
  "val_error",
  "val_f1",
  "val_precision",
  "val_recall",
  "val_perplexity",
  "val_token_accuracy",
  "val_bleu",
  "val_mae",
  "val_rmse",
  "error",
  "f1",
  "precision",
  "recall",
  "perplexity",
  "token_accuracy",
  "mae",
  "rmse",
  "params",
  "train_seconds",
  "test_loss",
  "test_accuracy",
  "test_error",
];
