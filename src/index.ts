/**
 * hpo's programmatic API: create or load a study, then ask/tell by hand or `optimize(fn)`; or run a
 * Plan with `runStudy` exactly as `hpo run` does. Like the CLI, it wires hpo's own strategies,
 * pruners and objectives (src/cli/compose.ts) into the study runtime, which receives them as deps.
 */
import { defaultStudyDeps } from "./cli/compose.js";
import type { Plan } from "./plan/types.js";
import type { Storage } from "./storage/types.js";
import type { StudyDeps } from "./study/loop.js";
import { type StudyOptions, Study, planFromOptions } from "./study/study.js";

/** Where a study handle keeps its trials, and (optionally) other strategies than hpo's own. */
export interface CreateStudyOptions {
  /** A storage URL or an open Storage (default `memory:`). */
  storage?: string | Storage;
  /** Strategies, pruners and objectives (default: hpo's own). */
  deps?: StudyDeps;
  /** Keep an existing study of the same name under another name and start afresh. */
  newStudy?: boolean;
}

/** Creates (or resumes) a study from a Plan (e.g. compiled from a .hpo file) or from options in code. */
export function createStudy(
  planOrOptions: Plan | StudyOptions,
  opts: CreateStudyOptions = {},
): Promise<Study> {
  const plan = "version" in planOrOptions ? planOrOptions : planFromOptions(planOrOptions);
  return Study.open(plan, { ...opts, deps: opts.deps ?? defaultStudyDeps });
}

/** Opens a stored study by name. */
export function loadStudy(
  name: string,
  opts: CreateStudyOptions & { storage: string | Storage },
): Promise<Study> {
  return Study.load(name, { ...opts, deps: opts.deps ?? defaultStudyDeps });
}

export {
  planFromOptions,
  Study,
  type AskedTrial,
  type ParamInput,
  type StudyHandleOptions,
  type StudyOptions,
  type TellResult,
} from "./study/study.js";
export {
  runStudy,
  openStudy,
  describeReason,
  type RunStudyOptions,
  type StopReason,
  type StudyDeps,
  type StudyEvent,
  type StudyRunResult,
} from "./study/loop.js";
export type { ObjectiveFn, ObjectiveResult, ObjectiveSource, TrialContext } from "./study/objective.js";
export { loadPlan, type SpecCompiler } from "./study/load-plan.js";
export { compileSpec, defaultStudyDeps, objectiveSource } from "./cli/compose.js";
export { bestTrials, paretoFront, rankTrials } from "./study/results.js";
export { planDifferences } from "./study/plan-diff.js";
export {
  openStorage,
  MemoryStorage,
  SqliteStorage,
  PostgresStorage,
  type Storage,
  type StudyRecord,
  type TrialRecord,
  type NewTrial,
} from "./storage/index.js";
export type * from "./plan/types.js";
export type { Strategy, StrategyFactory, StrategyInit, Pruner } from "./strategies/types.js";
export type { TrialOutcome, TrialResult, TrialState, TrialView } from "./plan/trial.js";
export { HpoError } from "./util/errors.js";

// The native engines, for use beyond the strategies (CPU or CUDA, see docs/native.md).
export {
  GaussianProcess,
  type AcquisitionKind,
  type GpCreateOptions,
  type GpFitOptions,
  type GpHyperparameters,
  type GpKernel,
} from "./native/gp.js";
export { Population, rankObjectives, type GeneSpec, type PopulationOptions } from "./native/evolution.js";
