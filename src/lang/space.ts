/**
 * The `space { … }` block: distributions → ParamSpec with their range checks (E03x, E04x), names
 * (E014, E021), conditions (E020, E022, W002) and constraints (E053).
 */
import { evaluate, ExprError } from "../plan/expr.js";
import { familyMember } from "../plan/family.js";
import type { Expr, ParamSpec, Scalar } from "../plan/types.js";
import { bindArguments } from "./args.js";
import type { AstCall, AstExpr, SpaceItem, Span } from "./ast.js";
import { DISTRIBUTIONS, EXPR_FUNCTIONS } from "../plan/catalog.js";
import { RESERVED } from "./keywords.js";
import { closest, didYouMean } from "./diagnostics.js";
import { lower, names, show } from "./lower.js";
import type { Reporter } from "./report.js";

export interface ParamInfo {
  spec: ParamSpec;
  span: Span;
  conditionAst?: AstExpr;
  index: number;
}

/** A parameter family `units[num_layers] = …`: its members are ordinary parameters `units[0]` … */
export interface FamilyInfo {
  name: string;
  /** The count: the parameter it follows, or a constant. */
  count: string | number;
  /** Members `name[0]` … `name[size-1]`: size is the largest count. */
  size: number;
  members: string[];
  span: Span;
}

export interface SpaceResult {
  params: Map<string, ParamInfo>;
  families: Map<string, FamilyInfo>;
  space: ParamSpec[];
  constraints: { expr: Expr; ast: AstExpr; span: Span }[];
  /** Every name declared in the space, including ones whose declaration had an error. */
  declared: Set<string>;
}

const describeType = (v: unknown) =>
  typeof v === "string" ? "a string" : typeof v === "boolean" ? "a bool" : "a number";

/** Evaluates an expression that must be constant; reports E034 (when given a reporter) if it reads a name. */
export function constant(e: AstExpr, what: string, report?: Reporter): unknown {
  const reads = names(e);
  if (reads.length > 0) {
    report?.add("E034", reads[0]!.span, { n: what });
    return undefined;
  }
  if (hasError(e)) return undefined;
  try {
    return evaluate(lower(e), {});
  } catch (err) {
    if (err instanceof ExprError) return undefined;
    throw err;
  }
}

export function hasError(e: AstExpr): boolean {
  switch (e.kind) {
    case "error":
      return true;
    case "list":
      return e.elements.some(hasError);
    case "call":
      return e.args.some((a) => hasError(a.value));
    case "unary":
      return hasError(e.operand);
    case "binary":
      return hasError(e.left) || hasError(e.right);
    case "if":
      return hasError(e.cond) || hasError(e.whenTrue) || hasError(e.whenFalse);
    case "paren":
      return hasError(e.inner);
    case "index":
      return hasError(e.index);
    default:
      return false;
  }
}

function containsDistribution(e: AstExpr): AstCall | undefined {
  if (e.kind === "call" && e.callee in DISTRIBUTIONS) return e;
  const kids: AstExpr[] =
    e.kind === "list"
      ? e.elements
      : e.kind === "call"
        ? e.args.map((a) => a.value)
        : e.kind === "unary"
          ? [e.operand]
          : e.kind === "binary"
            ? [e.left, e.right]
            : e.kind === "if"
              ? [e.cond, e.whenTrue, e.whenFalse]
              : e.kind === "paren"
                ? [e.inner]
                : e.kind === "index"
                  ? [e.index]
                  : [];
  for (const k of kids) {
    const d = containsDistribution(k);
    if (d) return d;
  }
  return undefined;
}

export function checkSpace(items: SpaceItem[], report: Reporter): SpaceResult {
  const params = new Map<string, ParamInfo>();
  const declared = new Map<string, Span>();
  for (const item of items)
    if (item.kind === "param" && !declared.has(item.name)) declared.set(item.name, item.nameSpan);
  const constraints: SpaceResult["constraints"] = [];
  const space: ParamSpec[] = [];
  const families = new Map<string, FamilyInfo>();
  for (const item of items) {
    if (item.kind === "constraint") {
      const ok = checkNames(item.expr, params, declared, report, false, undefined, families);
      if (!ok || hasError(item.expr)) continue;
      const expr = lower(item.expr);
      if (names(item.expr).length === 0) {
        let v: unknown;
        try {
          v = evaluate(expr, {});
        } catch {
          v = false;
        }
        report.add("E053", item.expr.span, { tf: v === true ? "true" : "false" });
        continue;
      }
      constraints.push({ expr, ast: item.expr, span: item.expr.span });
      continue;
    }
    if (RESERVED.has(item.name)) {
      report.add("E014", item.nameSpan, { w: item.name });
      continue;
    }
    const first = params.get(item.name);
    if (first || declared.get(item.name) !== item.nameSpan) {
      const at = first?.span ?? declared.get(item.name)!;
      report.add("E021", item.nameSpan, { n: item.name, l: at.line, c: at.col });
      continue;
    }
    const dist = distribution(item.name, item.value, report);
    let condition: Expr | undefined;
    if (item.condition) {
      if (
        !checkNames(item.condition, params, declared, report, true, item.name, families) ||
        hasError(item.condition)
      )
        continue;
      condition = lower(item.condition);
      for (const eq of equalityOnFloat(item.condition, params)) report.add("W002", eq.span, { n: eq.name });
    }
    if (item.count) {
      const family = familyCount(item.name, item.count, params, declared, report);
      if (!family || !dist) continue;
      families.set(item.name, { ...family, name: item.name, span: item.nameSpan });
      for (let j = 0; j < family.size; j++) {
        const member = familyMember(item.name, j);
        const present = memberCondition(family, j, item.count, params);
        const both =
          present && condition
            ? {
                expr: { op: "and", args: [condition, present.expr] } as Expr,
                ast: andAst(item.condition!, present.ast),
              }
            : (present ?? (condition ? { expr: condition, ast: item.condition! } : undefined));
        const spec = { name: member, ...dist, family: { name: item.name, index: j } } as ParamSpec;
        if (both) spec.condition = both.expr;
        params.set(member, { spec, span: item.nameSpan, conditionAst: both?.ast, index: space.length });
        space.push(spec);
      }
      continue;
    }
    if (!dist) continue;
    const spec = { name: item.name, ...dist } as ParamSpec;
    if (condition) spec.condition = condition;
    params.set(item.name, { spec, span: item.nameSpan, conditionAst: item.condition, index: space.length });
    space.push(spec);
  }
  const all = new Set(declared.keys());
  for (const f of families.values()) for (const m of f.members) all.add(m);
  return { params, families, space, constraints, declared: all };
}

/** The largest family the checker expands (members are ordinary parameters, each a strategy dimension). */
export const MAX_FAMILY = 64;

/**
 * A family's count (E055): an earlier parameter whose values are non-negative integers (int, a choice
 * of integers, fixed), or a constant; its largest value is the family's size.
 */
function familyCount(
  name: string,
  count: AstExpr,
  params: Map<string, ParamInfo>,
  declared: Map<string, Span>,
  report: Reporter,
): Omit<FamilyInfo, "name" | "span"> | undefined {
  let values: Scalar[] | undefined;
  let counter: string | number;
  if (count.kind === "name") {
    const p = params.get(count.name)?.spec;
    if (!p) {
      if (declared.has(count.name)) {
        const at = declared.get(count.name)!;
        if (at.offset > count.span.offset)
          report.add("E022", count.span, { n: count.name, l: at.line, c: at.col });
        return undefined;
      }
      report.add("E020", count.span, { n: count.name, best: didYouMean(count.name, declared.keys()) });
      return undefined;
    }
    values = countValues(p);
    counter = count.name;
  } else {
    const v = constant(count, name, report);
    if (v === undefined) return undefined;
    values = [v as Scalar];
    counter = v as number;
  }
  const ok =
    values !== undefined &&
    values.length > 0 &&
    values.every((v) => typeof v === "number" && Number.isInteger(v) && v >= 0);
  const size = ok ? Math.max(...(values as number[])) : 0;
  if (!ok || size < 1 || size > MAX_FAMILY) {
    report.add(
      "E055",
      count.span,
      { n: name, count: show(count) },
      {
        hint: `count it with an integer parameter, e.g. \`num_layers = int(1, 4)\` and \`${name}[num_layers] = …\``,
      },
    );
    return undefined;
  }
  return {
    count: counter,
    size,
    members: Array.from({ length: size }, (_, j) => familyMember(name, j)),
  };
}

/** The values a count parameter takes (its extremes when an int range is long), or undefined when it is no count. */
function countValues(p: ParamSpec): Scalar[] | undefined {
  switch (p.kind) {
    case "int": {
      const n = Math.floor((p.high - p.low) / p.step) + 1;
      return n > MAX_FAMILY + 1 ? [p.low, p.high] : Array.from({ length: n }, (_, i) => p.low + i * p.step);
    }
    case "categorical":
      return p.choices;
    case "fixed":
      return [p.value];
    default:
      return undefined;
  }
}

/**
 * When member `j` exists: `count > j`, left out when every value of an unconditional count exceeds
 * `j` (the member is then always present, which strategies model jointly).
 */
function memberCondition(
  family: Omit<FamilyInfo, "name" | "span">,
  j: number,
  count: AstExpr,
  params: Map<string, ParamInfo>,
): { expr: Expr; ast: AstExpr } | undefined {
  if (typeof family.count === "number") return undefined;
  const p = params.get(family.count)!;
  const low = Math.min(...((countValues(p.spec) ?? [0]) as number[]));
  if (!p.spec.condition && low > j) return undefined;
  const span = count.span;
  return {
    expr: {
      op: ">",
      args: [
        { op: "param", name: family.count },
        { op: "lit", value: j },
      ],
    },
    ast: {
      kind: "binary",
      op: ">",
      left: { kind: "name", name: family.count, span },
      right: { kind: "num", value: j, raw: String(j), span },
      opSpan: span,
      span,
    },
  };
}

function andAst(a: AstExpr, b: AstExpr): AstExpr {
  return { kind: "binary", op: "and", left: a, right: b, opSpan: b.span, span: a.span };
}

/** `x == 0.5` with x a continuous parameter: legal but almost never true (W002). */
function equalityOnFloat(e: AstExpr, params: Map<string, ParamInfo>): { name: string; span: Span }[] {
  const out: { name: string; span: Span }[] = [];
  const visit = (x: AstExpr): void => {
    if (x.kind === "binary") {
      if ((x.op === "==" || x.op === "!=") && (x.left.kind === "name" || x.right.kind === "name")) {
        const n = x.left.kind === "name" ? x.left : (x.right as { name: string; span: Span });
        const p = params.get(n.name)?.spec;
        if (p && (p.kind === "normal" || (p.kind === "float" && !p.step)))
          out.push({ name: n.name, span: x.span });
      }
      visit(x.left);
      visit(x.right);
    } else if (x.kind === "unary") visit(x.operand);
    else if (x.kind === "paren") visit(x.inner);
  };
  visit(e);
  return out;
}

/** Names in a space condition or constraint: known (E020), and for conditions declared earlier (E022). */
function checkNames(
  e: AstExpr,
  params: Map<string, ParamInfo>,
  declared: Map<string, Span>,
  report: Reporter,
  earlierOnly: boolean,
  self?: string,
  families: ReadonlyMap<string, FamilyInfo> = new Map(),
): boolean {
  let ok = true;
  for (const n of names(e)) {
    if ((params.has(n.name) || families.has(n.name)) && n.name !== self) continue;
    const decl = declared.get(n.name);
    if (decl) {
      if (!earlierOnly) continue;
      report.add("E022", n.span, { n: n.name, l: decl.line, c: decl.col });
    } else {
      const best = closest(n.name, declared.keys());
      report.add("E020", n.span, { n: n.name, best: best ? `; did you mean \`${best}\`?` : "" });
    }
    ok = false;
  }
  checkCalls(e, report);
  return ok;
}

function checkCalls(e: AstExpr, report: Reporter): void {
  if (e.kind === "call" && !EXPR_FUNCTIONS.includes(e.callee)) {
    const best = closest(e.callee, EXPR_FUNCTIONS);
    report.add("E023", e.calleeSpan, {
      kind: "function",
      f: e.callee,
      best: best ? `; did you mean \`${best}\`?` : "",
      list: EXPR_FUNCTIONS.join(", "),
    });
  }
  if (e.kind === "binary" && e.chained) report.add("E015", e.opSpan);
  for (const k of children(e)) checkCalls(k, report);
}

function children(e: AstExpr): AstExpr[] {
  switch (e.kind) {
    case "list":
      return e.elements;
    case "call":
      return e.args.map((a) => a.value);
    case "unary":
      return [e.operand];
    case "binary":
      return [e.left, e.right];
    case "if":
      return [e.cond, e.whenTrue, e.whenFalse];
    case "paren":
      return [e.inner];
    case "index":
      return [e.index];
    default:
      return [];
  }
}

type Dist =
  | { kind: "float"; low: number; high: number; log: boolean; step?: number }
  | { kind: "int"; low: number; high: number; log: boolean; step: number }
  | { kind: "categorical"; choices: Scalar[]; ordered: boolean }
  | { kind: "normal"; mean: number; sd: number }
  | { kind: "fixed"; value: Scalar };

/** A distribution call (or a constant, taken as `fixed`) → the ParamSpec fields, with range checks. */
function distribution(name: string, value: AstExpr, report: Reporter): Dist | undefined {
  if (value.kind !== "call" || !(value.callee in DISTRIBUTIONS)) {
    const inner = containsDistribution(value);
    if (inner) {
      report.add("E031", inner.span, { n: name });
      return undefined;
    }
    if (value.kind === "call" && !EXPR_FUNCTIONS.includes(value.callee)) {
      const best = closest(value.callee, Object.keys(DISTRIBUTIONS));
      report.add("E023", value.calleeSpan, {
        kind: "distribution",
        f: value.callee,
        best: best ? `; did you mean \`${best}\`?` : "",
        list: Object.keys(DISTRIBUTIONS).join(", "),
      });
      return undefined;
    }
    const v = constant(value, name, report);
    if (typeof v === "number" || typeof v === "string" || typeof v === "boolean")
      return { kind: "fixed", value: v };
    if (v !== undefined)
      report.add("E030", value.span, {
        f: name,
        a: "value",
        want: "a number, string or bool",
        got: "a list",
      });
    return undefined;
  }
  const call = value;
  const spec = DISTRIBUTIONS[call.callee]!;
  const before = report.errorCount;
  const { args, positional } = bindArguments(call, spec, report);
  if (report.errorCount > before) return undefined;
  const num = (a: string): number | undefined => {
    const x = args.get(a);
    if (!x) return undefined;
    const v = constant(x.value, name, report);
    if (v === undefined) return undefined;
    if (typeof v !== "number") {
      report.add("E030", x.value.span, { f: call.callee, a, want: "a number", got: describeType(v) });
      return undefined;
    }
    return v;
  };
  switch (call.callee) {
    case "uniform":
    case "loguniform": {
      const low = num("low");
      const high = num("high");
      const step = num("step");
      if (low === undefined || high === undefined) return undefined;
      const log = call.callee === "loguniform";
      if (!rangeOk(low, high, log, call.span, report)) return undefined;
      if (step !== undefined && !stepOk(low, high, step, false, args.get("step")!.value.span, report))
        return undefined;
      return step === undefined ? { kind: "float", low, high, log } : { kind: "float", low, high, log, step };
    }
    case "int": {
      const low = num("low");
      const high = num("high");
      const step = num("step") ?? 1;
      let log = false;
      const logArg = args.get("log");
      if (logArg) {
        const v = constant(logArg.value, name, report);
        if (typeof v !== "boolean") {
          if (v !== undefined)
            report.add("E030", logArg.value.span, {
              f: "int",
              a: "log",
              want: "a bool",
              got: describeType(v),
            });
          return undefined;
        }
        log = v;
      }
      if (low === undefined || high === undefined) return undefined;
      if (!Number.isInteger(low) || !Number.isInteger(high) || !Number.isInteger(step) || step <= 0) {
        report.add("E043", call.span);
        return undefined;
      }
      if (!rangeOk(low, high, log, call.span, report)) return undefined;
      if (!stepOk(low, high, step, true, args.get("step")?.value.span ?? call.span, report)) return undefined;
      return { kind: "int", low, high, log, step };
    }
    case "choice":
    case "ordinal": {
      if (positional.length === 0) {
        report.add("E042", call.span, { what: `\`${call.callee}\` needs at least one value` });
        return undefined;
      }
      const choices: Scalar[] = [];
      for (const p of positional) {
        const v = constant(p, name, report);
        if (v === undefined) return undefined;
        if (typeof v !== "number" && typeof v !== "string" && typeof v !== "boolean") {
          report.add("E030", p.span, {
            f: call.callee,
            a: "values",
            want: "numbers, strings or bools",
            got: "a list",
          });
          return undefined;
        }
        if (choices.includes(v)) {
          report.add("E042", p.span, { what: `value ${JSON.stringify(v)} is listed twice` });
          return undefined;
        }
        if (choices.length > 0 && typeof choices[0] !== typeof v) {
          report.add("E033", p.span, { n: name, t1: `${typeof choices[0]}s`, t2: `${typeof v}s` });
          return undefined;
        }
        choices.push(v);
      }
      return { kind: "categorical", choices, ordered: call.callee === "ordinal" };
    }
    case "normal": {
      const mean = num("mean");
      const sd = num("sd");
      if (mean === undefined || sd === undefined) return undefined;
      if (sd <= 0) {
        report.add("E045", args.get("sd")!.value.span);
        return undefined;
      }
      return { kind: "normal", mean, sd };
    }
    default: {
      const x = args.get("value");
      if (!x) return undefined;
      const v = constant(x.value, name, report);
      if (typeof v === "number" || typeof v === "string" || typeof v === "boolean")
        return { kind: "fixed", value: v };
      if (v !== undefined)
        report.add("E030", x.value.span, {
          f: "fixed",
          a: "value",
          want: "a number, string or bool",
          got: "a list",
        });
      return undefined;
    }
  }
}

function rangeOk(low: number, high: number, log: boolean, span: Span, report: Reporter): boolean {
  if (!(low < high)) {
    report.add("E040", span, { low, high });
    return false;
  }
  if (log && low <= 0) {
    report.add("E041", span, { low });
    return false;
  }
  return true;
}

function stepOk(
  low: number,
  high: number,
  step: number,
  isInt: boolean,
  span: Span,
  report: Reporter,
): boolean {
  if (!(step > 0)) {
    report.add(isInt ? "E043" : "E044", span, { s: step, low, high, v: low });
    return false;
  }
  const n = (high - low) / step;
  if (Math.abs(n - Math.round(n)) > 1e-9 * Math.max(1, Math.abs(n))) {
    const last = low + Math.floor(n + 1e-9) * step;
    report.add("E044", span, { s: step, low, high, v: Number(last.toPrecision(12)) });
    return false;
  }
  return true;
}
