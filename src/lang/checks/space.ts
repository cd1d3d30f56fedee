/**
 * The `space` block beyond its table (which src/lang/space.ts builds, with its own problems, when the
 * checked AST is made): the constraints' expressions (E020, E030, E050, …).
 */
import type { CheckedAst, DeclOf } from "../checked.js";
import type { Reporter } from "../report.js";
import { valueCtx } from "./calls.js";

/** Each constraint's expression, checked like any value expression. */
export function constraintExpressions(_d: DeclOf<"space">, c: CheckedAst, _report: Reporter): void {
  for (const k of c.space.constraints) c.exprs.check(k.ast, valueCtx("constraint"));
}
