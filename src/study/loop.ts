import { trialSeed } from "../plan/random.js";
import { type TrialResult, type TrialView, goalValue, judgeTrial } from "../plan/trial.js";
import type { Plan, PrunerSpec, StrategySpec } from "../plan/types.js";
import {
  type Storage,
  type StudyRecord,
  type TrialRecord,
  countsAgainstBudget,
  toTrialView,
} from "../storage/types.js";
import { type Pruner, type Strategy, type StrategyInit, strategyInit } from "../strategies/types.js";
import { HpoError } from "../util/errors.js";
import { HEARTBEAT_MS, STALE_MS, recoverAbandoned, retryAttributes, workerId } from "./liveness.js";
import type { ObjectiveFn, ObjectiveSource } from "./objective.js";
import { planDifferences } from "./plan-diff.js";
import { InlineRunner, type Isolation, PoolRunner, type TrialRunner } from "./runner.js";

/** What the study loop needs from the rest of hpo, injected so the loop is testable alone. */
export interface StudyDeps {
  createStrategy(spec: StrategySpec, init: StrategyInit): Strategy;
  createPruner(spec: PrunerSpec | undefined): Pruner | undefined;
  /** Where workers find the objective of a Plan (a user module or a built-in test function). */
  objectiveSource(plan: Plan): ObjectiveSource;
  /** Called once a run has ended (not when it throws): e.g. to remove checkpoints nobody can use. */
  finished?(plan: Plan, result: StudyRunResult): Promise<void> | void;
}

/** Why a study run ended. */
export type StopReason = "trials" | "time" | "max-failed" | "exhausted" | "interrupted" | "stopped";

export type StudyEvent =
  | {
      type: "open";
      study: StudyRecord;
      resumed: boolean;
      /** Trials already stored, and how many of them count against the budget. */
      existing: number;
      counted: number;
      limit?: number;
      /** The time budget in seconds, if any. */
      timeSeconds?: number;
      parallel: number;
      /** The trials stored before this run (a resumed study's history: its elapsed time, its rungs). */
      trials: readonly TrialRecord[];
    }
  | { type: "recovered"; trials: number[] }
  | { type: "trial-start"; trial: TrialRecord }
  | { type: "trial-end"; trial: TrialRecord }
  /** A running trial's intermediate report (e.g. the trainer's epoch): `value` is the first objective's. */
  | { type: "trial-report"; trial: number; step: number; value: number }
  | { type: "draining"; running: number }
  | { type: "stopping"; running: number }
  | { type: "end"; reason: StopReason };

export interface RunStudyOptions {
  plan: Plan;
  storage: Storage;
  deps: StudyDeps;
  /** Keep an existing study of the same name under `NAME.<timestamp>` and start afresh. */
  newStudy?: boolean;
  /** Join an existing study only (`hpo worker`): never create it. */
  join?: boolean;
  /** Overrides of the Plan's budget. */
  trials?: number;
  parallel?: number;
  /** Where trials run (runner.ts `isolationFor`; default `auto`). Ignored with `objective`. */
  isolate?: Isolation;
  /** JS heap limit of each trial worker in MB (default DEFAULT_TRIAL_MEMORY_MB). */
  trialMemoryMb?: number;
  /** Run this function in-process instead of the Plan's objective (the programmatic API). */
  objective?: ObjectiveFn;
  /** Aborted: stop asking for trials and wait for the running ones. */
  drain?: AbortSignal;
  /** Aborted: end running trials now (marked failed, not counted) and return. */
  stop?: AbortSignal;
  onEvent?: (event: StudyEvent) => void;
  /** Heartbeat age after which a running trial of another process counts as abandoned. */
  staleMs?: number;
}

export interface StudyRunResult {
  study: StudyRecord;
  reason: StopReason;
  /** Every trial of the study at the end, ordered by number. */
  trials: TrialRecord[];
  /** How many trials this run finished. */
  ran: number;
}

/** How often a process whose budget is taken checks whether its peers' trials have ended. */
const PEER_POLL_MS = 1_000;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** How often another process's new trials are read back from storage for the strategy. */
const REFRESH_MS = 1_000;

/** Opens (or creates) the study a Plan names, refusing a changed Plan with a readable diff. */
export async function openStudy(
  storage: Storage,
  plan: Plan,
  opts: { newStudy?: boolean; join?: boolean } = {},
): Promise<{ study: StudyRecord; resumed: boolean }> {
  let existing = await storage.getStudy(plan.study);
  if (existing && opts.newStudy) {
    const stamp = new Date().toISOString().replace(/[-:]/g, "").replace(/\..*/, "");
    await storage.renameStudy(plan.study, `${plan.study}.${stamp}`);
    existing = undefined;
  }
  if (!existing) {
    if (opts.join)
      throw new HpoError(`no study \`${plan.study}\` in ${storage.url}`, {
        hint: "start it with `hpo run`, then join it with `hpo worker`",
      });
    try {
      return { study: await storage.createStudy(plan.study, plan), resumed: false };
    } catch (err) {
      // Another process created it a moment ago: join it like a resume.
      existing = await storage.getStudy(plan.study);
      if (!existing) throw err;
    }
  }
  const diffs = planDifferences(existing.plan, plan);
  if (diffs.length > 0)
    throw new HpoError(
      `study \`${plan.study}\` already exists in ${storage.url} with a different plan:\n${diffs.map((d) => `    ${d}`).join("\n")}`,
      {
        hint: "run with --new-study to start over (the old study is kept under a new name), or rename the study",
      },
    );
  return { study: existing, resumed: true };
}

/**
 * Runs a study to its budget: asks the strategy for configurations, runs them in workers, stores each
 * result before asking again, prunes on intermediate reports, and resumes whatever storage already
 * holds (trials of dead processes are failed and retried once).
 */
export async function runStudy(opts: RunStudyOptions): Promise<StudyRunResult> {
  const { plan, storage, deps } = opts;
  const emit = opts.onEvent ?? (() => {});
  const { study, resumed } = await openStudy(storage, plan, opts);
  // A joining worker follows the study's stored budget, not the trials of its own copy of the spec.
  const limit = opts.trials ?? (opts.join ? study.plan.budget.trials : plan.budget.trials);
  const parallel = Math.max(1, Math.floor(opts.parallel ?? plan.budget.parallel ?? 1));
  const timeoutMs =
    plan.budget.trialTimeoutSeconds !== undefined ? plan.budget.trialTimeoutSeconds * 1000 : undefined;
  const deadline =
    plan.budget.timeSeconds !== undefined ? Date.now() + plan.budget.timeSeconds * 1000 : undefined;
  const metrics = plan.objectives;
  const me = workerId();

  const history = new History(storage, study.id);
  await history.refresh();
  const staleMs = opts.staleMs ?? STALE_MS;
  const retries: TrialRecord[] = [];
  let recoveredAt = 0;
  /** Fails trials of processes that died (at start, then now and then) and queues their retries. */
  const recover = async () => {
    recoveredAt = Date.now();
    const found = await recoverAbandoned(storage, history.records, staleMs);
    if (found.length === 0) return;
    retries.push(...found);
    emit({ type: "recovered", trials: found.map((t) => t.number) });
    await history.refresh();
  };
  await recover();
  emit({
    type: "open",
    study,
    resumed,
    existing: history.records.length,
    counted: history.counted,
    limit,
    ...(plan.budget.timeSeconds !== undefined ? { timeSeconds: plan.budget.timeSeconds } : {}),
    parallel,
    trials: [...history.records],
  });

  const strategy = deps.createStrategy(plan.strategy, strategyInit(plan));
  const pruner = deps.createPruner(plan.pruner);
  const runner: TrialRunner = opts.objective
    ? new InlineRunner(opts.objective)
    : new PoolRunner(deps.objectiveSource(plan), opts.isolate ?? "auto", opts.trialMemoryMb, parallel);

  const running = new Map<number, Promise<void>>();
  let fatal: unknown;
  let ran = 0;
  let reason: StopReason | undefined;
  let wake: () => void = () => {};
  const woken = () => new Promise<void>((r) => (wake = r));

  const onDrain = () => {
    if (reason === undefined) reason = "interrupted";
    emit({ type: "draining", running: running.size });
    wake();
  };
  const onStop = () => {
    reason = reason === "interrupted" || reason === undefined ? "stopped" : reason;
    emit({ type: "stopping", running: running.size });
    void runner.close();
    wake();
  };
  opts.drain?.addEventListener("abort", onDrain, { once: true });
  opts.stop?.addEventListener("abort", onStop, { once: true });
  const heartbeat = setInterval(() => {
    const ids = [...running.keys()];
    if (ids.length) storage.heartbeat(ids, Date.now()).catch(() => {});
  }, HEARTBEAT_MS);
  heartbeat.unref();
  const timer =
    deadline !== undefined ? setTimeout(() => wake(), Math.max(0, deadline - Date.now())) : undefined;
  timer?.unref();

  const execute = async (rec: TrialRecord): Promise<void> => {
    emit({ type: "trial-start", trial: rec });
    const outcome = await runner.run(
      {
        id: rec.id,
        trial: rec.number,
        params: rec.params,
        seed: trialSeed(plan.seed, rec.number),
        ...(rec.fidelity ? { fidelity: rec.fidelity } : {}),
      },
      {
        timeoutMs,
        onReport: async (step, values) => {
          // An objective expression is computed per step where all its inputs are reported then.
          const first = metrics[0];
          const v = typeof values === "number" ? values : first ? goalValue(first, values) : undefined;
          if (typeof v !== "number" || !Number.isFinite(v) || !Number.isFinite(step)) return false;
          await storage.reportIntermediate(rec.id, step, v);
          emit({ type: "trial-report", trial: rec.number, step, value: v });
          const view = history.addIntermediate(rec.number, step, v);
          const direction = plan.objectives[0]?.direction ?? "minimize";
          if (view === undefined || pruner === undefined) return false;
          return pruner.shouldPrune(view, history.views, direction);
        },
      },
    );
    if (outcome.kind === "load-error" && fatal === undefined) {
      fatal = new HpoError(outcome.message);
      void runner.close();
    }
    const result = judgeTrial(outcome, metrics);
    // Durable before anything else is asked; false when another process declared it abandoned.
    if (await storage.finishTrial(rec.id, result)) {
      const done = history.finish(rec, result);
      strategy.tell?.(toTrialView(done));
      emit({ type: "trial-end", trial: done });
      ran++;
    }
  };

  const start = (rec: TrialRecord) => {
    history.put(rec);
    const p = execute(rec)
      .catch((err) => {
        if (fatal === undefined) fatal = err;
      })
      .finally(() => {
        running.delete(rec.id);
        wake();
      });
    running.set(rec.id, p);
  };

  /** Whether other processes still run trials of this study (after failing those of dead ones). */
  const peersRunning = async (): Promise<boolean> => {
    await history.refresh();
    await recover();
    if (retries.length > 0) return true;
    return history.records.some((t) => t?.state === "running" && t.worker !== me);
  };

  /** Starts up to `free` trials; false once the budget is full or the strategy has nothing to offer. */
  const fill = async (free: number): Promise<"ok" | "full" | "empty"> => {
    while (retries.length > 0 && free > 0) {
      const old = retries.shift()!;
      const rec = await storage.createTrial(
        study.id,
        { params: old.params, worker: me, attributes: retryAttributes(old), fidelity: old.fidelity },
        limit,
      );
      if (!rec) return "full";
      start(rec);
      free--;
    }
    if (free === 0) return "ok";
    await history.refreshIfOld();
    if (Date.now() - recoveredAt > staleMs / 2) {
      await recover();
      if (retries.length > 0) return "ok";
    }
    const counted = history.counted;
    const want = limit === undefined ? free : Math.min(free, Math.max(1, limit - counted));
    const proposals = await strategy.ask({ trials: history.views, nextNumber: history.records.length }, want);
    if (proposals.length === 0) return "empty";
    for (const p of proposals) {
      const rec = await storage.createTrial(
        study.id,
        { params: p.params, worker: me, ...(p.fidelity ? { fidelity: p.fidelity } : {}) },
        limit,
      );
      if (!rec) return "full";
      start(rec);
    }
    return "ok";
  };

  try {
    for (;;) {
      if (fatal !== undefined) break;
      if (reason === undefined) {
        if (opts.stop?.aborted) reason = "stopped";
        else if (opts.drain?.aborted) reason = "interrupted";
        else if (deadline !== undefined && Date.now() >= deadline) reason = "time";
        else if (plan.budget.maxFailed !== undefined && history.failed() >= plan.budget.maxFailed)
          reason = "max-failed";
      }
      let asked: "ok" | "full" | "empty" | "idle" | "peers" = "idle";
      if (reason === undefined && running.size < parallel) {
        asked = await fill(parallel - running.size);
        // The budget is taken, but a peer's trials may still fail or be abandoned (a peer killed in
        // the last seconds): wait for them so that their retries run and the budget ends exact.
        if (asked === "full") {
          if (await peersRunning()) asked = "peers";
          else reason = "trials";
        } else if (asked === "empty" && running.size === 0) reason = "exhausted";
      }
      if (running.size === 0) {
        if (reason !== undefined || fatal !== undefined) break;
        if (asked === "peers") await Promise.race([woken(), sleep(PEER_POLL_MS)]);
        continue;
      }
      // Wait for a trial to end (or a signal, or the deadline) unless there is room to start more now.
      if (reason !== undefined || running.size >= parallel || asked === "empty" || asked === "peers") {
        const wait = woken();
        await Promise.race([wait, ...running.values()]);
      }
    }
    await Promise.all(running.values());
  } finally {
    clearInterval(heartbeat);
    if (timer) clearTimeout(timer);
    opts.drain?.removeEventListener("abort", onDrain);
    opts.stop?.removeEventListener("abort", onStop);
    await runner.close();
    strategy.dispose?.();
  }
  if (fatal !== undefined) throw fatal;
  const final = reason ?? "exhausted";
  emit({ type: "end", reason: final });
  const result: StudyRunResult = { study, reason: final, trials: await storage.getTrials(study.id), ran };
  await deps.finished?.(plan, result);
  return result;
}

/** The study's trials as this process knows them: its own at once, other processes' on refresh. */
class History {
  records: TrialRecord[] = [];
  views: TrialView[] = [];
  /** How many known trials count against the budget, kept up to date by put(). */
  counted = 0;
  private refreshedAt = 0;
  /** This process's trials numbered past another process's not yet read: kept until the next refresh. */
  private ahead = new Map<number, { record: TrialRecord; view: TrialView }>();

  constructor(
    private readonly storage: Storage,
    private readonly studyId: number,
  ) {}

  async refresh(): Promise<void> {
    const intermediate = new Map<number, TrialView["intermediate"]>();
    for (const { view } of this.ahead.values()) intermediate.set(view.number, view.intermediate);
    for (const v of this.views) intermediate.set(v.number, v.intermediate);
    this.records = await this.storage.getTrials(this.studyId);
    // Keep intermediate values this process knows but has not yet seen stored (writes in flight).
    this.views = this.records.map((r) => {
      const view = toTrialView(r);
      const known = intermediate.get(r.number);
      if (r.state === "running" && known && known.length > view.intermediate.length)
        view.intermediate = known;
      return view;
    });
    this.ahead.clear();
    this.counted = this.records.filter(countsAgainstBudget).length;
    this.refreshedAt = Date.now();
  }

  async refreshIfOld(): Promise<void> {
    if (this.ahead.size > 0 || Date.now() - this.refreshedAt > REFRESH_MS) await this.refresh();
  }

  /** Adds or replaces a trial; the arrays stay dense (numbers 0…n-1) for strategies and pruners. */
  put(rec: TrialRecord): void {
    const view = toTrialView(rec);
    const old = this.records[rec.number] ?? this.ahead.get(rec.number)?.record;
    this.counted += (countsAgainstBudget(rec) ? 1 : 0) - (old && countsAgainstBudget(old) ? 1 : 0);
    if (rec.number < this.records.length) {
      this.records[rec.number] = rec;
      this.views[rec.number] = view;
    } else if (rec.number === this.records.length) {
      this.records.push(rec);
      this.views.push(view);
    } else this.ahead.set(rec.number, { record: rec, view });
  }

  /** Records a trial's end as storage now has it. */
  finish(rec: TrialRecord, result: TrialResult): TrialRecord {
    const known =
      this.records[rec.number]?.id === rec.id ? this.records[rec.number] : this.ahead.get(rec.number)?.record;
    const view = this.view(rec.number);
    const done: TrialRecord = {
      ...(known ?? rec),
      state: result.state,
      attributes: { ...(known ?? rec).attributes, ...(result.attributes ?? {}) },
      intermediate: view?.intermediate ?? rec.intermediate,
      finishedAt: Date.now(),
    };
    if (result.values) done.values = result.values;
    if (result.error !== undefined) done.error = result.error;
    this.put(done);
    return done;
  }

  private view(number: number): TrialView | undefined {
    return this.views[number] ?? this.ahead.get(number)?.view;
  }

  addIntermediate(number: number, step: number, value: number): TrialView | undefined {
    const view = this.view(number);
    if (!view) return undefined;
    const intermediate = view.intermediate.filter((p) => p.step !== step);
    intermediate.push({ step, value });
    intermediate.sort((a, b) => a.step - b.step);
    view.intermediate = intermediate;
    return view;
  }

  failed(): number {
    return this.records.filter((t) => t?.state === "failed" && countsAgainstBudget(t)).length;
  }
}

export function describeReason(reason: StopReason): string {
  switch (reason) {
    case "trials":
      return "the trial budget is spent";
    case "time":
      return "the time budget is spent";
    case "max-failed":
      return "too many trials failed (max_failed)";
    case "exhausted":
      return "the strategy has nothing more to try";
    case "interrupted":
      return "interrupted (Ctrl-C or SIGTERM): running trials were allowed to finish";
    case "stopped":
      return "stopped (a second Ctrl-C or SIGTERM): running trials were interrupted";
  }
}
