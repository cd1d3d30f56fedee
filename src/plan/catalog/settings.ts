/** The settings of the `train { … }` and `budget { … }` blocks, and the functions expressions compute. */
import { BUILTIN_FUNCTIONS } from "../expr.js";
import { LOSSES } from "./calls.js";
import { a, type ArgSpec, byName, pos } from "./spec.js";

/**
 * The TensorFlow.js backends a trainer study may run on (`hpo run --backend`, `HPO_TF_BACKEND`): `auto`
 * takes the first that loads of tensorflow-gpu, tensorflow, native (hpo's own), wasm and cpu.
 */
export const TRAINING_BACKENDS = ["auto", "tensorflow-gpu", "tensorflow", "native", "cpu", "wasm"] as const;
export type TrainingBackend = Exclude<(typeof TRAINING_BACKENDS)[number], "auto">;

/** The settings of `train { … }` and what each expects. */
export const TRAIN_SETTINGS: Record<string, ArgSpec> = byName({
  optimizer: a("optimizer", "call", { required: true }),
  schedule: a("schedule", "call"),
  loss: a("loss", "string", { oneOf: [...LOSSES] }),
  metrics: a("metrics", "list"),
  epochs: pos("epochs"),
  batch_size: pos("batch_size"),
  early_stopping: a("early_stopping", "call"),
  gradient_clip: a("gradient_clip", "number", { min: 0, exclusiveLow: true }),
});

export const BUDGET_SETTINGS: Record<string, ArgSpec> = byName({
  trials: pos("trials"),
  time: a("time", "duration"),
  parallel: pos("parallel"),
  max_failed: a("max_failed", "int", { min: 0 }),
  trial_timeout: a("trial_timeout", "duration"),
});

/** Functions computed inside expressions: the names src/plan/expr.ts implements. */
export const EXPR_FUNCTIONS: string[] = Object.keys(BUILTIN_FUNCTIONS);
