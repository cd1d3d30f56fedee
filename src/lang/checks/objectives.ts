/** Goals: at least one (E073), each once (E074), a metric the trial reports (E070, E072), test splits warned (W009). */
import type { AstFile, Span } from "../ast.js";
import { type CheckedAst, type DeclOf, decl, FIRST } from "../checked.js";
import { didYouMean } from "../diagnostics.js";
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
    if (c.metrics && !c.metrics.includes(g.metric)) {
      report.add("E070", g.metricSpan, {
        m: g.metric,
        best: didYouMean(g.metric, c.metrics),
        list: c.metrics.join(", "),
      });
      continue;
    }
    if (
      g.metric === "val_perplexity" &&
      c.trial.kind === "trainer" &&
      c.trial.complete &&
      !["text", "pairs"].includes(c.trial.reader!)
    )
      report.add("E072", g.metricSpan, { m: g.metric, what: "text or pairs data" });
    if (g.metric.startsWith("test_")) report.add("W009", g.metricSpan, { m: g.metric });
  }
}
