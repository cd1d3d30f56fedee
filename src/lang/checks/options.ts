/** What strategy, pruner and validation calls share: options of a known function, each a constant (E023, E034, E084). */
import type { AstCall } from "../ast.js";
import type { FunctionSpec } from "../../plan/catalog.js";
import type { CheckedAst } from "../checked.js";
import type { Reporter } from "../report.js";
import { constant } from "../space.js";
import { checkCatalogueCall, valueCtx } from "./calls.js";

/** The call's function and options, each option given a constant inside its domain. */
export function checkOptions(
  c: CheckedAst,
  report: Reporter,
  call: AstCall,
  kind: string,
  table: Record<string, FunctionSpec>,
): void {
  if (!checkCatalogueCall(c, report, call, kind, table, valueCtx(kind), "E084")) return;
  const spec = table[call.callee]!;
  const unnamed = call.args.filter((x) => x.name === undefined);
  for (const [i, a] of spec.args.entries()) {
    const given =
      call.args.find((x) => x.name === a.name) ?? (i < (spec.positional ?? 0) ? unnamed[i] : undefined);
    if (given) constant(given.value, a.name, report);
  }
}
