/** The `pruner` declaration: known, with valid options (E023, E084); redundant beside an epoch-based strategy (W008). */
import { optionValues } from "../bind.js";
import { PRUNERS, STRATEGIES } from "../../plan/catalog.js";
import { type CheckedAst, type DeclOf, decl } from "../checked.js";
import type { StrategyName } from "../../plan/types.js";
import type { Reporter } from "../report.js";
import { EPOCH_STRATEGIES } from "../../plan/catalog.js";
import { checkOptions } from "./options.js";

/** The pruner's function and options. */
export function prunerOptions(d: DeclOf<"pruner">, c: CheckedAst, report: Reporter): void {
  checkOptions(c, report, d.call, "pruner", PRUNERS);
}

/** W008: sha, asha and hyperband already stop trials early. */
export function prunerBesideEpochStrategy(d: DeclOf<"pruner">, c: CheckedAst, report: Reporter): void {
  const strategy = decl(c, "strategy");
  if (!optionValues(d.call, PRUNERS) || !strategy || !optionValues(strategy.call, STRATEGIES)) return;
  if (EPOCH_STRATEGIES.includes(strategy.call.callee as StrategyName))
    report.add("W008", d.call.span, { s: strategy.call.callee });
}
