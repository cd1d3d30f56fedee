/** The optimizers of language.md mapped onto tf.train, with a settable learning rate for schedules. */
import * as tf from "@tensorflow/tfjs";
import type { OptimizerName } from "../plan/catalog.js";
import type { CallValue } from "../plan/types.js";
import { HpoError } from "../util/errors.js";
import { boolArg, numArg } from "./callvalue.js";

export interface Optimizer {
  optimizer: tf.Optimizer;
  /** The initial learning rate (`lr`). */
  lr: number;
  /** State tensors the optimizer keeps per weight (0 for plain SGD, 2 for Adam). */
  slots: number;
  setLearningRate(lr: number): void;
  /** Frees the optimizer's tensors. */
  dispose(): void;
}

/** A tf.train optimizer for a call, and how many state tensors it keeps per weight. */
type Build = (c: CallValue, lr: number) => { opt: tf.Optimizer; slots: number };

/** The optimizers by the catalogue's names: TypeScript checks each has a builder, and no other. */
const BUILDERS: Record<OptimizerName, Build> = {
  sgd: (c, lr) => {
    const momentum = numArg(c, "momentum", 1, 0);
    const nesterov = boolArg(c, "nesterov", 2, false);
    const withMomentum = momentum > 0 || nesterov;
    return {
      opt: withMomentum ? tf.train.momentum(lr, momentum, nesterov) : tf.train.sgd(lr),
      slots: withMomentum ? 1 : 0,
    };
  },
  adam: (c, lr) => ({
    opt: tf.train.adam(
      lr,
      numArg(c, "beta1", 1, 0.9),
      numArg(c, "beta2", 2, 0.999),
      numArg(c, "epsilon", 3, 1e-7),
    ),
    slots: 2,
  }),
  rmsprop: (c, lr) => ({
    opt: tf.train.rmsprop(lr, numArg(c, "rho", 1, 0.9), numArg(c, "momentum", 2, 0), 1e-7),
    slots: 2,
  }),
  adagrad: (_c, lr) => ({ opt: tf.train.adagrad(lr), slots: 1 }),
  adadelta: (c, lr) => ({ opt: tf.train.adadelta(lr, numArg(c, "rho", 1, 0.95), 1e-7), slots: 2 }),
};

/** Builds `spec` (default adam(lr = 0.001)). */
export function createOptimizer(spec: CallValue | undefined): Optimizer {
  const c = spec ?? { call: "adam", args: [], kwargs: {} };
  const build = Object.hasOwn(BUILDERS, c.call) ? BUILDERS[c.call as OptimizerName] : undefined;
  if (!build)
    throw new HpoError(`unknown optimizer \`${c.call}\``, {
      hint: `optimizers: ${Object.keys(BUILDERS).join(", ")}`,
    });
  const lr = numArg(c, "lr", 0, c.call === "adadelta" ? 1 : c.call === "sgd" ? 0.01 : 0.001);
  if (!(lr > 0)) throw new HpoError(`${c.call}(lr) must be positive, got ${lr}`);
  const { opt, slots } = build(c, lr);
  return {
    optimizer: opt,
    lr,
    slots,
    setLearningRate(rate: number) {
      // SGD and momentum cache -lr as a tensor (setLearningRate); the others read the field per step.
      const o = opt as unknown as { setLearningRate?: (r: number) => void; learningRate: number };
      if (typeof o.setLearningRate === "function") o.setLearningRate(rate);
      else o.learningRate = rate;
    },
    dispose() {
      opt.dispose();
      // tfjs 4.22's MomentumOptimizer.dispose() does not free the learning-rate scalar of its SGD base.
      const c = (opt as unknown as { c?: tf.Tensor }).c;
      if (c && !c.isDisposed) c.dispose();
    },
  };
}
