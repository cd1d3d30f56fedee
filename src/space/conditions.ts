import { evaluate, ExprError, freeNames } from "../plan/expr.js";
import type { Expr, Params, ParamSpec } from "../plan/types.js";
import { HpoError } from "../util/errors.js";

/**
 * Whether a parameter exists in a configuration whose earlier parameters are `params`. A condition
 * that reads a parameter which is itself absent is false: nested conditions switch off together.
 */
export function isActive(p: ParamSpec, params: Params): boolean {
  if (!p.condition) return true;
  return truth(p.condition, params, `the condition of \`${p.name}\``) ?? false;
}

/**
 * Whether a configuration satisfies every constraint. A constraint reading a parameter that is
 * absent from this configuration does not apply to it (the checker rejects such constraints anyway).
 */
export function satisfiesConstraints(constraints: Expr[], params: Params): boolean {
  for (const c of constraints) if (truth(c, params, "a constraint") === false) return false;
  return true;
}

/** The boolean value of `expr`, or undefined when it reads an absent parameter. */
function truth(expr: Expr, params: Params, what: string): boolean | undefined {
  for (const name of freeNames(expr)) if (!Object.hasOwn(params, name)) return undefined;
  let value: unknown;
  try {
    value = evaluate(expr, params);
  } catch (e) {
    if (e instanceof ExprError) throw new HpoError(`${what} cannot be evaluated: ${e.message}`, { cause: e });
    throw e;
  }
  if (typeof value !== "boolean")
    throw new HpoError(`${what} must be true or false, got ${JSON.stringify(value)}`);
  return value;
}
