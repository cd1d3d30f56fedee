import type { Plan, Params } from "../plan/types.js";
import type { Fidelity, TrialResult, TrialState, TrialView } from "../plan/trial.js";

/** A study as kept in storage: its name and the Plan it runs (so every worker runs what was planned). */
export interface StudyRecord {
  id: number;
  name: string;
  plan: Plan;
  /** Milliseconds since the epoch. */
  createdAt: number;
}

/** One trial as kept in storage. */
export interface TrialRecord {
  /** Storage-wide identifier. */
  id: number;
  studyId: number;
  /** 0-based, unique within the study, in creation order. */
  number: number;
  state: TrialState;
  params: Params;
  /** One value per objective (Plan order); set when complete. */
  values?: number[];
  /** Reported intermediate values (first objective), steps ascending. */
  intermediate: { step: number; value: number }[];
  /** Free-form facts: `metrics` (everything the objective returned), `retryOf`, `abandoned`, … */
  attributes: Record<string, unknown>;
  /** Why the trial failed (or was pruned/stopped), for the user. */
  error?: string;
  /** `host:pid` of the process running it: lets a resume tell a dead worker from a live one. */
  worker?: string;
  fidelity?: Fidelity;
  startedAt: number;
  finishedAt?: number;
  /** Last sign of life of the process running it (ms since the epoch). */
  heartbeat: number;
}

/** What the study gives when it creates a trial. */
export interface NewTrial {
  params: Params;
  worker: string;
  attributes?: Record<string, unknown>;
  fidelity?: Fidelity;
}

/**
 * The one storage contract. Every method is atomic; `createTrial` gives each new trial the next free
 * number even when several processes share the storage, and refuses (returns undefined) once `limit`
 * counted trials exist, so parallel workers never overshoot a trial budget. A finished trial is durable
 * when `finishTrial` resolves.
 */
export interface Storage {
  /** Where the data lives, as the user would write it (`sqlite:/path`, `memory:`, `postgresql://…`). */
  readonly url: string;
  getStudy(name: string): Promise<StudyRecord | undefined>;
  /** Creates a study; fails with HpoError if the name exists. */
  createStudy(name: string, plan: Plan): Promise<StudyRecord>;
  /** Renames a study (used by `--new-study` to keep the old one's history under another name). */
  renameStudy(name: string, newName: string): Promise<void>;
  listStudies(): Promise<StudyRecord[]>;
  /**
   * Creates a running trial with the next number. With `limit`, returns undefined when the study
   * already has `limit` counted trials (every trial except those abandoned by a dead process).
   */
  createTrial(studyId: number, trial: NewTrial, limit?: number): Promise<TrialRecord | undefined>;
  /** Records an intermediate value (idempotent per step). */
  reportIntermediate(trialId: number, step: number, value: number): Promise<void>;
  /** Refreshes the heartbeat of running trials. */
  heartbeat(trialIds: readonly number[], now: number): Promise<void>;
  /**
   * Ends a trial. Returns false (and changes nothing) when it was no longer running, e.g. another
   * process already declared it abandoned.
   */
  finishTrial(trialId: number, result: TrialResult): Promise<boolean>;
  getTrials(studyId: number): Promise<TrialRecord[]>;
  getTrial(trialId: number): Promise<TrialRecord | undefined>;
  close(): Promise<void>;
}

/** Counted against the trial budget: everything but trials abandoned by a dead process (they are retried). */
export function countsAgainstBudget(t: Pick<TrialRecord, "attributes">): boolean {
  return t.attributes["abandoned"] !== true;
}

/** What a strategy sees of a stored trial. */
export function toTrialView(t: TrialRecord): TrialView {
  const view: TrialView = {
    number: t.number,
    state: t.state,
    params: t.params,
    intermediate: t.intermediate,
  };
  if (t.values) view.values = t.values;
  if (t.fidelity) view.fidelity = t.fidelity;
  return view;
}
