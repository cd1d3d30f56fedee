/**
 * A study described in code (the programmatic API's `space` list and strategy), checked by the same
 * code and catalogue as a `.hpo` file: each hand-written parameter becomes the distribution call a
 * spec would hold (`{ kind: "int", low: 1, high: 4 }` is `int(1, 4)`), and `checkSpace` judges it,
 * so the API gets the same defaults (an int's step 1), the same diagnostic codes and the same
 * suggestions (`kind: "integer"` is E023 with "did you mean `int`?").
 *
 * A diagnostic's line is the parameter's index + 1 in the list (the strategy and pruner follow the
 * space), which is how `describeInputDiagnostics` names the entry it is about.
 */
import { PRUNERS, STRATEGIES } from "../plan/catalog.js";
import type { Expr, ParamSpec } from "../plan/types.js";
import { bindArguments } from "./args.js";
import type { AstArg, AstCall, AstExpr, SpaceItem, Span } from "./ast.js";
import { didYouMean, type Diagnostic } from "./diagnostics.js";
import { Reporter } from "./report.js";
import { checkSpace } from "./space.js";

/** Where diagnostics about API input are filed: no file, the entry's index as its line. */
export const API_INPUT = "<createStudy options>";

/** The checked space, or the diagnostics that keep it from being one. */
export interface CheckedInput {
  space?: ParamSpec[];
  diagnostics: Diagnostic[];
}

const spanAt = (line: number, text = ""): Span => ({
  line,
  col: 1,
  endLine: line,
  endCol: Math.max(2, text.length + 1),
  offset: 0,
  endOffset: Math.max(1, text.length),
});

/** A JavaScript value as the AST literal a spec would write for it (lists element-wise). */
function literal(v: unknown, span: Span): AstExpr {
  if (typeof v === "number") return { kind: "num", value: v, raw: String(v), span };
  if (typeof v === "string") return { kind: "str", value: v, span };
  if (typeof v === "boolean") return { kind: "bool", value: v, span };
  if (Array.isArray(v)) return { kind: "list", elements: v.map((x) => literal(x, span)), span };
  // Anything else (null, objects) has no literal: an empty list, which every argument of a
  // distribution rejects (E030), as a spec's `[]` would be.
  return { kind: "list", elements: [], span };
}

function call(callee: string, args: AstArg[], span: Span): AstCall {
  return { kind: "call", callee, calleeSpan: span, args, span };
}

const named = (name: string, value: unknown, span: Span): AstArg => ({
  name,
  nameSpan: span,
  value: literal(value, span),
  span,
});

/** The fields every kind has beside its distribution's arguments. */
const COMMON = new Set(["name", "kind", "condition"]);

/** The distribution call a hand-written parameter stands for (its kind is the function when unknown). */
function distributionCall(p: Record<string, unknown>, span: Span): AstCall {
  const rest = Object.entries(p).filter(([k, v]) => !COMMON.has(k) && v !== undefined);
  const args = (skip: string[]) => rest.filter(([k]) => !skip.includes(k)).map(([k, v]) => named(k, v, span));
  switch (p["kind"]) {
    case "float":
      return call(p["log"] === true ? "loguniform" : "uniform", args(["log"]), span);
    case "int":
      return call("int", args([]), span);
    case "categorical": {
      const choices = Array.isArray(p["choices"]) ? p["choices"] : [];
      return call(
        p["ordered"] === true ? "ordinal" : "choice",
        [...choices.map((c) => ({ value: literal(c, span), span })), ...args(["choices", "ordered"])],
        span,
      );
    }
    default:
      return call(String(p["kind"]), args([]), span);
  }
}

/**
 * Checks hand-written parameters (any values: JavaScript callers are not type-checked) as a `space`
 * block. Conditions are already Plan expressions and are kept as given.
 */
export function checkSpaceInput(input: unknown): CheckedInput {
  const report = new Reporter(API_INPUT);
  if (!Array.isArray(input)) {
    report.add("E093", spanAt(1), { what: "`space` must be a list of parameters" });
    return { diagnostics: report.diagnostics };
  }
  const items: SpaceItem[] = [];
  const conditions = new Map<string, Expr>();
  input.forEach((p: unknown, i) => {
    const span = spanAt(i + 1);
    if (p === null || typeof p !== "object" || typeof (p as { name?: unknown }).name !== "string") {
      report.add("E093", span, { what: "a parameter needs a `name` (a string) and a `kind`" });
      return;
    }
    const entry = p as Record<string, unknown>;
    const name = entry["name"] as string;
    if (entry["kind"] === undefined) {
      report.add("E025", span, { f: name, a: "kind" });
      return;
    }
    if (entry["condition"] !== undefined) conditions.set(name, entry["condition"] as Expr);
    items.push({ kind: "param", name, nameSpan: span, value: distributionCall(entry, span), span });
  });
  const { space } = checkSpace(items, report);
  const out = space.map((s) => (conditions.has(s.name) ? { ...s, condition: conditions.get(s.name)! } : s));
  return report.errorCount > 0
    ? { diagnostics: report.diagnostics }
    : { space: out, diagnostics: report.diagnostics };
}

/**
 * Checks a strategy or pruner given in code: a known name (E023, with the closest one) and options it
 * takes (E024). `line` places the diagnostics after the space's.
 */
export function checkCallInput(
  kind: "strategy" | "pruner",
  spec: { name: unknown; options?: unknown },
  line: number,
): Diagnostic[] {
  const report = new Reporter(API_INPUT);
  const span = spanAt(line);
  const table = kind === "strategy" ? STRATEGIES : PRUNERS;
  const name = String(spec.name);
  const fn = table[name];
  if (!fn) {
    report.add("E023", span, {
      kind,
      f: name,
      best: didYouMean(name, Object.keys(table)),
      list: Object.keys(table).join(", "),
    });
    return report.diagnostics;
  }
  const options = spec.options && typeof spec.options === "object" ? spec.options : {};
  const args = Object.entries(options).map(([k, v]) => named(k, v, span));
  bindArguments(call(name, args, span), fn, report);
  return report.diagnostics;
}

/** One line per diagnostic, naming the entry it is about: `space[1] (lr): error[E040]: …`. */
export function describeInputDiagnostics(
  diagnostics: Diagnostic[],
  space: unknown[],
  extra: string[],
): string {
  return diagnostics
    .map((d) => {
      const i = d.pos.line - 1;
      const entry = space[i] as { name?: unknown } | undefined;
      const where =
        i < space.length
          ? `space[${i}]${typeof entry?.name === "string" ? ` (${entry.name})` : ""}`
          : (extra[i - space.length] ?? "options");
      return `${where}: ${d.severity}[${d.code}]: ${d.message}${d.hint ? ` (${d.hint})` : ""}`;
    })
    .join("\n");
}
