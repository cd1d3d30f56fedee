/**
 * What the language knows by name: distributions, data readers, model templates, layers, optimizers,
 * schedules, strategies (options and defaults as agreed in the helpers' contract), pruners, validation
 * schemes, built-in test functions, metrics, and the settings of `train` and `budget`.
 */

/** The type an argument expects. `number|list` accepts either (e.g. mlp `units`). */
export type ArgType =
  | "number"
  | "int"
  | "string"
  | "bool"
  | "list"
  | "number|list"
  | "duration"
  | "call"
  | "any";

export interface ArgSpec {
  name: string;
  type: ArgType;
  required?: boolean;
  /** Filled into the Plan when absent (strategies and pruners). */
  default?: number | string | boolean;
  /** Inclusive numeric bounds; `exclusiveLow` makes the low bound strict. */
  min?: number;
  max?: number;
  exclusiveLow?: boolean;
  /** The allowed strings. */
  oneOf?: string[];
}

export interface FunctionSpec {
  args: ArgSpec[];
  /** How many arguments may be given by position (in `args` order); the rest only by name. */
  positional?: number;
  /** Any number of positional values (choice, ordinal). */
  variadic?: boolean;
}

const a = (name: string, type: ArgType, extra: Partial<ArgSpec> = {}): ArgSpec => ({ name, type, ...extra });
const prob = (name: string, extra: Partial<ArgSpec> = {}) => a(name, "number", { min: 0, max: 1, ...extra });
const pos = (name: string, extra: Partial<ArgSpec> = {}) => a(name, "int", { min: 1, ...extra });

export const DISTRIBUTIONS: Record<string, FunctionSpec> = {
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
};

const COMMON_DATA = [
  prob("validation"),
  a("test", "any"),
  pos("limit"),
  a("shuffle_seed", "int", { min: 0 }),
];

export const READERS: Record<string, FunctionSpec> = {
  mnist: { args: [a("path", "string"), ...COMMON_DATA], positional: 1 },
  fashion_mnist: { args: [a("path", "string"), ...COMMON_DATA], positional: 1 },
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
      a("separator", "string"),
      ...COMMON_DATA,
    ],
    positional: 2,
  },
};

const ACT = a("activation", "string", {
  oneOf: [
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
    "leaky_relu",
  ],
});

export const TEMPLATES: Record<string, FunctionSpec> = {
  mlp: { args: [a("units", "number|list"), pos("layers"), ACT, prob("dropout"), a("batch_norm", "bool")] },
  cnn: {
    args: [
      pos("blocks"),
      pos("filters"),
      pos("kernel"),
      a("pool", "int", { min: 1 }),
      ACT,
      prob("dropout"),
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
};

const PADDING = a("padding", "string", { oneOf: ["valid", "same"] });
export const LAYERS: Record<string, FunctionSpec> = {
  input: { args: [a("shape", "list", { required: true })], positional: 1 },
  dense: { args: [pos("units", { required: true }), ACT, a("use_bias", "bool")], positional: 1 },
  conv1d: {
    args: [
      pos("filters", { required: true }),
      pos("kernel", { required: true }),
      pos("stride"),
      PADDING,
      ACT,
    ],
    positional: 2,
  },
  conv2d: {
    args: [
      pos("filters", { required: true }),
      pos("kernel", { required: true }),
      pos("stride"),
      PADDING,
      ACT,
    ],
    positional: 2,
  },
  maxpool2d: { args: [pos("pool"), pos("stride"), PADDING], positional: 1 },
  avgpool2d: { args: [pos("pool"), pos("stride"), PADDING], positional: 1 },
  globalavgpool: { args: [] },
  flatten: { args: [] },
  dropout: { args: [prob("rate", { required: true })], positional: 1 },
  batchnorm: { args: [] },
  layernorm: { args: [] },
  embedding: { args: [pos("units", { required: true }), pos("vocab")], positional: 1 },
  lstm: {
    args: [pos("units", { required: true }), a("return_sequences", "bool"), prob("dropout")],
    positional: 1,
  },
  gru: {
    args: [pos("units", { required: true }), a("return_sequences", "bool"), prob("dropout")],
    positional: 1,
  },
  simplernn: {
    args: [pos("units", { required: true }), a("return_sequences", "bool"), prob("dropout")],
    positional: 1,
  },
  attention: { args: [pos("heads", { required: true }), pos("d_model"), prob("dropout")], positional: 1 },
  transformer_encoder: {
    args: [pos("heads", { required: true }), pos("d_model"), pos("d_ff"), prob("dropout")],
    positional: 1,
  },
  transformer_decoder: {
    args: [pos("heads", { required: true }), pos("d_model"), pos("d_ff"), prob("dropout")],
    positional: 1,
  },
  positional_encoding: { args: [pos("max_len")], positional: 1 },
  activation: { args: [{ ...ACT, required: true }], positional: 1 },
};

const LR = a("lr", "number", { required: true, min: 0, exclusiveLow: true });
export const OPTIMIZERS: Record<string, FunctionSpec> = {
  sgd: { args: [LR, prob("momentum"), a("nesterov", "bool")], positional: 1 },
  adam: { args: [LR, prob("beta1"), prob("beta2"), a("epsilon", "number", { min: 0 })], positional: 1 },
  rmsprop: { args: [LR, prob("rho"), prob("momentum")], positional: 1 },
  adagrad: { args: [LR], positional: 1 },
  adadelta: { args: [LR, prob("rho")], positional: 1 },
};

export const SCHEDULES: Record<string, FunctionSpec> = {
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
  cyclic: {
    args: [
      a("min_lr", "number", { required: true, min: 0 }),
      a("max_lr", "number", { required: true, min: 0 }),
      pos("period", { required: true }),
      a("mode", "string", { oneOf: ["triangular", "triangular2", "exp_range"] }),
    ],
    positional: 4,
  },
  cosine: { args: [a("min_lr", "number", { min: 0 }), a("warmup", "int", { min: 0 })], positional: 2 },
};

export const CALLBACKS: Record<string, FunctionSpec> = {
  early_stopping: {
    args: [
      a("monitor", "string"),
      a("patience", "int", { min: 0, required: true }),
      a("min_delta", "number", { min: 0 }),
    ],
    positional: 3,
  },
};

const DEVICE = a("device", "string", { default: "auto", oneOf: ["auto", "cpu", "cuda"] });
const EPOCHS = [
  pos("min_epochs", { default: 1 }),
  pos("max_epochs", { default: 27 }),
  a("eta", "number", { default: 3, min: 2 }),
];
/** Strategy options and defaults: exactly the helpers' contract (COMMON.md). */
export const STRATEGIES: Record<string, FunctionSpec> = {
  random: { args: [] },
  qmc: { args: [a("scramble", "bool", { default: true })] },
  grid: { args: [a("points", "int", { default: 0, min: 0 }), a("shuffle", "bool", { default: false })] },
  tpe: {
    args: [
      a("startup", "int", { default: 10, min: 1 }),
      a("candidates", "int", { default: 24, min: 1 }),
      a("prior_weight", "number", { default: 1.0, min: 0, exclusiveLow: true }),
      a("consider_endpoints", "bool", { default: false }),
      a("multivariate", "bool", { default: true }),
      a("constant_liar", "bool", { default: true }),
    ],
  },
  bayes: {
    args: [
      a("initial", "int", { default: 10, min: 1 }),
      a("acquisition", "string", { default: "logei", oneOf: ["logei", "ei", "pi", "ucb"] }),
      a("kernel", "string", { default: "matern52", oneOf: ["matern52", "matern32", "rbf"] }),
      a("beta", "number", { default: 2.0, min: 0 }),
      DEVICE,
      a("precision", "string", { default: "fp64", oneOf: ["fp64", "fp32"] }),
      a("restarts", "int", { default: 4, min: 0 }),
      a("candidates", "int", { default: 2048, min: 1 }),
    ],
  },
  evolution: {
    args: [
      a("population", "int", { default: 20, min: 2 }),
      prob("crossover", { default: 0.9 }),
      prob("mutation", { default: 0.1 }),
      a("tournament", "int", { default: 3, min: 1 }),
      a("elitism", "int", { default: 2, min: 0 }),
      a("operator", "string", { default: "sbx", oneOf: ["sbx", "uniform"] }),
      a("eta_c", "number", { default: 15, min: 0 }),
      a("eta_m", "number", { default: 20, min: 0 }),
      DEVICE,
    ],
  },
  nsga2: {
    args: [
      a("population", "int", { default: 24, min: 4 }),
      prob("crossover", { default: 0.9 }),
      prob("mutation", { default: 0.1 }),
      a("eta_c", "number", { default: 15, min: 0 }),
      a("eta_m", "number", { default: 20, min: 0 }),
      DEVICE,
    ],
  },
  // `sha(1, 27)` reads as min and max epochs, as the multi-fidelity papers write them.
  sha: { args: EPOCHS, positional: 2 },
  asha: { args: EPOCHS, positional: 2 },
  hyperband: {
    args: [...EPOCHS, a("sampler", "string", { default: "random", oneOf: ["random", "tpe", "qmc"] })],
    positional: 2,
  },
};

export const PRUNERS: Record<string, FunctionSpec> = {
  median: {
    args: [
      a("startup", "int", { default: 5, min: 0 }),
      a("warmup", "int", { default: 2, min: 0 }),
      a("interval", "int", { default: 1, min: 1 }),
    ],
  },
};

export const VALIDATIONS: Record<string, FunctionSpec> = {
  holdout: {
    args: [prob("fraction", { exclusiveLow: true }), a("shuffle", "bool"), a("seed", "int", { min: 0 })],
    positional: 1,
  },
  kfold: {
    args: [a("k", "int", { required: true, min: 2 }), a("shuffle", "bool"), a("seed", "int", { min: 0 })],
    positional: 1,
  },
};

/** Built-in test functions of `evaluate`: parameters x1…xN, their metrics, and their `dim` argument. */
export interface TestFunction {
  /** Fixed dimension, or undefined when the function takes `dim`. */
  dims?: number;
  metrics: string[];
}
export const TEST_FUNCTIONS: Record<string, TestFunction> = {
  branin: { dims: 2, metrics: ["value"] },
  hartmann6: { dims: 6, metrics: ["value"] },
  rosenbrock: { metrics: ["value"] },
  ackley: { metrics: ["value"] },
  levy: { metrics: ["value"] },
  rastrigin: { metrics: ["value"] },
  styblinski_tang: { metrics: ["value"] },
  zdt1: { metrics: ["f1", "f2"] },
};

/** Metrics the built-in trainer logs. `test_*` exist too but draw W009 when used as a goal. */
export const TRAINER_METRICS = [
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

/** The settings of `train { … }` and what each expects. */
export const TRAIN_SETTINGS: Record<string, ArgSpec> = {
  optimizer: a("optimizer", "call", { required: true }),
  schedule: a("schedule", "call"),
  loss: a("loss", "string", {
    oneOf: [
      "categorical_crossentropy",
      "sparse_categorical_crossentropy",
      "binary_crossentropy",
      "mse",
      "mae",
      "huber",
    ],
  }),
  metrics: a("metrics", "list"),
  epochs: pos("epochs"),
  batch_size: pos("batch_size"),
  early_stopping: a("early_stopping", "call"),
  gradient_clip: a("gradient_clip", "number", { min: 0, exclusiveLow: true }),
};

export const BUDGET_SETTINGS: Record<string, ArgSpec> = {
  trials: pos("trials"),
  time: a("time", "duration"),
  parallel: pos("parallel"),
  max_failed: a("max_failed", "int", { min: 0 }),
  trial_timeout: a("trial_timeout", "duration"),
};

/** Functions computed inside expressions (src/plan/expr.ts BUILTIN_FUNCTIONS). */
export const EXPR_FUNCTIONS = [
  "min",
  "max",
  "abs",
  "round",
  "floor",
  "ceil",
  "log",
  "exp",
  "sqrt",
  "pow",
  "len",
];

export const DECLARATIONS = [
  "study",
  "seed",
  "data",
  "space",
  "model",
  "train",
  "evaluate",
  "objective",
  "objectives",
  "strategy",
  "pruner",
  "validation",
  "budget",
  "storage",
];

/** Reserved words (language.md); `layers` is deliberately absent: see docs/language.md. */
export const RESERVED = new Set([
  ...DECLARATIONS,
  "when",
  "constraint",
  "minimize",
  "maximize",
  "repeat",
  "if",
  "then",
  "else",
  "and",
  "or",
  "not",
  "in",
  "true",
  "false",
]);
