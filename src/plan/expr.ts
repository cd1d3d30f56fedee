import { familyMember } from "./family.js";
import type { CallValue, Expr, Value } from "./types.js";

/** Raised when an expression cannot be evaluated for a trial (absent parameter, bad operand, …). */
export class ExprError extends Error {
  constructor(
    message: string,
    readonly expr: Expr,
  ) {
    super(message);
    this.name = "ExprError";
  }
}

/** Names visible to an expression: a trial's parameters, plus `repeat` loop variables. */
export type Env = Readonly<Record<string, Value>>;

/** A function computed during evaluation: how many arguments it takes, and what it does with them. */
export interface BuiltinFunction {
  /** Fewest and most positional arguments (the checker's E030 reads these). */
  arity: readonly [number, number];
  apply: (args: Value[], expr: Expr) => Value;
}

const unary = (f: (x: number) => number): BuiltinFunction => ({
  arity: [1, 1],
  apply: (a, e) => f(num(a[0], e)),
});

/** The built-in functions computed during evaluation; every other call stays a symbolic CallValue. */
export const BUILTIN_FUNCTIONS: Readonly<Record<string, BuiltinFunction>> = {
  min: { arity: [1, Number.POSITIVE_INFINITY], apply: (a, e) => Math.min(...numbers(flat(a), e)) },
  max: { arity: [1, Number.POSITIVE_INFINITY], apply: (a, e) => Math.max(...numbers(flat(a), e)) },
  abs: unary(Math.abs),
  round: unary(Math.round),
  floor: unary(Math.floor),
  ceil: unary(Math.ceil),
  log: unary(Math.log),
  log10: unary(Math.log10),
  log2: unary(Math.log2),
  exp: unary(Math.exp),
  sqrt: unary(Math.sqrt),
  pow: { arity: [2, 2], apply: (a, e) => num(a[0], e) ** num(a[1], e) },
  len: {
    arity: [1, 1],
    apply: (a, e) => {
      const v = a[0];
      if (Array.isArray(v) || typeof v === "string") return v.length;
      throw new ExprError("len() needs a list or a string", e);
    },
  },
};

/** Evaluates `expr` with the given parameters; throws ExprError if it cannot. */
export function evaluate(expr: Expr, env: Env): Value {
  switch (expr.op) {
    case "lit":
      return expr.value as Value;
    case "param": {
      const name = expr.name as string;
      if (!Object.hasOwn(env, name)) throw new ExprError(`\`${name}\` is absent in this trial`, expr);
      return env[name] as Value;
    }
    case "list":
      return (expr.args ?? []).map((a) => evaluate(a, env));
    case "index": {
      const name = familyMember(expr.name as string, indexOf(evaluate(arg(expr, 0), env), expr));
      if (!Object.hasOwn(env, name)) throw new ExprError(`\`${name}\` is absent in this trial`, expr);
      return env[name] as Value;
    }
    case "call":
      return evaluateCall(expr, env);
    case "neg":
      return -num(evaluate(arg(expr, 0), env), expr);
    case "not":
      return !bool(evaluate(arg(expr, 0), env), expr);
    case "and":
      return bool(evaluate(arg(expr, 0), env), expr) && bool(evaluate(arg(expr, 1), env), expr);
    case "or":
      return bool(evaluate(arg(expr, 0), env), expr) || bool(evaluate(arg(expr, 1), env), expr);
    case "if":
      return bool(evaluate(arg(expr, 0), env), expr)
        ? evaluate(arg(expr, 1), env)
        : evaluate(arg(expr, 2), env);
    case "in": {
      const needle = evaluate(arg(expr, 0), env);
      const hay = evaluate(arg(expr, 1), env);
      if (!Array.isArray(hay)) throw new ExprError("`in` needs a list on its right", expr);
      return hay.some((v) => valuesEqual(v, needle));
    }
    case "==":
      return valuesEqual(evaluate(arg(expr, 0), env), evaluate(arg(expr, 1), env));
    case "!=":
      return !valuesEqual(evaluate(arg(expr, 0), env), evaluate(arg(expr, 1), env));
    default:
      return evaluateBinary(expr, env);
  }
}

function evaluateBinary(expr: Expr, env: Env): Value {
  const left = evaluate(arg(expr, 0), env);
  const right = evaluate(arg(expr, 1), env);
  if (expr.op === "+" && typeof left === "string" && typeof right === "string") return left + right;
  if (["<", "<=", ">", ">="].includes(expr.op) && typeof left === "string" && typeof right === "string") {
    return compare(expr.op, left < right ? -1 : left > right ? 1 : 0);
  }
  const a = num(left, expr);
  const b = num(right, expr);
  switch (expr.op) {
    case "+":
      return a + b;
    case "-":
      return a - b;
    case "*":
      return a * b;
    case "/":
      if (b === 0) throw new ExprError("division by zero", expr);
      return a / b;
    case "%":
      if (b === 0) throw new ExprError("modulo by zero", expr);
      return ((a % b) + b) % b;
    case "**":
      return a ** b;
    case "<":
    case "<=":
    case ">":
    case ">=":
      return compare(expr.op, a - b);
    default:
      throw new ExprError(`unknown operator \`${expr.op}\``, expr);
  }
}

function compare(op: string, sign: number): boolean {
  if (op === "<") return sign < 0;
  if (op === "<=") return sign <= 0;
  if (op === ">") return sign > 0;
  return sign >= 0;
}

function evaluateCall(expr: Expr, env: Env): Value {
  const name = expr.name as string;
  const args = (expr.args ?? []).map((a) => evaluate(a, env));
  const builtin = Object.hasOwn(BUILTIN_FUNCTIONS, name) ? BUILTIN_FUNCTIONS[name] : undefined;
  if (builtin && !expr.kwargs) return builtin.apply(args, expr);
  const kwargs: Record<string, Value> = {};
  for (const [k, v] of Object.entries(expr.kwargs ?? {})) kwargs[k] = evaluate(v, env);
  const call: CallValue = { call: name, args, kwargs };
  return call;
}

/** Structural equality of evaluated values (numbers, strings, booleans, lists). */
export function valuesEqual(a: Value, b: Value): boolean {
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((x, i) => valuesEqual(x, b[i] as Value));
  return a === b;
}

function indexOf(v: Value, expr: Expr): number {
  if (typeof v === "number" && Number.isInteger(v) && v >= 0) return v;
  throw new ExprError(`an index must be a non-negative integer, got ${describe(v)}`, expr);
}

/**
 * The names of hyperparameters (and loop variables) an expression reads. A family read with a
 * constant index names its member (`units[2]`); with a computed one, the family itself (`units`).
 */
export function freeNames(expr: Expr, out: Set<string> = new Set()): Set<string> {
  if (expr.op === "param" && expr.name) out.add(expr.name);
  if (expr.op === "index" && expr.name) {
    const i = expr.args?.[0];
    out.add(i?.op === "lit" && typeof i.value === "number" ? familyMember(expr.name, i.value) : expr.name);
  }
  for (const a of expr.args ?? []) freeNames(a, out);
  for (const a of Object.values(expr.kwargs ?? {})) freeNames(a, out);
  return out;
}

function arg(expr: Expr, i: number): Expr {
  const a = expr.args?.[i];
  if (!a) throw new ExprError(`operator \`${expr.op}\` is missing operand ${i + 1}`, expr);
  return a;
}

function num(v: Value | undefined, expr: Expr): number {
  if (typeof v === "number") return v;
  throw new ExprError(`expected a number, got ${describe(v)}`, expr);
}

function numbers(vs: Value[], expr: Expr): number[] {
  return vs.map((v) => num(v, expr));
}

function flat(vs: Value[]): Value[] {
  return vs.length === 1 && Array.isArray(vs[0]) ? (vs[0] as Value[]) : vs;
}

function bool(v: Value, expr: Expr): boolean {
  if (typeof v === "boolean") return v;
  throw new ExprError(`expected true or false, got ${describe(v)}`, expr);
}

function describe(v: Value | undefined): string {
  if (v === undefined) return "nothing";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return `a call of \`${v.call}\``;
  return typeof v === "string" ? `the string "${v}"` : `\`${String(v)}\``;
}
