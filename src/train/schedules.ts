/**
 * Learning-rate schedules, literally the formulas of language.md ("train"): `lr` is the optimizer's
 * initial rate, epochs count from 0 and the rate for epoch e is set before epoch e trains. Recursive
 * definitions (time and exponential decay) are unrolled from epoch 0. `cyclic` changes per step.
 */
import type { ScheduleName } from "../plan/catalog.js";
import type { CallValue } from "../plan/types.js";
import { HpoError } from "../util/errors.js";
import { type ArgsFor, readCall } from "../plan/options.js";

export interface Schedule {
  /** True when the rate changes every step (cyclic), not only at epoch starts. */
  perStep: boolean;
  /** The rate for epoch `epoch` (0-based) and global step `step` (0-based). */
  rate(epoch: number, step: number): number;
}

/** A schedule from its arguments, the initial rate and the number of epochs. */
type Build<N extends ScheduleName> = (a: ArgsFor<"schedule", N>, lr: number, epochs: number) => Schedule;

/** The schedules by the catalogue's names: TypeScript checks each has a builder, and no other. */
const BUILDERS: { [N in ScheduleName]: Build<N> } = {
  constant: (_c, lr) => ({ perStep: false, rate: () => lr }),
  time_decay: ({ decay }, lr) => {
    // lr_e = lr_(e-1) / (1 + e * decay)
    return {
      perStep: false,
      rate: (e) => {
        let r = lr;
        for (let k = 1; k <= e; k++) r /= 1 + k * decay;
        return r;
      },
    };
  },
  step_decay: ({ rate, every, start = 0 }, lr) => {
    // lr_e = lr * rate ^ floor((e + 1 - start) / every)
    return { perStep: false, rate: (e) => lr * rate ** Math.floor((e + 1 - start) / every) };
  },
  exponential_decay: ({ decay }, lr) => {
    // lr_e = lr_(e-1) * exp(-e * decay)
    return {
      perStep: false,
      rate: (e) => {
        let r = lr;
        for (let k = 1; k <= e; k++) r *= Math.exp(-k * decay);
        return r;
      },
    };
  },
  cyclic: ({ min_lr: min, max_lr: max, period, mode = "triangular" }) => {
    // Smith's triangular policy: one full triangle (up then down) every `period` steps.
    const half = period / 2;
    return {
      perStep: true,
      rate: (_e, step) => {
        const cycle = Math.floor(1 + step / period);
        const x = Math.abs(step / half - 2 * cycle + 1);
        const scale = mode === "triangular2" ? 1 / 2 ** (cycle - 1) : 1;
        return min + (max - min) * Math.max(0, 1 - x) * scale;
      },
    };
  },
  cosine: ({ min_lr: min = 0, warmup = 0 }, lr, epochs) => {
    // Linear warm-up to lr over `warmup` epochs, then half a cosine down to min_lr at the last epoch.
    return {
      perStep: false,
      rate: (e) => {
        if (e < warmup) return (lr * (e + 1)) / warmup;
        const span = Math.max(1, epochs - 1 - warmup);
        return min + ((lr - min) * (1 + Math.cos((Math.PI * Math.min(e - warmup, span)) / span))) / 2;
      },
    };
  },
};

/** Builds the schedule `spec` for initial rate `lr` over `epochs` epochs (undefined = constant). */
export function createSchedule(spec: CallValue | undefined, lr: number, epochs: number): Schedule {
  const c = spec ?? { call: "constant", args: [], kwargs: {} };
  if (!Object.hasOwn(BUILDERS, c.call))
    throw new HpoError(`unknown schedule \`${c.call}\``, {
      hint: `schedules: ${Object.keys(BUILDERS).join(", ")}`,
    });
  return build(c.call as ScheduleName, c, lr, epochs);
}

function build<N extends ScheduleName>(name: N, c: CallValue, lr: number, epochs: number): Schedule {
  return (BUILDERS[name] as Build<N>)(readCall("schedule", name, c), lr, epochs);
}
