/**
 * The `strategy` declaration: known, with valid options (E023, E084), and fit for the space and the
 * goals: finite values for grid (E080), one goal or several as the strategy needs (E081, E082), epochs
 * owned by the epoch-based strategies (E083), options consistent with each other (E084).
 */
import { knownSettings, optionValues } from "../bind.js";
import { STRATEGIES, TRAIN_SETTINGS } from "../../plan/catalog.js";
import { type CheckedAst, type DeclOf, decl } from "../checked.js";
import { lower } from "../lower.js";
import type { StrategyName } from "../../plan/types.js";
import type { Reporter } from "../report.js";
import { hasError } from "../space.js";
import { EPOCH_STRATEGIES, SINGLE_OBJECTIVE_STRATEGIES } from "../../plan/catalog.js";
import { checkOptions } from "./options.js";

/** The strategy's function and options. */
export function strategyOptions(d: DeclOf<"strategy">, c: CheckedAst, report: Reporter): void {
  checkOptions(c, report, d.call, "strategy", STRATEGIES);
}

/** E080: grid needs finite values, unless it places `points` on continuous ranges. */
export function gridNeedsFiniteValues(d: DeclOf<"strategy">, c: CheckedAst, report: Reporter): void {
  const options = optionValues(d.call, STRATEGIES);
  if (d.call.callee !== "grid" || options?.points !== 0) return;
  const continuous = c.space.space.find((p) => p.kind === "normal" || (p.kind === "float" && !p.step));
  if (continuous) report.add("E080", d.call.span, { n: continuous.name });
}

/** E081/E082: as many goals as the strategy optimizes. */
export function goalCount(d: DeclOf<"strategy">, c: CheckedAst, report: Reporter): void {
  if (!optionValues(d.call, STRATEGIES)) return;
  const name = d.call.callee;
  if (c.goals.length > 1 && SINGLE_OBJECTIVE_STRATEGIES.includes(name as StrategyName))
    report.add("E081", d.call.span, { s: name, k: c.goals.length });
  if (name === "nsga2" && c.goals.length < 2 && (decl(c, "objective") || decl(c, "objectives")))
    report.add("E082", d.call.span);
}

/** E083/E084: an epoch-based strategy owns the epochs and needs a trial that reports them. */
export function epochOwnership(d: DeclOf<"strategy">, c: CheckedAst, report: Reporter): void {
  const options = optionValues(d.call, STRATEGIES);
  const name = d.call.callee;
  if (!options || !EPOCH_STRATEGIES.includes(name as StrategyName)) return;
  const span = d.call.span;
  if (c.trial.kind === "evaluate" && c.trial.builtin)
    report.add("E083", span, {
      what: `\`${name}\` stops trials by epochs, but \`${c.trial.builtin}\` reports no steps; use random, tpe or bayes`,
    });
  const train = decl(c, "train");
  const epochs =
    c.trial.kind === "trainer" && c.trial.complete && train
      ? knownSettings(train.settings, TRAIN_SETTINGS).get("epochs")
      : undefined;
  const lowered = epochs && !hasError(epochs.value) ? lower(epochs.value) : undefined;
  if (epochs && lowered?.op === "lit" && lowered.value !== options.max_epochs)
    report.add("E083", epochs.value.span, {
      what: `\`train.epochs\` = ${lowered.value} conflicts with max_epochs = ${options.max_epochs} of \`${name}\``,
    });
  if (
    typeof options.min_epochs === "number" &&
    typeof options.max_epochs === "number" &&
    options.min_epochs > options.max_epochs
  )
    report.add("E084", span, {
      s: name,
      o: "min_epochs",
      range: `at most max_epochs (${options.max_epochs})`,
      v: options.min_epochs,
    });
}

/** E084: evolution keeps fewer elites than its population (when both are set: 0 means automatic). */
export function elitesBelowPopulation(d: DeclOf<"strategy">, _c: CheckedAst, report: Reporter): void {
  const options = optionValues(d.call, STRATEGIES);
  if (
    d.call.callee === "evolution" &&
    typeof options?.elitism === "number" &&
    typeof options.population === "number" &&
    options.elitism > 0 &&
    options.population > 0 &&
    options.elitism >= options.population
  )
    report.add("E084", d.call.span, {
      s: "evolution",
      o: "elitism",
      range: `below population (${options.population})`,
      v: options.elitism,
    });
}
