/**
 * hpo's programmatic API: create or load a study, then ask/tell by hand or `optimize(fn)`; or run a
 * Plan with `runStudy` exactly as `hpo run` does.
 */
export {
  createStudy,
  loadStudy,
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
export { compileSpec, defaultStudyDeps, objectiveSource } from "./study/default-deps.js";
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
