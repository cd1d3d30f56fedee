/**
 * Learning-rate schedules, literally the formulas of language.md ("train"): `lr` is the optimizer's
 * initial rate, epochs count from 0 and the rate for epoch e is set before epoch e trains. Recursive
 * definitions (time and exponential decay) are unrolled from epoch 0. `cyclic` changes per step.
 */
import type { ScheduleName } from "../plan/catalog.js";
import type { CallValue } from "../plan/types.js";
import { HpoError } from "../util/errors.js";
import { numArg, strArg } from "./callvalue.js";

export interface Schedule {
  /** True when the rate changes every step (cyclic), not only at epoch starts. */
  perStep: boolean;
  /** The rate for epoch `epoch` (0-based) and global step `step` (0-based). */
  rate(epoch: number, step: number): number;
}

/** A schedule from its call, the initial rate and the number of epochs. */
type Build = (c: CallValue, lr: number, epochs: number) => Schedule;

/** The schedules by the catalogue's names: TypeScript checks each has a builder, and no other. */
const BUILDERS: Record<ScheduleName, Build> = {
  constant: (_c, lr) => ({ perStep: false, rate: () => lr }),
  time_decay: (c, lr) => {
    // lr_e = lr_(e-1) / (1 + e * decay)
    const decay = numArg(c, "decay", 0);
    return {
      perStep: false,
      rate: (e) => {
        let r = lr;
        for (let k = 1; k <= e; k++) r /= 1 + k * decay;
        return r;
      },
    };
  },
  step_decay: (c, lr) => {
    // lr_e = lr * rate ^ floor((e + 1 - start) / every)
    const rate = numArg(c, "rate", 0);
    const every = numArg(c, "every", 1);
    const start = numArg(c, "start", 2, 0);
    if (every <= 0) throw new HpoError(`step_decay(every) must be positive, got ${every}`);
    return { perStep: false, rate: (e) => lr * rate ** Math.floor((e + 1 - start) / every) };
  },
  exponential_decay: (c, lr) => {
    // lr_e = lr_(e-1) * exp(-e * decay)
    const decay = numArg(c, "decay", 0);
    return {
      perStep: false,
      rate: (e) => {
        let r = lr;
        for (let k = 1; k <= e; k++) r *= Math.exp(-k * decay);
        return r;
      },
    };
  },
  cyclic: (c) => {
    // Smith's triangular policy: one full triangle (up then down) every `period` steps.
    const min = numArg(c, "min_lr", 0);
    const max = numArg(c, "max_lr", 1);
    const period = numArg(c, "period", 2);
    const mode = strArg(c, "mode", 3, "triangular");
    if (period < 2) throw new HpoError(`cyclic(period) must be at least 2 steps, got ${period}`);
    if (mode !== "triangular" && mode !== "triangular2")
      throw new HpoError(`cyclic(mode) must be "triangular" or "triangular2", got ${JSON.stringify(mode)}`);
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
  cosine: (c, lr, epochs) => {
    // Linear warm-up to lr over `warmup` epochs, then half a cosine down to min_lr at the last epoch.
    const min = numArg(c, "min_lr", 0, 0);
    const warmup = numArg(c, "warmup", 1, 0);
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
  const build = Object.hasOwn(BUILDERS, c.call) ? BUILDERS[c.call as ScheduleName] : undefined;
  if (!build)
    throw new HpoError(`unknown schedule \`${c.call}\``, {
      hint: `schedules: ${Object.keys(BUILDERS).join(", ")}`,
    });
  return build(c, lr, epochs);
}
