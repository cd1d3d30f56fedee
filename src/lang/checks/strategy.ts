/**
 * The `strategy` declaration: known, with valid options (E023, E084), and fit for the space and the
 * goals: finite values for grid (E080), one goal or several as the strategy needs (E081, E082), epochs
 * owned by the epoch-based strategies and pbt's trainer (E083), options consistent with each other (E084).
 */
import { knownSettings, optionValues } from "../bind.js";
import { STRATEGIES, TRAIN_SETTINGS } from "../../plan/catalog.js";
import { type CheckedAst, type DeclOf, decl } from "../checked.js";
import { lower } from "../lower.js";
import type { StrategyName } from "../../plan/types.js";
import type { Reporter } from "../report.js";
import { hasError } from "../space.js";
import {
  EPOCH_STRATEGIES,
  type OptionTable,
  SINGLE_OBJECTIVE_STRATEGIES,
  STRATEGY_OPTIONS,
  TRAINER_STRATEGIES,
} from "../../plan/catalog.js";
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

/**
 * E083: an epoch-based strategy owns the epochs and needs a trial that reports them; a strategy that
 * continues the trainer's checkpoints with changed hyperparameters (pbt) needs the built-in trainer.
 */
export function epochOwnership(d: DeclOf<"strategy">, c: CheckedAst, report: Reporter): void {
  const options = optionValues(d.call, STRATEGIES);
  const name = d.call.callee;
  if (!options || !EPOCH_STRATEGIES.includes(name as StrategyName)) return;
  const span = d.call.span;
  if (c.trial.kind === "evaluate" && TRAINER_STRATEGIES.includes(name as StrategyName))
    report.add("E083", span, {
      what: `\`${name}\` continues the built-in trainer's checkpoints with changed hyperparameters, so it needs \`data\`, \`model\` and \`train\` (not an objective module or test function)`,
    });
  else if (c.trial.kind === "evaluate" && c.trial.builtin)
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
}

/** E084: options the catalogue orders (min_epochs ≤ max_epochs, elitism < population unless either is 0, interval ≤ max_epochs). */
export function optionOrders(d: DeclOf<"strategy">, _c: CheckedAst, report: Reporter): void {
  const options = optionValues(d.call, STRATEGIES);
  const name = d.call.callee;
  if (!options || !Object.hasOwn(STRATEGY_OPTIONS, name)) return;
  const table: OptionTable = STRATEGY_OPTIONS[name as StrategyName];
  for (const { low, high, strict, unlessZero } of table.orders ?? []) {
    const lo = options[low];
    const hi = options[high];
    if (typeof lo !== "number" || typeof hi !== "number" || (strict ? lo < hi : lo <= hi)) continue;
    // 0 means "sized automatically" for such options (evolution's population and elitism).
    if (unlessZero && (lo === 0 || hi === 0)) continue;
    report.add("E084", d.call.span, {
      s: name,
      o: low,
      range: `${strict ? "below" : "at most"} ${high} (${hi})`,
      v: lo,
    });
  }
}
