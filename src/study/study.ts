import { type Fidelity, type TrialOutcome, type TrialState, judgeTrial } from "../plan/trial.js";
import type {
  BudgetSpec,
  Direction,
  Expr,
  ObjectiveSpec,
  Params,
  ParamSpec,
  Scalar,
  Plan,
  PrunerSpec,
  StrategyName,
  StrategySpec,
} from "../plan/types.js";
import { openStorage } from "../storage/index.js";
import type { Storage, TrialRecord } from "../storage/types.js";
import { toTrialView } from "../storage/types.js";
import { type Strategy, strategyInit } from "../strategies/types.js";
import { HpoError } from "../util/errors.js";
import { workerId } from "./liveness.js";
import { type StudyDeps, type StudyRunResult, openStudy, runStudy } from "./loop.js";
import type { ObjectiveFn } from "./objective.js";
import { bestTrials } from "./results.js";

/**
 * A parameter as the programmatic API takes it: the Plan's ParamSpec with the language's defaults
 * left optional (`log` false, an int's `step` 1, `ordered` false). `createStudy` checks it as a
 * `.hpo` space is checked (src/lang/space-input.ts) and fills the defaults.
 */
export type ParamInput = { name: string; condition?: Expr } & (
  | { kind: "float"; low: number; high: number; log?: boolean; step?: number }
  | { kind: "int"; low: number; high: number; log?: boolean; step?: number }
  | { kind: "categorical"; choices: Scalar[]; ordered?: boolean }
  | { kind: "normal"; mean: number; sd: number }
  | { kind: "fixed"; value: Scalar }
);

/** A trial as the programmatic API returns it (`best()`, `trials()`, `tell()`): no storage internals. */
export interface StudyTrial {
  /** 0-based, in creation order. */
  number: number;
  state: TrialState;
  /** The active parameters (an inactive conditional one is absent). */
  params: Params;
  /** Each objective's value by its metric name; set when the trial is complete. */
  values?: Record<string, number>;
  /** Everything the objective returned, by name (objectives and any extra metrics). */
  metrics?: Record<string, number>;
  /** The values reported with `ctx.report(step, value)` (first objective), steps ascending. */
  intermediate: { step: number; value: number }[];
  /** Why the trial failed or was pruned, for the user. */
  error?: string;
  /** Multi-fidelity strategies: the resource it ran to and the trial it continued. */
  fidelity?: Fidelity;
  startedAt: Date;
  finishedAt?: Date;
  /** Wall seconds from start to finish; absent while running. */
  durationSeconds?: number;
}

/** A stored trial in the API's shape (values keyed by the objectives' metrics). */
export function toStudyTrial(t: TrialRecord, objectives: ObjectiveSpec[]): StudyTrial {
  const out: StudyTrial = {
    number: t.number,
    state: t.state,
    params: t.params,
    intermediate: t.intermediate,
    startedAt: new Date(t.startedAt),
  };
  if (t.values) out.values = Object.fromEntries(objectives.map((o, i) => [o.metric, t.values![i]!]));
  const metrics = t.attributes["metrics"];
  if (metrics && typeof metrics === "object") out.metrics = metrics as Record<string, number>;
  if (t.error !== undefined) out.error = t.error;
  if (t.fidelity) out.fidelity = t.fidelity;
  if (t.finishedAt !== undefined) {
    out.finishedAt = new Date(t.finishedAt);
    out.durationSeconds = (t.finishedAt - t.startedAt) / 1000;
  }
  return out;
}

/** A study described in code rather than in a .hpo file. */
export interface StudyOptions {
  study: string;
  /** The parameters, checked as a `.hpo` space is (unknown kinds, ranges, steps…). */
  space: ParamInput[];
  constraints?: Expr[];
  /** Several goals; or use `direction` (and `metric`, default "value") for one. */
  objectives?: ObjectiveSpec[];
  direction?: Direction;
  metric?: string;
  /** Default `tpe` with its defaults filled by the strategy. */
  strategy?: StrategyName | StrategySpec;
  pruner?: PrunerSpec;
  seed?: number;
  budget?: Partial<BudgetSpec>;
}

export interface StudyHandleOptions {
  /** A storage URL or an open Storage (default `memory:`). */
  storage?: string | Storage;
  /** The strategies, pruners and objectives the study runs with (src/index.ts passes hpo's own). */
  deps: StudyDeps;
  /** Keep an existing study of the same name under another name and start afresh. */
  newStudy?: boolean;
}

/** What `ask` hands out: a trial to evaluate and then `tell`. */
export interface AskedTrial {
  number: number;
  params: TrialRecord["params"];
}

/** The result told for a trial: its value(s), or that it was pruned or failed. */
export type TellResult = number | Record<string, number> | { state: "pruned" | "failed"; error?: string };

/** Builds the Plan of a study described in code. */
export function planFromOptions(o: StudyOptions): Plan {
  const objectives = o.objectives ?? [{ metric: o.metric ?? "value", direction: o.direction ?? "minimize" }];
  const strategy: StrategySpec =
    typeof o.strategy === "string"
      ? { name: o.strategy, options: {} }
      : (o.strategy ?? { name: "tpe", options: {} });
  const plan: Plan = {
    version: 1,
    study: o.study,
    seed: o.seed ?? 0,
    source: { file: "", sha256: "" },
    space: o.space as ParamSpec[],
    constraints: o.constraints ?? [],
    trial: { kind: "evaluate" },
    objectives,
    strategy,
    validation: { kind: "holdout", options: {} },
    budget: { parallel: 1, ...o.budget },
    storage: "memory:",
  };
  if (o.pruner) plan.pruner = o.pruner;
  return plan;
}

/** A stored study you drive from code: ask/tell by hand, or `optimize(fn)`. */
export class Study {
  private strategy?: Strategy;

  private constructor(
    readonly plan: Plan,
    readonly storage: Storage,
    private readonly studyId: number,
    private readonly deps: StudyDeps,
  ) {}

  /** Opens (creating or resuming) the study; a changed Plan is refused as by `hpo run`. */
  static async open(plan: Plan, opts: StudyHandleOptions): Promise<Study> {
    const storage =
      typeof opts.storage === "object" ? opts.storage : await openStorage(opts.storage ?? "memory:");
    const { study } = await openStudy(storage, plan, { newStudy: opts.newStudy });
    return new Study(plan, storage, study.id, opts.deps);
  }

  /** Opens an existing study by name with the Plan it was stored with. */
  static async load(name: string, opts: StudyHandleOptions & { storage: string | Storage }): Promise<Study> {
    const storage = typeof opts.storage === "object" ? opts.storage : await openStorage(opts.storage);
    const study = await storage.getStudy(name);
    if (!study) throw new HpoError(`no study \`${name}\` in ${storage.url}`);
    return new Study(study.plan, storage, study.id, opts.deps);
  }

  get name(): string {
    return this.plan.study;
  }

  /** Creates the next trial from the strategy (running until told). */
  async ask(): Promise<AskedTrial> {
    this.strategy ??= this.deps.createStrategy(this.plan.strategy, strategyInit(this.plan));
    const trials = await this.storage.getTrials(this.studyId);
    const [proposal] = await this.strategy.ask(
      { trials: trials.map(toTrialView), nextNumber: trials.length },
      1,
    );
    if (!proposal) throw new HpoError(`the ${this.plan.strategy.name} strategy has nothing more to try`);
    const rec = await this.storage.createTrial(this.studyId, {
      params: proposal.params,
      worker: workerId(),
      ...(proposal.fidelity ? { fidelity: proposal.fidelity } : {}),
    });
    return { number: rec!.number, params: rec!.params };
  }

  /** Records a trial's result; a non-finite or missing value fails the trial with the reason. */
  async tell(trial: number | AskedTrial, result: TellResult): Promise<StudyTrial> {
    const number = typeof trial === "number" ? trial : trial.number;
    const rec = (await this.storage.getTrials(this.studyId)).find((t) => t.number === number);
    if (!rec) throw new HpoError(`study \`${this.name}\` has no trial ${number}`);
    if (rec.state !== "running") throw new HpoError(`trial ${number} is already ${rec.state}`);
    const declared = typeof result === "object" && "state" in result && typeof result.state === "string";
    const outcome: TrialOutcome = declared
      ? {
          kind: "declared",
          state: result.state as "pruned" | "failed",
          ...(typeof result.error === "string" ? { error: result.error } : {}),
        }
      : { kind: "returned", value: result, pruned: false };
    await this.storage.finishTrial(rec.id, judgeTrial(outcome, this.plan.objectives));
    const done = (await this.storage.getTrial(rec.id))!;
    this.strategy?.tell?.(toTrialView(done));
    return toStudyTrial(done, this.plan.objectives);
  }

  /** Runs `fn` on trials until the budget (or the given `trials`) is spent, `parallel` at a time. */
  async optimize(
    fn: ObjectiveFn,
    opts: { trials?: number; parallel?: number; signal?: AbortSignal } = {},
  ): Promise<StudyRunResult> {
    const trials = opts.trials ?? this.plan.budget.trials;
    if (trials === undefined && this.plan.budget.timeSeconds === undefined)
      throw new HpoError(
        "optimize needs a budget: pass { trials } or set budget.trials / budget.timeSeconds",
      );
    return runStudy({
      plan: this.plan,
      storage: this.storage,
      deps: this.deps,
      objective: fn,
      trials,
      parallel: opts.parallel,
      drain: opts.signal,
    });
  }

  /** Every trial of the study, in creation order. */
  async trials(): Promise<StudyTrial[]> {
    return (await this.storage.getTrials(this.studyId)).map((t) => toStudyTrial(t, this.plan.objectives));
  }

  /** The best trial (single objective: a list of one, empty before any completes), or the Pareto front (several). */
  async best(): Promise<StudyTrial[]> {
    const trials = await this.storage.getTrials(this.studyId);
    return bestTrials(trials, this.plan.objectives).map((t) => toStudyTrial(t, this.plan.objectives));
  }

  async close(): Promise<void> {
    await this.storage.close();
  }
}
