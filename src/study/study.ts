import { type TrialOutcome, judgeTrial } from "../plan/trial.js";
import type {
  BudgetSpec,
  Direction,
  Expr,
  ObjectiveSpec,
  ParamSpec,
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

/** A parameter as the programmatic API takes it: the Plan's own ParamSpec (the Plan holds no source positions). */
export type ParamInput = ParamSpec;

/** A study described in code rather than in a .hpo file. */
export interface StudyOptions {
  study: string;
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
    space: o.space,
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
  async tell(trial: number | AskedTrial, result: TellResult): Promise<TrialRecord> {
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
    await this.storage.finishTrial(
      rec.id,
      judgeTrial(
        outcome,
        this.plan.objectives.map((o) => o.metric),
      ),
    );
    const done = (await this.storage.getTrial(rec.id))!;
    this.strategy?.tell?.(toTrialView(done));
    return done;
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

  async trials(): Promise<TrialRecord[]> {
    return this.storage.getTrials(this.studyId);
  }

  /** The best trial (single objective), or the Pareto front (several). */
  async best(): Promise<TrialRecord[]> {
    return bestTrials(await this.trials(), this.plan.objectives);
  }

  async close(): Promise<void> {
    await this.storage.close();
  }
}
