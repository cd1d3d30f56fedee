/**
 * The built-in trainer as a study objective: what `hpo run` gives its workers for a Plan with
 * `data` + `model` + `train`. Each trial resolves the Plan with its parameters (src/plan/resolve.ts)
 * and trains with `trainTrial`. Multi-fidelity trials (sha, hyperband, asha) train to the proposed
 * number of epochs and continue the checkpoint of the trial they were promoted from; their
 * learning-rate schedule spans the strategy's `max_epochs` (`fidelityHorizon`), so a trial stopped at
 * a low rung and the same trial promoted and continued follow one curve, as one uninterrupted run would.
 */
import { cpSync, existsSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { Params, Plan, ResolvedTrainer } from "../plan/types.js";
import { type Fidelity, fidelityHorizon } from "../plan/trial.js";
import { resolve } from "../plan/resolve.js";
import { HpoError } from "../util/errors.js";
import { provideData, type SharedTrainerData } from "./data.js";
import { trainTrial } from "./index.js";

/** What the study posts to a worker (structured-cloneable). */
export interface TrainerObjectiveArg {
  plan: Plan;
  /** Folder of this study's checkpoints (one sub-folder per trial); only multi-fidelity studies use it. */
  checkpoints: string;
  /** `--backend`: auto (default), native (hpo's addon), wasm, cpu, tensorflow (tfjs-node) or tensorflow-gpu. */
  backend?: string;
}

interface TrainerCtx {
  /** Resolves once the pruner has decided (the study's `TrialContext.report`). */
  report(step: number, values: Record<string, number>): Promise<void>;
  shouldPrune(): boolean;
  signal: AbortSignal;
  seed: number;
  trial: number;
  fidelity?: Fidelity;
}

/** The objective factory named by the study's `ObjectiveSource` ({ kind: "factory", name: "trainerObjective" }). */
export function trainerObjective(arg: TrainerObjectiveArg, shared?: SharedTrainerData) {
  const { plan, checkpoints, backend } = arg;
  if (plan.trial.kind !== "trainer")
    throw new HpoError("trainerObjective needs a plan with data, model and train");
  if (shared) provideData(shared);
  return async (params: Params, ctx: TrainerCtx): Promise<Record<string, number>> => {
    const resolved = resolve(plan, params) as ResolvedTrainer;
    const fidelity = ctx.fidelity;
    let checkpoint: string | undefined;
    let scheduleEpochs: number | undefined;
    if (fidelity) {
      // Train to the proposed epochs; a promoted trial starts from a copy of its parent's state so
      // the parent's checkpoint stays as it was (a resumed study may read it again).
      resolved.train = { ...resolved.train, epochs: fidelity.resource };
      scheduleEpochs = fidelityHorizon(plan.strategy, fidelity.resource);
      checkpoint = join(checkpoints, `trial-${ctx.trial}`);
      rmSync(checkpoint, { recursive: true, force: true });
      if (fidelity.resumedFrom !== undefined) {
        const parent = join(checkpoints, `trial-${fidelity.resumedFrom}`);
        if (existsSync(parent)) cpSync(parent, checkpoint, { recursive: true });
      }
      mkdirSync(checkpoint, { recursive: true });
    }
    // ctx.report's promise reaches the trainer, which awaits it before asking shouldPrune().
    return trainTrial(resolved, ctx, { backend, checkpoint, scheduleEpochs });
  };
}
