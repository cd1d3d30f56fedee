/** The optimizers of language.md mapped onto tf.train, with a settable learning rate for schedules. */
import * as tf from "@tensorflow/tfjs";
import type { CallValue } from "../plan/types.js";
import { HpoError } from "../util/errors.js";
import { boolArg, numArg } from "./callvalue.js";

export const OPTIMIZERS = ["sgd", "adam", "rmsprop", "adagrad", "adadelta"];

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

/** Builds `spec` (default adam(lr = 0.001)). */
export function createOptimizer(spec: CallValue | undefined): Optimizer {
  const c = spec ?? { call: "adam", args: [], kwargs: {} };
  const lr = numArg(c, "lr", 0, c.call === "adadelta" ? 1 : c.call === "sgd" ? 0.01 : 0.001);
  if (!(lr > 0)) throw new HpoError(`${c.call}(lr) must be positive, got ${lr}`);
  let opt: tf.Optimizer;
  let slots = 2;
  switch (c.call) {
    case "sgd": {
      const momentum = numArg(c, "momentum", 1, 0);
      const nesterov = boolArg(c, "nesterov", 2, false);
      const withMomentum = momentum > 0 || nesterov;
      opt = withMomentum ? tf.train.momentum(lr, momentum, nesterov) : tf.train.sgd(lr);
      slots = withMomentum ? 1 : 0;
      break;
    }
    case "adam":
      opt = tf.train.adam(
        lr,
        numArg(c, "beta1", 1, 0.9),
        numArg(c, "beta2", 2, 0.999),
        numArg(c, "epsilon", 3, 1e-7),
      );
      break;
    case "rmsprop":
      opt = tf.train.rmsprop(lr, numArg(c, "rho", 1, 0.9), numArg(c, "momentum", 2, 0), 1e-7);
      break;
    case "adagrad":
      opt = tf.train.adagrad(lr);
      slots = 1;
      break;
    case "adadelta":
      opt = tf.train.adadelta(lr, numArg(c, "rho", 1, 0.95), 1e-7);
      break;
    default:
      throw new HpoError(`unknown optimizer \`${c.call}\``, { hint: `optimizers: ${OPTIMIZERS.join(", ")}` });
  }
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
