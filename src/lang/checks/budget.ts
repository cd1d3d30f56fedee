/**
 * The `budget` block: known settings given once (E012, E024), constants of the right kind (E030,
 * E034, E035) and range (E046), a limit (E090); warnings when `parallel`, a grid or pbt's schedule
 * exceeds the trials (W006, W005, W013).
 */
import { budgetValue, knownSettings } from "../bind.js";
import { BUDGET_SETTINGS } from "../../plan/catalog.js";
import { type CheckedAst, type DeclOf, decl } from "../checked.js";
import { budgetSpec, gridSize, strategySpec } from "../compile.js";
import type { Reporter } from "../report.js";
import { checkSettings } from "./calls.js";

/** Each setting: known, once, with a value of its kind. */
export function budgetSettings(d: DeclOf<"budget">, _c: CheckedAst, report: Reporter): void {
  checkSettings(report, d.settings, BUDGET_SETTINGS, "budget");
  for (const [name, s] of knownSettings(d.settings, BUDGET_SETTINGS)) {
    const r = budgetValue(name, BUDGET_SETTINGS[name]!, s.value);
    if (r && "problem" in r) report.add(r.problem.code, r.problem.span, r.problem.args);
  }
}

/** E090: a budget needs `trials` or `time`. */
export function budgetLimit(d: DeclOf<"budget">, _c: CheckedAst, report: Reporter): void {
  const seen = knownSettings(d.settings, BUDGET_SETTINGS);
  if (!seen.has("trials") && !seen.has("time")) report.add("E090", d.keywordSpan);
}

/** W006: more parallel workers than trials. */
export function parallelWithinTrials(d: DeclOf<"budget">, _c: CheckedAst, report: Reporter): void {
  const b = budgetSpec(d);
  const parallel = knownSettings(d.settings, BUDGET_SETTINGS).get("parallel");
  if (parallel && b?.trials !== undefined && b.parallel > b.trials)
    report.add("W006", parallel.value.span, { p: b.parallel, t: b.trials });
}

/** W005: a grid larger than the trial budget (a seeded shuffle of it runs). */
export function gridWithinTrials(d: DeclOf<"budget">, c: CheckedAst, report: Reporter): void {
  const b = budgetSpec(d);
  const strategy = strategySpec(c);
  if (strategy?.name !== "grid" || b?.trials === undefined) return;
  const size = gridSize(c, strategy);
  if (size > b.trials) report.add("W005", decl(c, "strategy")!.call.span, { g: size, t: b.trials });
}

/** W013: pbt's schedule (population × ⌈max_epochs / interval⌉ rounds) cut short by the trial budget. */
export function pbtWithinTrials(d: DeclOf<"budget">, c: CheckedAst, report: Reporter): void {
  const b = budgetSpec(d);
  const strategy = strategySpec(c);
  if (strategy?.name !== "pbt" || b?.trials === undefined) return;
  const { population, interval, max_epochs } = strategy.options;
  if (typeof population !== "number" || typeof interval !== "number" || typeof max_epochs !== "number")
    return;
  const rounds = Math.ceil(max_epochs / interval);
  if (population * rounds > b.trials)
    report.add("W013", decl(c, "strategy")!.call.span, {
      n: population * rounds,
      p: population,
      r: rounds,
      t: b.trials,
      k: Math.floor(b.trials / population),
    });
}
