import type { Params, ParamSpec } from "../../plan/types.js";
import { decode, encode } from "../../space/index.js";

/**
 * The GP's input features for a search space. Numeric parameters (float, int, normal) and ordered
 * categoricals take one dimension: their unit-cube coordinate from src/space (log scale, half-step
 * padding for grids). Unordered categoricals take one dimension per choice (one-hot), so the kernel
 * sees every pair of distinct choices as equally far apart. Fixed parameters take none. An inactive
 * conditional parameter encodes as 0.5 (numeric) or all zeros (one-hot): a value no active trial has
 * for categoricals, and the centre for numbers.
 */
export interface FeatureMap {
  /** Number of GP input dimensions. */
  readonly dim: number;
  /** Features of a configuration (length `dim`, each in [0, 1]). */
  fromParams(params: Params): Float64Array;
  /** Features of a space coordinate vector u (one entry per parameter, as src/space encodes). */
  fromUnit(u: ArrayLike<number>): Float64Array;
  /** The valid configuration a feature vector stands for (one-hot blocks by their largest entry). */
  toParams(x: ArrayLike<number>): Params;
}

interface Slot {
  /** First feature index; -1 for a parameter without features. */
  offset: number;
  /** One-hot width (0 for a single numeric dimension). */
  choices: number;
}

export function featureMap(space: ParamSpec[]): FeatureMap {
  const slots: Slot[] = [];
  let dim = 0;
  for (const p of space) {
    if (p.kind === "fixed") slots.push({ offset: -1, choices: 0 });
    else if (p.kind === "categorical" && !p.ordered) {
      slots.push({ offset: dim, choices: p.choices.length });
      dim += p.choices.length;
    } else {
      slots.push({ offset: dim, choices: 0 });
      dim += 1;
    }
  }

  const fromUnit = (u: ArrayLike<number>): Float64Array => {
    const x = new Float64Array(dim);
    slots.forEach((slot, i) => {
      if (slot.offset < 0) return;
      const ui = u[i] as number;
      if (slot.choices === 0) x[slot.offset] = Number.isNaN(ui) ? 0.5 : ui;
      else if (!Number.isNaN(ui))
        x[slot.offset + Math.min(slot.choices - 1, Math.floor(ui * slot.choices))] = 1;
    });
    return x;
  };

  const toUnit = (x: ArrayLike<number>): Float64Array => {
    const u = new Float64Array(space.length);
    slots.forEach((slot, i) => {
      if (slot.offset < 0) u[i] = 0.5;
      else if (slot.choices === 0) u[i] = Math.min(1, Math.max(0, x[slot.offset] as number));
      else {
        let best = 0;
        for (let c = 1; c < slot.choices; c++)
          if ((x[slot.offset + c] as number) > (x[slot.offset + best] as number)) best = c;
        u[i] = (best + 0.5) / slot.choices;
      }
    });
    return u;
  };

  return {
    dim,
    fromParams: (params) => fromUnit(encode(space, params)),
    fromUnit,
    toParams: (x) => decode(space, toUnit(x)),
  };
}
