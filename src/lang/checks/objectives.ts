/**
 * Goals: at least one (E073), each once (E074), metrics the trial reports (E070, E072), test splits
 * warned (W009); an objective expression reads metrics only (E075) and computes a number (E076).
 */
import type { AstExpr, AstFile, Span } from "../ast.js";
import { type CheckedAst, type DeclOf, decl, FIRST } from "../checked.js";
import { EXPR_FUNCTIONS } from "../../plan/catalog.js";
import { didYouMean } from "../diagnostics.js";
import { show } from "../lower.js";
import type { Reporter } from "../report.js";

/** E073: a study needs a goal. */
export function goalDeclared(_file: AstFile, c: CheckedAst, report: Reporter): void {
  if (!decl(c, "objective") && !decl(c, "objectives")) report.add("E073", FIRST);
}

/** The goals of `objective` or `objectives` (the latter when both are given: E071). */
export function goals(d: DeclOf<"objective"> | DeclOf<"objectives">, c: CheckedAst, report: Reporter): void {
  if (d.kind === "objective" && decl(c, "objectives")) return;
  if (d.goals.length === 0) report.add("E073", d.keywordSpan);
  const seen = new Map<string, Span>();
  for (const g of d.goals) {
    if (seen.has(g.metric)) {
      report.add("E074", g.metricSpan, { m: g.metric });
      continue;
    }
    seen.set(g.metric, g.metricSpan);
    if (g.expr) goalExpression(g.expr, c, report);
    else metric(g.metric, g.metricSpan, c, report);
  }
}

/** One metric a goal reads: known (E070), available with this data (E072), not the test split (W009). */
function metric(name: string, span: Span, c: CheckedAst, report: Reporter): boolean {
  if (c.metrics && !c.metrics.includes(name)) {
    report.add("E070", span, { m: name, best: didYouMean(name, c.metrics), list: c.metrics.join(", ") });
    return false;
  }
  if (
    name === "val_perplexity" &&
    c.trial.kind === "trainer" &&
    c.trial.complete &&
    !["text", "pairs"].includes(c.trial.reader!)
  )
    report.add("E072", span, { m: name, what: "text or pairs data" });
  if (name.startsWith("test_")) report.add("W009", span, { m: name });
  return true;
}

type GoalType = "number" | "bool" | "other";

/** An objective expression such as `val_loss + 0.02 * log10(params)`: metrics, numbers and the arithmetic functions. */
function goalExpression(e: AstExpr, c: CheckedAst, report: Reporter): void {
  const t = goalType(e, c, report);
  if (t === "bool") report.add("E076", e.span, { e: show(e), part: "it", got: "true/false" });
}

function goalType(e: AstExpr, c: CheckedAst, report: Reporter): GoalType {
  const bad = (x: AstExpr, got: string): GoalType => {
    report.add("E076", x.span, { e: show(x), part: `\`${show(x)}\``, got });
    return "other";
  };
  const num = (x: AstExpr): void => {
    const t = goalType(x, c, report);
    if (t === "bool") bad(x, "true/false");
  };
  switch (e.kind) {
    case "num":
      return "number";
    case "name":
      if (c.space.params.has(e.name) || c.space.families.has(e.name)) {
        report.add("E075", e.span, { n: e.name });
        return "other";
      }
      metric(e.name, e.span, c, report);
      return "number";
    case "index":
      report.add("E075", e.span, { n: show(e) });
      return "other";
    case "paren":
      return goalType(e.inner, c, report);
    case "unary":
      if (e.op === "neg") {
        num(e.operand);
        return "number";
      }
      goalType(e.operand, c, report);
      return "bool";
    case "call":
      if (!EXPR_FUNCTIONS.includes(e.callee) || e.callee === "len") {
        report.add("E023", e.calleeSpan, {
          kind: "function",
          f: e.callee,
          best: didYouMean(e.callee, EXPR_FUNCTIONS),
          list: EXPR_FUNCTIONS.filter((f) => f !== "len").join(", "),
        });
        return "other";
      }
      for (const a of e.args) num(a.value);
      return "number";
    case "binary":
      if (e.op === "and" || e.op === "or") {
        goalType(e.left, c, report);
        goalType(e.right, c, report);
        return "bool";
      }
      if (e.op === "in") return bad(e, "a membership test");
      num(e.left);
      num(e.right);
      return ["==", "!=", "<", "<=", ">", ">="].includes(e.op) ? "bool" : "number";
    case "if":
      goalType(e.cond, c, report);
      num(e.whenTrue);
      num(e.whenFalse);
      return "number";
    case "error":
      return "other";
    case "str":
      return bad(e, "a string");
    case "list":
      return bad(e, "a list");
    case "dur":
      return bad(e, "a duration");
    case "bool":
      return bad(e, "true/false");
  }
}
