import type { Expr, ParamSpec, Scalar } from "../../src/plan/types.js";

/** Small builders for hand-written search spaces in tests. */
export const lit = (value: number | string | boolean): Expr => ({ op: "lit", value });
export const ref = (name: string): Expr => ({ op: "param", name });
export const bin = (op: Expr["op"], a: Expr, b: Expr): Expr => ({ op, args: [a, b] });

export const uniform = (
  name: string,
  low: number,
  high: number,
  extra: { step?: number; log?: boolean } = {},
): ParamSpec => ({
  name,
  kind: "float",
  low,
  high,
  log: extra.log ?? false,
  ...(extra.step === undefined ? {} : { step: extra.step }),
});
export const int = (
  name: string,
  low: number,
  high: number,
  extra: { step?: number; log?: boolean } = {},
): ParamSpec => ({
  name,
  kind: "int",
  low,
  high,
  log: extra.log ?? false,
  step: extra.step ?? 1,
});
export const choice = (name: string, choices: Scalar[], ordered = false): ParamSpec => ({
  name,
  kind: "categorical",
  choices,
  ordered,
});
export const normal = (name: string, mean: number, sd: number): ParamSpec => ({
  name,
  kind: "normal",
  mean,
  sd,
});
export const fixed = (name: string, value: Scalar): ParamSpec => ({ name, kind: "fixed", value });
export const when = (p: ParamSpec, condition: Expr): ParamSpec => ({ ...p, condition });
