/**
 * Pure readings of declarations that the checks and the compiler share: a call's arguments lowered,
 * option values with their defaults, the known settings of a block, a budget setting's value. They
 * report nothing; the checks in src/lang/checks/ say what is wrong with the same inputs.
 */
import type { Expr, Value } from "../plan/types.js";
import { bindArguments } from "./args.js";
import type { AstCall, AstExpr, Setting, Span } from "./ast.js";
import type { ArgSpec, FunctionSpec, TestFunction } from "../plan/catalog.js";
import { describeWant } from "./exprcheck.js";
import { lower, names, show } from "./lower.js";
import { evaluate, ExprError } from "../plan/expr.js";
import { constant, hasError } from "./space.js";

/** A call's bound arguments lowered to Plan expressions; those with a syntax error are left out. */
export function lowerCallArgs(call: AstCall, spec: FunctionSpec): Record<string, Expr> {
  const out: Record<string, Expr> = {};
  for (const [name, { value }] of bindArguments(call, spec).args)
    if (!hasError(value)) out[name] = lower(value);
  return out;
}

/**
 * The constant options of a strategy, pruner or validation call, defaults filled from the catalogue;
 * undefined when the function is not in the table. Leading unnamed arguments bind to the first
 * `spec.positional` options, in order.
 */
export function optionValues(
  call: AstCall,
  table: Record<string, FunctionSpec>,
): Record<string, Value> | undefined {
  const spec = table[call.callee];
  if (!spec) return undefined;
  const out: Record<string, Value> = {};
  const unnamed = call.args.filter((x) => x.name === undefined);
  for (const [i, a] of spec.args.entries()) {
    const given =
      call.args.find((x) => x.name === a.name) ?? (i < (spec.positional ?? 0) ? unnamed[i] : undefined);
    if (given) {
      const v = constant(given.value, a.name);
      if (v !== undefined) out[a.name] = v as Value;
    } else if (a.default !== undefined) out[a.name] = a.default;
  }
  return out;
}

/** A function's default options. */
export function defaultOptions(spec: FunctionSpec): Record<string, Value> {
  const out: Record<string, Value> = {};
  for (const a of spec.args) if (a.default !== undefined) out[a.name] = a.default;
  return out;
}

/** The settings of a block whose names the table knows, the first of each (repeats are E012). */
export function knownSettings(settings: Setting[], table: Record<string, ArgSpec>): Map<string, Setting> {
  const seen = new Map<string, Setting>();
  for (const s of settings) if (s.name in table && !seen.has(s.name)) seen.set(s.name, s);
  return seen;
}

/** A budget setting's problem: the diagnostic the budget check reports. */
export interface SettingProblem {
  code: "E030" | "E034" | "E035" | "E046" | "E094";
  span: Span;
  args: Record<string, string | number>;
}

/**
 * A budget setting's value (seconds for durations), or the problem that leaves it without one;
 * undefined when the expression has a syntax error (already reported).
 */
export function budgetValue(
  name: string,
  spec: ArgSpec,
  value: AstExpr,
): { value: number } | { problem: SettingProblem } | undefined {
  const read = names(value);
  if (read.length > 0) return { problem: { code: "E034", span: read[0]!.span, args: { n: name } } };
  if (hasError(value)) return undefined;
  const isDuration = value.kind === "dur" || containsDuration(value);
  const problem = (code: SettingProblem["code"], args: SettingProblem["args"]) => ({
    problem: { code, span: value.span, args },
  });
  // A value that cannot be computed (`60 / 0`) or is not finite would leave the Plan without this
  // limit, so a study with `trials = 60 / 0` would run unbounded: it is an error, not a silent drop.
  let v: unknown;
  try {
    v = evaluate(lower(value), {});
  } catch (err) {
    if (!(err instanceof ExprError)) throw err;
    return problem("E094", { a: name, expr: show(value), why: err.message });
  }
  if (typeof v === "number" && !Number.isFinite(v))
    return problem("E094", { a: name, expr: show(value), why: `it is ${v}` });
  if (spec.type === "duration" && !isDuration)
    return problem("E035", { what: `\`${name}\` expects a duration such as \`2h\`` });
  if (spec.type !== "duration" && isDuration)
    return problem("E035", { what: `a duration cannot be used here: \`${name}\` is a count` });
  if (typeof v !== "number")
    return problem("E030", { f: "budget", a: name, want: describeWant(spec.type), got: JSON.stringify(v) });
  if (spec.type === "int" && !Number.isInteger(v))
    return problem("E030", { f: "budget", a: name, want: "an integer", got: show(value) });
  const min = spec.min ?? 0;
  if (v < min || (spec.type === "duration" && v <= 0))
    return problem("E046", {
      f: "budget",
      a: name,
      range: spec.type === "duration" ? "positive" : `at least ${min}`,
      got: `got ${show(value)}`,
    });
  return { value: v };
}

function containsDuration(e: AstExpr): boolean {
  if (e.kind === "dur") return true;
  if (e.kind === "binary") return containsDuration(e.left) || containsDuration(e.right);
  if (e.kind === "paren") return containsDuration(e.inner);
  if (e.kind === "unary") return containsDuration(e.operand);
  return false;
}

/** A test function's arguments: none when its dimension is fixed, else `dim` (two or more for several goals). */
export function testFunctionSpec(fn: TestFunction): FunctionSpec {
  return fn.dims
    ? { args: [] }
    : {
        args: [{ name: "dim", type: "int", required: true, min: fn.minDim ?? 1 }],
        positional: 1,
      };
}

/** A test function call's arguments, lowered. */
export function testFunctionArgs(call: AstCall, fn: TestFunction): Record<string, Expr> {
  return lowerCallArgs(call, testFunctionSpec(fn));
}

/** A test function's dimension: fixed, or its `dim` when that is a literal number. */
export function testFunctionDims(call: AstCall, fn: TestFunction): number | undefined {
  if (fn.dims !== undefined) return fn.dims;
  const dim = testFunctionArgs(call, fn).dim;
  return dim?.op === "lit" && typeof dim.value === "number" ? dim.value : undefined;
}
