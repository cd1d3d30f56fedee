import type { ParamSpec, Scalar } from "../../plan/types.js";
import { encodeValue, gridSize, normalQuantile, snap, stepOf } from "../../space/index.js";

/**
 * How TPE models one parameter. Numeric dimensions hold values in the parameter's own units
 * (`log` says the kernels live in log space); categorical ones hold the choice index.
 * - float / int / stepped float: numeric, with `step` for the discrete ones;
 * - ordinal (ordered choice): numeric over the indices 0…C−1 with step 1, so neighbours share mass;
 * - normal: numeric over its CDF value u = Φ((v − mean)/sd) ∈ [0, 1], so the prior kernel is its prior;
 * - unordered choice: categorical.
 */
export type TpeDim =
  | { kind: "numeric"; low: number; high: number; step?: number; log: boolean }
  | { kind: "categorical"; size: number };

/** The TPE dimension of a parameter, or undefined when it has a single possible value. */
export function tpeDim(p: ParamSpec): TpeDim | undefined {
  switch (p.kind) {
    case "fixed":
      return undefined;
    case "categorical":
      if (p.choices.length < 2) return undefined;
      return p.ordered
        ? { kind: "numeric", low: 0, high: p.choices.length - 1, step: 1, log: false }
        : { kind: "categorical", size: p.choices.length };
    case "normal":
      return { kind: "numeric", low: 0, high: 1, log: false };
    case "float":
    case "int": {
      const step = p.kind === "float" && p.log ? undefined : stepOf(p);
      if (p.low === p.high || (step !== undefined && gridSize(p) < 2)) return undefined;
      if (step === undefined) return { kind: "numeric", low: p.low, high: p.high, log: p.log };
      // the kernels pad a stepped range by step/2 before taking logs: a log scale needs that to stay > 0
      return { kind: "numeric", low: p.low, high: p.high, step, log: p.log && p.low - step / 2 > 0 };
    }
  }
}

/** A parameter's value in its TPE dimension, or undefined when it does not fit (outside the range, unknown choice). */
export function toInternal(p: ParamSpec, v: Scalar): number | undefined {
  switch (p.kind) {
    case "categorical": {
      const i = p.choices.indexOf(v);
      return i < 0 ? undefined : i;
    }
    case "normal":
      return typeof v === "number" && Number.isFinite(v) ? encodeValue(p, v) : undefined;
    case "float":
    case "int":
      return typeof v === "number" && v >= p.low && v <= p.high ? v : undefined;
    case "fixed":
      return undefined;
  }
}

/** The parameter value a TPE dimension's value stands for (rounded to its grid, within its bounds). */
export function toExternal(p: ParamSpec, x: number): Scalar {
  switch (p.kind) {
    case "categorical": {
      const i = Math.min(p.choices.length - 1, Math.max(0, Math.round(x)));
      return p.choices[i] as Scalar;
    }
    case "normal":
      return p.mean + p.sd * normalQuantile(Math.min(1 - 1e-15, Math.max(1e-15, x)));
    case "float":
    case "int":
      return snap(p, x);
    case "fixed":
      return p.value;
  }
}
