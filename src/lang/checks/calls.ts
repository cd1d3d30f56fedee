/**
 * What checks of catalogue calls share: the function exists (E023), its arguments bind and have the
 * right types (src/lang/args.ts, E030), and each value stays in its domain over the space's
 * configurations (E036, E046, E084); the settings of a block are known and given once (E024, E012).
 */
import type { Expr } from "../../plan/types.js";
import { listNames } from "../args.js";
import type { AstCall, AstExpr, Setting } from "../ast.js";
import type { ArgSpec, FunctionSpec } from "../../plan/catalog.js";
import type { CheckedAst } from "../checked.js";
import { closest, didYouMean } from "../diagnostics.js";
import type { ExprContext } from "../exprcheck.js";
import { lower, names, show } from "../lower.js";
import type { Reporter } from "../report.js";
import { hasError } from "../space.js";

/** The context of a value expression outside any guard or loop. */
export function valueCtx(where: string, extra: Partial<ExprContext> = {}): ExprContext {
  return { guards: [], inRepeat: false, where, ...extra };
}

/** A catalogue call: unknown function (E023), its arguments (types and domains); false if unknown. */
export function checkCatalogueCall(
  c: CheckedAst,
  report: Reporter,
  call: AstCall,
  kind: string,
  table: Record<string, FunctionSpec>,
  ctx: ExprContext,
  domainCode: "E046" | "E084" = "E046",
): boolean {
  const spec = table[call.callee];
  if (!spec) {
    report.add("E023", call.calleeSpan, {
      kind,
      f: call.callee,
      best: didYouMean(call.callee, Object.keys(table)),
      list: Object.keys(table).join(", "),
    });
    return false;
  }
  for (const [name, value] of c.exprs.callArgs(call, spec, ctx)) {
    const a = spec.args.find((x) => x.name === name)!;
    if (hasError(value)) continue;
    checkDomain(c, report, call.callee, a, value, ctx, domainCode);
  }
  return true;
}

/** Integer-ness (E036) and bounds (E046/E084) of an argument, over the space's configurations. */
export function checkDomain(
  c: CheckedAst,
  report: Reporter,
  f: string,
  a: ArgSpec,
  value: AstExpr,
  ctx: ExprContext,
  code: "E046" | "E084",
  lowered?: Expr,
): void {
  if (hasError(value)) return;
  const read = names(value);
  const reads = read.filter((n) => n.name !== "i");
  const expr = lowered ?? lower(value);
  const { values, strings, fractional } = c.values.valuesOf(expr, read.length === 0, ctx);
  // The source text is only needed for a message.
  let shown: string | undefined;
  const text = () => (shown ??= show(value));
  if (a.type === "int" && (fractional || values.some((v) => !Number.isInteger(v)))) {
    if (reads.length === 0) report.add("E030", value.span, { f, a: a.name, want: "an integer", got: text() });
    else report.add("E036", value.span, { a: a.name, expr: text() });
    return;
  }
  if (a.oneOf) {
    const bad = strings.find((s) => !a.oneOf!.includes(s));
    if (bad !== undefined) {
      const best = closest(bad, a.oneOf);
      const hint = best ? `did you mean "${best}"?` : undefined;
      const range = `one of ${a.oneOf.map((s) => `"${s}"`).join(", ")}`;
      if (code === "E084")
        report.add("E084", value.span, { s: f, o: a.name, range, v: `"${bad}"` }, { hint });
      else
        report.add("E046", value.span, { f, a: a.name, range, got: `\`${text()}\` is "${bad}"` }, { hint });
    }
    return;
  }
  if (values.length === 0 || (a.min === undefined && a.max === undefined)) return;
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const belowMin = a.min !== undefined && (a.exclusiveLow ? lo <= a.min : lo < a.min);
  const aboveMax = a.max !== undefined && hi > a.max;
  if (!belowMin && !aboveMax) return;
  const range =
    a.min !== undefined && a.max !== undefined
      ? `in [${a.min}, ${a.max}]`
      : a.min !== undefined
        ? a.exclusiveLow
          ? `above ${a.min}`
          : `at least ${a.min}`
        : `at most ${a.max}`;
  if (code === "E084") report.add("E084", value.span, { s: f, o: a.name, range, v: text() });
  else {
    const got = reads.length === 0 ? `got ${text()}` : `\`${text()}\` reaches [${fmtNum(lo)}, ${fmtNum(hi)}]`;
    report.add("E046", value.span, { f, a: a.name, range, got });
  }
}

/** A block's settings: each given once (E012) and known to the table (E024). */
export function checkSettings(
  report: Reporter,
  settings: Setting[],
  table: Record<string, ArgSpec>,
  where: string,
): void {
  const seen = new Map<string, Setting>();
  for (const s of settings) {
    const first = seen.get(s.name);
    if (first) {
      report.add("E012", s.nameSpan, { name: s.name, l: first.nameSpan.line, c: first.nameSpan.col });
      continue;
    }
    if (!(s.name in table)) {
      const best = closest(s.name, Object.keys(table));
      report.add(
        "E024",
        s.nameSpan,
        { f: where, a: s.name, list: listNames(Object.keys(table)) },
        { hint: best ? `did you mean \`${best}\`?` : undefined },
      );
      continue;
    }
    seen.set(s.name, s);
  }
}

function fmtNum(n: number): string {
  return Number(n.toPrecision(6)).toString();
}
