import type {
  BudgetSpec,
  ObjectiveSpec,
  Params,
  ParamSpec,
  Plan,
  Expr,
  StrategySpec,
  Value,
} from "../plan/types.js";
import { explorableParams } from "../plan/explorable.js";
import type { Fidelity, TrialView } from "../plan/trial.js";

/**
 * The ask/tell contract every strategy implements.
 *
 * A strategy never trains a model or touches storage: the study does. Its state is a pure function of
 * its construction (space, objectives, options, seed) and of the trial history it is shown, so a
 * resumed study, or a second process joining one, reproduces it from storage alone; nothing opaque is
 * persisted. Every random choice derives from `seed` (and, for per-trial draws, the trial number).
 */

/** One configuration a strategy proposes. */
export interface Proposal {
  params: Params;
  /** Multi-fidelity strategies: train to this resource, continuing the given trial's checkpoint. */
  fidelity?: Fidelity;
}

/** What the study passes to `ask`. */
export interface AskContext {
  /** Every trial of the study so far (including running ones), ordered by number. */
  trials: readonly TrialView[];
  /** The number the first proposal will get; proposal i gets `nextNumber + i`. */
  nextNumber: number;
}

export interface Strategy {
  readonly name: string;
  /**
   * Proposes up to `count` configurations (batch ask for parallel workers). Returning fewer than
   * asked means the strategy has nothing more to propose right now; returning none when no trial is
   * running means it is exhausted (e.g. a finished grid).
   */
  ask(context: AskContext, count: number): Promise<Proposal[]>;
  /** Told when a trial finishes (any state): a hook for caches; the history in `ask` stays authoritative. */
  tell?(trial: TrialView): void;
  /** Frees native resources, if any. */
  dispose?(): void;
}

/** What every strategy factory receives. */
export interface StrategyInit {
  space: ParamSpec[];
  constraints: Expr[];
  objectives: ObjectiveSpec[];
  options: Record<string, Value>;
  seed: number;
  /** The study's limits (multi-fidelity and population strategies size themselves from `trials`). */
  budget?: BudgetSpec;
  /**
   * Population-based training: the parameters that may change while one model trains on
   * (src/plan/explorable.ts); every parameter when absent (an objective without checkpoints).
   */
  explorable?: readonly string[];
}

export type StrategyFactory = (init: StrategyInit) => Strategy;

/** What a Plan gives its strategy: built here only, so the study loop and `Study.ask` agree. */
export function strategyInit(plan: Plan): StrategyInit {
  const explorable = explorableParams(plan);
  return {
    space: plan.space,
    constraints: plan.constraints,
    objectives: plan.objectives,
    options: plan.strategy.options,
    seed: plan.seed,
    budget: plan.budget,
    ...(explorable ? { explorable } : {}),
  };
}

/** Decides, from a trial's intermediate values and every other trial's, whether to stop it early. */
export interface Pruner {
  readonly name: string;
  shouldPrune(trial: TrialView, trials: readonly TrialView[], direction: ObjectiveSpec["direction"]): boolean;
}

export type { StrategySpec };
export type { TrialState, TrialView } from "../plan/trial.js";
