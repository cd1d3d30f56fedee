import type { Params, ParamSpec, Scalar } from "../plan/types.js";
import { HpoError } from "../util/errors.js";
import { isActive } from "./conditions.js";
import { normalCdf, normalQuantile } from "./normal.js";

/**
 * The unit-cube encoding shared by the model-based strategies (one dimension per parameter):
 * - float: linear, or in log space when `log`;
 * - int and stepped float: the same map over [low - step/2, high + step/2] (Optuna's padding), so
 *   every grid value owns an equal share of [0, 1]; log ints use [low - 1/2, high + 1/2] in log space;
 * - categorical / ordinal: choice i ↦ (i + 1/2) / C, decoded by flooring;
 * - normal: the normal CDF (and its inverse on decode);
 * - fixed: 1/2.
 * Inactive conditional parameters encode as NaN.
 */
export function encode(space: ParamSpec[], params: Params): Float64Array {
  const x = new Float64Array(space.length);
  space.forEach((p, i) => {
    const v = Object.hasOwn(params, p.name) ? params[p.name] : undefined;
    x[i] = v === undefined ? Number.NaN : encodeValue(p, v);
  });
  return x;
}

/**
 * The configuration a unit-cube point stands for: values rounded to their grids and clamped to
 * their bounds, conditions applied in declaration order (parameters whose condition is false are
 * absent whatever their coordinate). A NaN or out-of-range coordinate of an active parameter is
 * clamped into [0, 1], NaN meaning the middle.
 */
export function decode(space: ParamSpec[], x: ArrayLike<number>): Params {
  if (x.length !== space.length)
    throw new HpoError(`decode needs ${space.length} coordinates, got ${x.length}`);
  const params: Params = {};
  space.forEach((p, i) => {
    if (!isActive(p, params)) return;
    const u = x[i] as number;
    params[p.name] = decodeValue(p, Number.isNaN(u) ? 0.5 : Math.min(1, Math.max(0, u)));
  });
  return params;
}

/** One parameter's value as a unit-interval coordinate. */
export function encodeValue(p: ParamSpec, v: Scalar): number {
  switch (p.kind) {
    case "float":
    case "int": {
      const [a, b] = interval(p);
      const t = p.log ? Math.log(num(p, v)) : num(p, v);
      return clamp01((t - a) / (b - a));
    }
    case "categorical": {
      const i = p.choices.indexOf(v);
      if (i < 0) throw new HpoError(`\`${JSON.stringify(v)}\` is not a choice of \`${p.name}\``);
      return (i + 0.5) / p.choices.length;
    }
    case "normal":
      return normalCdf((num(p, v) - p.mean) / p.sd);
    case "fixed":
      return 0.5;
  }
}

/** The value a unit-interval coordinate u ∈ [0, 1] stands for. */
export function decodeValue(p: ParamSpec, u: number): Scalar {
  switch (p.kind) {
    case "float":
    case "int": {
      const [a, b] = interval(p);
      const t = a + u * (b - a);
      return snap(p, p.log ? Math.exp(t) : t);
    }
    case "categorical":
      return p.choices[Math.min(p.choices.length - 1, Math.floor(u * p.choices.length))] as Scalar;
    case "normal":
      return p.mean + p.sd * normalQuantile(Math.min(1 - 1e-15, Math.max(1e-15, u)));
    case "fixed":
      return p.value;
  }
}

type Numeric = Extract<ParamSpec, { kind: "float" | "int" }>;

/** The step of a discrete numeric parameter, or undefined for a continuous one. */
export function stepOf(p: Numeric): number | undefined {
  return p.kind === "int" ? p.step : p.step;
}

/** The interval (in log space when `log`) that maps onto [0, 1]. */
export function interval(p: Numeric): [number, number] {
  checkNumeric(p);
  const step = stepOf(p);
  if (p.log) {
    const pad = step === undefined ? 0 : p.kind === "int" ? 0.5 : 0;
    return [Math.log(p.low - pad), Math.log(p.high + pad)];
  }
  const pad = step === undefined ? 0 : step / 2;
  return [p.low - pad, p.high + pad];
}

/** Rounds a numeric value to its parameter's grid and bounds. */
export function snap(p: Numeric, v: number): number {
  const step = stepOf(p);
  if (step === undefined || (p.log && p.kind === "float")) return Math.min(p.high, Math.max(p.low, v));
  const k = Math.round((v - p.low) / step);
  return gridValue(p, Math.min(gridSize(p) - 1, Math.max(0, k)));
}

/** How many values a discrete numeric parameter takes. */
export function gridSize(p: Numeric): number {
  const step = stepOf(p) as number;
  return Math.floor((p.high - p.low) / step + 1e-9) + 1;
}

/** The k-th value (0-based) of a discrete numeric parameter, free of accumulated rounding noise. */
export function gridValue(p: Numeric, k: number): number {
  const v = p.low + k * (stepOf(p) as number);
  return p.kind === "int" ? Math.round(v) : Number(v.toPrecision(12));
}

function checkNumeric(p: Numeric): void {
  if (!(p.low <= p.high)) throw new HpoError(`\`${p.name}\` has low ${p.low} above high ${p.high}`);
  if (p.log && p.low <= 0)
    throw new HpoError(`\`${p.name}\` is on a log scale but its low ${p.low} is not > 0`);
  const step = stepOf(p);
  if (step !== undefined && !(step > 0))
    throw new HpoError(`\`${p.name}\` has a step ${step} that is not > 0`);
}

function num(p: ParamSpec, v: Scalar): number {
  if (typeof v !== "number") throw new HpoError(`\`${p.name}\` needs a number, got ${JSON.stringify(v)}`);
  return v;
}

function clamp01(u: number): number {
  return Number.isFinite(u) ? Math.min(1, Math.max(0, u)) : 0.5;
}
