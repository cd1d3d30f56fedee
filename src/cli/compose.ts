/**
 * The composition root: the one module that wires the language, the strategies and pruners, the
 * trainer and the study runtime together. The CLI loads it lazily; src/index.ts wires the
 * programmatic API from it. Below it, the study runtime only receives these as `StudyDeps`.
 */
import { rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { compileFile, formatDiagnostics } from "../lang/index.js";
import { evaluate } from "../plan/expr.js";
import type { Plan } from "../plan/types.js";
import { createStrategy } from "../strategies/index.js";
import { createPruner } from "../strategies/pruners/index.js";
import type { StudyDeps, StudyRunResult } from "../study/loop.js";
import type { ObjectiveSource } from "../study/objective.js";
import type { TrainerObjectiveArg } from "../train/objective.js";
import { HpoError } from "../util/errors.js";
import type { CliDeps } from "./study-cli.js";

/** The module workers load the built-in test functions from (its `builtinObjective`, `evaluateBuiltin`). */
const BUILTIN_OBJECTIVES_URL = new URL("../objectives/index.js", import.meta.url).href;
/** The module whose `trainerObjective` turns a trainer Plan into an objective (loaded in the workers only). */
const TRAINER_OBJECTIVE_URL = new URL("../train/objective.js", import.meta.url).href;
/** The module whose `shareTrainerData` reads a trainer Plan's data once, in the study process (no tfjs). */
const TRAINER_DATA_URL = new URL("../train/data.js", import.meta.url).href;

/**
 * Where a study keeps the checkpoints of its multi-fidelity trials: beside the spec, in
 * `.hpo/checkpoints/<study>/` (studies that share PostgreSQL across machines need that folder on a
 * shared file system).
 */
export function checkpointFolder(plan: Plan): string {
  return join(dirname(plan.source.file), ".hpo", "checkpoints", plan.study.replace(/[^\w.-]+/g, "_"));
}

/** Where workers find a Plan's objective: its user module, or a built-in test function with its arguments. */
export function objectiveSource(plan: Plan): ObjectiveSource {
  const trial = plan.trial;
  if (trial.kind === "trainer") {
    const arg: TrainerObjectiveArg = {
      plan,
      checkpoints: checkpointFolder(plan),
      backend: process.env.HPO_TF_BACKEND,
    };
    // The data are read once by the study process and shared with the worker threads.
    const share = { from: TRAINER_DATA_URL, name: "shareTrainerData" };
    return { kind: "factory", from: TRAINER_OBJECTIVE_URL, name: "trainerObjective", arg, share };
  }
  if (trial.module) return { kind: "module", path: trial.module };
  if (trial.builtin) {
    // Built-in arguments (e.g. `rosenbrock(dim = 4)`) use no hyperparameter: evaluated once, here.
    const args = Object.fromEntries(Object.entries(trial.builtin.args).map(([k, e]) => [k, evaluate(e, {})]));
    return { kind: "builtin", name: trial.builtin.name, args, from: BUILTIN_OBJECTIVES_URL };
  }
  throw new HpoError("the plan's `evaluate` names neither a module nor a built-in function");
}

/**
 * Compiles a .hpo spec; on errors, an HpoError whose message is the formatted diagnostics
 * (FILE:LINE:COL, the source line and a caret), so `hpo run` prints them and exits 1.
 */
export function compileSpec(path: string): Plan {
  const { plan, diagnostics, source } = compileFile(path);
  const errors = diagnostics.filter((d) => d.severity === "error");
  if (plan && errors.length === 0) return plan;
  const n = Math.max(1, errors.length);
  throw new HpoError(
    `\`${path}\` has ${n} error${n === 1 ? "" : "s"}:\n${formatDiagnostics(errors, source).trimEnd()}`,
    { hint: "`hpo check SPEC` lists warnings too" },
  );
}

/**
 * Removes a study's checkpoints once no trial can be promoted or resumed from them: the run spent its
 * budget (trials, time, max_failed) or the strategy has nothing left to propose, and no trial is still
 * running (in another process sharing the storage). An interrupted or stopped run keeps them, so that
 * resuming the study can still promote its trials.
 */
export function removeSpentCheckpoints(plan: Plan, result: StudyRunResult): boolean {
  if (plan.trial.kind !== "trainer") return false;
  if (result.reason === "interrupted" || result.reason === "stopped") return false;
  if (result.trials.some((t) => t.state === "running")) return false;
  rmSync(checkpointFolder(plan), { recursive: true, force: true });
  return true;
}

/** hpo's own strategies, pruners and objectives; spent studies' checkpoints are removed. */
export const defaultStudyDeps: StudyDeps = {
  createStrategy,
  createPruner,
  objectiveSource,
  finished: (plan, result) => void removeSpentCheckpoints(plan, result),
};

/** The strategies, pruners, objectives and compiler the CLI runs studies with. */
export const defaultCliDeps: CliDeps = { study: defaultStudyDeps, compileSpec };
