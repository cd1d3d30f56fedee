/**
 * The checker: every check registered in one table, keyed by the declaration kind it reads ("file"
 * for the file as a whole), in the order they run. `slow` checks enumerate or sample the space and
 * are skipped in fast mode (editors). Each check is wrapped: an exception becomes one E000 naming it.
 */
import type { AstFile, DeclKind, Span } from "../ast.js";
import { type CheckedAst, type DeclOf, FIRST } from "../checked.js";
import type { Reporter } from "../report.js";
import {
  budgetLimit,
  budgetSettings,
  gridWithinTrials,
  parallelWithinTrials,
  pbtWithinTrials,
} from "./budget.js";
import { dataFiles, readerCall } from "./data.js";
import { declaredOnce, knownDeclarations, oneGoalForm, requiredDeclarations } from "./declarations.js";
import { objectiveModule, testFunction } from "./evaluate.js";
import { modelLayers, modelTemplate } from "./model.js";
import { moduleParamTypes } from "./module-types.js";
import { goalDeclared, goals } from "./objectives.js";
import { prunerBesideEpochStrategy, prunerOptions } from "./pruner.js";
import { constraintsSatisfiable, everActive } from "./satisfiability.js";
import { seedValue } from "./seed.js";
import { shapes } from "./shapes.js";
import { constraintExpressions } from "./space.js";
import { storageUrlForm } from "./storage.js";
import {
  epochOwnership,
  optionOrders,
  goalCount,
  gridNeedsFiniteValues,
  strategyOptions,
} from "./strategy.js";
import { cyclicIgnoresRate, optimizerGiven, trainSettings } from "./train.js";
import { trialParts } from "./trial.js";
import { validationOptions, validationPlace } from "./validation.js";
import { unusedParameters } from "./unused.js";
import { TOO_DEEP, isStackOverflow } from "../report.js";

/** One check: reads a node and the checked AST, reports through `report`. */
export type Check<N> = (node: N, c: CheckedAst, report: Reporter) => void;

type DeclChecks = { [K in Exclude<DeclKind, "unknown">]: readonly Check<DeclOf<K>>[] };

/** Checks of the file as a whole, run first. */
export const FILE_CHECKS: readonly Check<AstFile>[] = [
  declaredOnce,
  knownDeclarations,
  requiredDeclarations,
  oneGoalForm,
  trialParts,
  goalDeclared,
];

/** Checks per declaration kind, run on the first declaration of each kind, in this order. */
export const DECL_CHECKS: DeclChecks = {
  space: [constraintExpressions],
  seed: [seedValue],
  evaluate: [objectiveModule, testFunction],
  data: [readerCall, dataFiles],
  model: [modelTemplate, modelLayers],
  train: [trainSettings, optimizerGiven, cyclicIgnoresRate],
  objective: [goals],
  objectives: [goals],
  strategy: [strategyOptions, gridNeedsFiniteValues, goalCount, epochOwnership, optionOrders],
  pruner: [prunerOptions, prunerBesideEpochStrategy],
  validation: [validationPlace, validationOptions],
  budget: [budgetSettings, budgetLimit, parallelWithinTrials, gridWithinTrials, pbtWithinTrials],
  storage: [storageUrlForm],
  study: [],
};

/** The slow checks, run last: shapes reads an error-free file, and unused parameters need every expression checked. */
export const SLOW_CHECKS: readonly Check<AstFile>[] = [
  everActive,
  constraintsSatisfiable,
  shapes,
  unusedParameters,
  moduleParamTypes,
];

/** Runs every registered check on a checked AST. */
export function runChecks(c: CheckedAst, report: Reporter): void {
  for (const check of FILE_CHECKS) guarded(check, c.ast, FIRST, c, report);
  for (const [kind, checks] of Object.entries(DECL_CHECKS) as [DeclKind, readonly Check<never>[]][]) {
    const d = c.decls.get(kind);
    if (!d) continue;
    for (const check of checks) guarded(check as Check<typeof d>, d, d.span, c, report);
  }
  if (c.fast) return;
  const spaceSpan = c.decls.get("space")?.span ?? FIRST;
  for (const check of SLOW_CHECKS) guarded(check, c.ast, spaceSpan, c, report);
}

function guarded<N>(check: Check<N>, node: N, span: Span, c: CheckedAst, report: Reporter): void {
  try {
    check(node, c, report);
  } catch (err) {
    if (isStackOverflow(err)) report.add("E017", span, TOO_DEEP);
    else
      report.add("E000", span, {
        check: check.name,
        error: err instanceof Error ? err.message : String(err),
      });
  }
}
