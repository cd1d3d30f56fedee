/** W003 (slow): a hyperparameter that nothing reads: no setting, layer, condition, constraint or objective. */
import { freeNames } from "../../plan/expr.js";
import type { AstFile } from "../ast.js";
import { testFunctionDims } from "../bind.js";
import { TEST_FUNCTIONS } from "../../plan/catalog.js";
import { type CheckedAst, decl } from "../checked.js";
import type { Reporter } from "../report.js";

/** Runs after every expression check: the expression checker records each parameter they resolve. */
export function unusedParameters(_file: AstFile, c: CheckedAst, report: Reporter): void {
  if (!c.trial.complete || !decl(c, "space")) return;
  const evaluate = decl(c, "evaluate");
  // A user module may read any parameter.
  if (evaluate?.module !== undefined) return;
  const read = new Set<string>();
  for (const q of c.space.space) if (q.condition) for (const n of freeNames(q.condition)) read.add(n);
  for (const k of c.space.constraints) for (const n of freeNames(k.expr)) read.add(n);
  if (evaluate?.builtin) {
    const dims = testFunctionDims(evaluate.builtin, TEST_FUNCTIONS[evaluate.builtin.callee]!);
    if (dims === undefined) return;
    for (let i = 1; i <= dims; i++) read.add(`x${i}`);
  }
  for (const p of c.space.space)
    if (!c.exprs.used.has(p.name) && !read.has(p.name))
      report.add("W003", c.space.params.get(p.name)!.span, { n: p.name });
}
