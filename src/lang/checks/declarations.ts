/** The file's declarations as a whole: each at most once (E012), known words (E013), the required ones (E067), one goal form (E071). */
import type { AstFile, DeclKind, Span } from "../ast.js";
import { type CheckedAst, decl, FIRST } from "../checked.js";
import { didYouMean } from "../diagnostics.js";
import { DECLARATIONS } from "../keywords.js";
import type { Reporter } from "../report.js";

/** E012: a declaration repeated; the first one counts. */
export function declaredOnce(file: AstFile, _c: CheckedAst, report: Reporter): void {
  const first = new Map<DeclKind, Span>();
  for (const d of file.decls) {
    if (d.kind === "unknown") continue;
    const at = first.get(d.kind);
    if (at) report.add("E012", d.keywordSpan, { name: d.kind, l: at.line, c: at.col });
    else first.set(d.kind, d.keywordSpan);
  }
}

/** E013: a top-level word that is no declaration, with the closest one. */
export function knownDeclarations(file: AstFile, _c: CheckedAst, report: Reporter): void {
  for (const d of file.decls)
    if (d.kind === "unknown")
      report.add("E013", d.keywordSpan, { w: d.word, best: didYouMean(d.word, DECLARATIONS) });
}

/** E067: `study`, `space` and `budget` are required. */
export function requiredDeclarations(_file: AstFile, c: CheckedAst, report: Reporter): void {
  for (const k of ["study", "space", "budget"] as const)
    if (!c.decls.has(k)) report.add("E067", FIRST, { decl: k });
}

/** E071: `objective` and `objectives` together. */
export function oneGoalForm(_file: AstFile, c: CheckedAst, report: Reporter): void {
  const many = decl(c, "objectives");
  if (many && decl(c, "objective")) report.add("E071", many.keywordSpan);
}
