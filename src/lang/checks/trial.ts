/** How trials run: `evaluate` or the trainer's data + model + train, never both (E060, E061, E062). */
import type { AstFile } from "../ast.js";
import { type CheckedAst, decl, FIRST } from "../checked.js";
import type { Reporter } from "../report.js";

/** E061/E062/E060: one way of running trials, with all of its parts. */
export function trialParts(_file: AstFile, c: CheckedAst, report: Reporter): void {
  const evaluate = decl(c, "evaluate");
  const data = decl(c, "data");
  const model = decl(c, "model");
  const train = decl(c, "train");
  const parts = [data, model, train].filter((d) => d !== undefined);
  if (evaluate) {
    for (const p of parts)
      report.add("E061", p.keywordSpan, {
        decl: p.kind,
        l: evaluate.keywordSpan.line,
        c: evaluate.keywordSpan.col,
      });
    return;
  }
  if (parts.length === 0) {
    report.add("E062", FIRST);
    return;
  }
  if (data && !model) report.add("E060", data.keywordSpan, { decl: "data", other: "model" });
  if (model && !data) report.add("E060", model.keywordSpan, { decl: "model", other: "data" });
  if (model && !train) report.add("E060", model.keywordSpan, { decl: "model", other: "train" });
  if (train && !model) report.add("E060", train.keywordSpan, { decl: "train", other: "model" });
}

/** The trainer's parts are checked only when no `evaluate` replaces them (E061 says so). */
export function trainerRuns(c: CheckedAst): boolean {
  return !c.decls.has("evaluate");
}
