/**
 * hpo's programmatic API: create or load a study, then ask/tell by hand or `optimize(fn)`; or run a
 * Plan with `runStudy` exactly as `hpo run` does. Like the CLI, it wires hpo's own strategies,
 * pruners and objectives (src/cli/compose.ts) into the study runtime, which receives them as deps.
 */
import { defaultStudyDeps } from "./cli/compose.js";
import { checkCallInput, checkSpaceInput, describeInputDiagnostics } from "./lang/space-input.js";
import type { Plan } from "./plan/types.js";
import type { Storage } from "./storage/types.js";
import type { StudyDeps } from "./study/loop.js";
import { type StudyOptions, Study, planFromOptions as buildPlan } from "./study/study.js";
import { HpoError } from "./util/errors.js";

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
  let plan: Plan;
  try {
    plan = "version" in planOrOptions ? planOrOptions : planFromOptions(planOrOptions);
  } catch (err) {
    return Promise.reject(err);
  }
  return Study.open(plan, { ...opts, deps: opts.deps ?? defaultStudyDeps });
}

/**
 * The Plan of a study described in code. Its space, strategy and pruner are checked as a `.hpo`
 * file's are (the same checks, codes and suggestions); problems throw one HpoError listing them all,
 * each naming its entry (`space[1] (lr): error[E040]: low 1 must be below high 0`).
 */
export function planFromOptions(options: StudyOptions): Plan {
  const hint = "parameters are { name, kind: float | int | categorical | normal | fixed, … } (docs/api.md)";
  if (!Array.isArray(options.space))
    throw new HpoError(`study \`${options.study}\`: \`space\` must be a list of parameters`, { hint });
  const input: unknown[] = options.space;
  const checked = checkSpaceInput(input);
  const diagnostics = [...checked.diagnostics];
  const extra: string[] = [];
  const strategy = typeof options.strategy === "string" ? { name: options.strategy } : options.strategy;
  if (strategy) {
    extra.push("strategy");
    diagnostics.push(...checkCallInput("strategy", strategy, input.length + extra.length));
  }
  if (options.pruner) {
    extra.push("pruner");
    diagnostics.push(...checkCallInput("pruner", options.pruner, input.length + extra.length));
  }
  const errors = diagnostics.filter((d) => d.severity === "error");
  if (errors.length > 0 || !checked.space) {
    const n = errors.length;
    throw new HpoError(
      `study \`${options.study}\` has ${n} error${n === 1 ? "" : "s"} in its options:\n${describeInputDiagnostics(errors, input, extra)}`,
      { hint },
    );
  }
  return buildPlan({ ...options, space: checked.space });
}

/** Opens a stored study by name. */
export function loadStudy(
  name: string,
  opts: CreateStudyOptions & { storage: string | Storage },
): Promise<Study> {
  return Study.load(name, { ...opts, deps: opts.deps ?? defaultStudyDeps });
}

export {
  Study,
  toStudyTrial,
  type StudyTrial,
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
