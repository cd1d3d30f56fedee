/** The optimizers of language.md mapped onto tf.train, with a settable learning rate for schedules. */
import * as tf from "@tensorflow/tfjs";
import type { OptimizerName } from "../plan/catalog.js";
import type { CallValue } from "../plan/types.js";
import { HpoError } from "../util/errors.js";
import { type ArgsFor, readCall } from "../plan/options.js";

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
type Build<N extends OptimizerName> = (a: ArgsFor<"optimizer", N>) => { opt: tf.Optimizer; slots: number };

/** The optimizers by the catalogue's names: TypeScript checks each has a builder, and no other. */
const BUILDERS: { [N in OptimizerName]: Build<N> } = {
  sgd: (a) => {
    const momentum = a.momentum ?? 0;
    const nesterov = a.nesterov ?? false;
    const withMomentum = momentum > 0 || nesterov;
    return {
      opt: withMomentum ? tf.train.momentum(a.lr, momentum, nesterov) : tf.train.sgd(a.lr),
      slots: withMomentum ? 1 : 0,
    };
  },
  adam: (a) => ({
    opt: tf.train.adam(a.lr, a.beta1 ?? 0.9, a.beta2 ?? 0.999, a.epsilon ?? 1e-7),
    slots: 2,
  }),
  rmsprop: (a) => ({ opt: tf.train.rmsprop(a.lr, a.rho ?? 0.9, a.momentum ?? 0, 1e-7), slots: 2 }),
  adagrad: (a) => ({ opt: tf.train.adagrad(a.lr), slots: 1 }),
  adadelta: (a) => ({ opt: tf.train.adadelta(a.lr, a.rho ?? 0.95, 1e-7), slots: 2 }),
};

/** The learning rate of a bare optimizer name (`optimizer = "adam"`) or of no optimizer at all. */
const DEFAULT_LR: Record<OptimizerName, number> = {
  sgd: 0.01,
  adam: 0.001,
  rmsprop: 0.001,
  adagrad: 0.001,
  adadelta: 1,
};

function build<N extends OptimizerName>(name: N, c: CallValue) {
  const given =
    c.args.length === 0 && c.kwargs.lr === undefined ? { lr: DEFAULT_LR[name], ...c.kwargs } : c.kwargs;
  const a = readCall("optimizer", name, { args: c.args, kwargs: given });
  return { ...(BUILDERS[name] as Build<N>)(a), lr: (a as ArgsFor<"optimizer", OptimizerName>).lr };
}

/** Builds `spec` (default adam(lr = 0.001)). */
export function createOptimizer(spec: CallValue | undefined): Optimizer {
  const c = spec ?? { call: "adam", args: [], kwargs: {} };
  if (!Object.hasOwn(BUILDERS, c.call))
    throw new HpoError(`unknown optimizer \`${c.call}\``, {
      hint: `optimizers: ${Object.keys(BUILDERS).join(", ")}`,
    });
  const { opt, slots, lr } = build(c.call as OptimizerName, c);
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
