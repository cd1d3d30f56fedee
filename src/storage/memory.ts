import type { Plan } from "../plan/types.js";
import type { TrialResult } from "../plan/trial.js";
import { HpoError } from "../util/errors.js";
import {
  type NewTrial,
  type Storage,
  type StudyRecord,
  type TrialRecord,
  countsAgainstBudget,
} from "./types.js";

/** Keeps everything in this process's memory (`memory:`): nothing survives the process. */
export class MemoryStorage implements Storage {
  readonly url = "memory:";
  private studies: StudyRecord[] = [];
  private trials: TrialRecord[] = [];
  private byStudy: Record<number, TrialRecord[]> = {};
  /** Trials counted against the budget, per study (kept so creating a trial is O(1)). */
  private counted: Record<number, number> = {};

  async getStudy(name: string): Promise<StudyRecord | undefined> {
    const s = this.studies.find((x) => x.name === name);
    return s && clone(s);
  }

  async createStudy(name: string, plan: Plan): Promise<StudyRecord> {
    if (this.studies.some((s) => s.name === name)) throw new HpoError(`study \`${name}\` already exists`);
    const s: StudyRecord = { id: this.studies.length + 1, name, plan: clone(plan), createdAt: Date.now() };
    this.studies.push(s);
    return clone(s);
  }

  async renameStudy(name: string, newName: string): Promise<void> {
    if (this.studies.some((s) => s.name === newName))
      throw new HpoError(`study \`${newName}\` already exists`);
    const s = this.studies.find((x) => x.name === name);
    if (!s) throw new HpoError(`no study named \`${name}\``);
    s.name = newName;
  }

  async listStudies(): Promise<StudyRecord[]> {
    return this.studies.map(clone);
  }

  async createTrial(studyId: number, trial: NewTrial, limit?: number): Promise<TrialRecord | undefined> {
    const mine = (this.byStudy[studyId] ??= []);
    const counted = this.counted[studyId] ?? 0;
    if (limit !== undefined && counted >= limit) return undefined;
    const now = Date.now();
    const t: TrialRecord = {
      id: this.trials.length + 1,
      studyId,
      number: mine.length,
      state: "running",
      params: clone(trial.params),
      intermediate: [],
      attributes: clone(trial.attributes ?? {}),
      worker: trial.worker,
      startedAt: now,
      heartbeat: now,
    };
    if (trial.fidelity) t.fidelity = clone(trial.fidelity);
    this.trials.push(t);
    mine.push(t);
    this.counted[studyId] = counted + (countsAgainstBudget(t) ? 1 : 0);
    return copyTrial(t);
  }

  async reportIntermediate(trialId: number, step: number, value: number): Promise<void> {
    const t = this.find(trialId);
    t.intermediate = t.intermediate.filter((p) => p.step !== step);
    t.intermediate.push({ step, value });
    t.intermediate.sort((a, b) => a.step - b.step);
  }

  async heartbeat(trialIds: readonly number[], now: number): Promise<void> {
    for (const id of trialIds) {
      const t = this.find(id);
      if (t.state === "running") t.heartbeat = now;
    }
  }

  async finishTrial(trialId: number, result: TrialResult): Promise<boolean> {
    const t = this.find(trialId);
    if (t.state !== "running") return false;
    const wasCounted = countsAgainstBudget(t);
    t.state = result.state;
    if (result.values) t.values = [...result.values];
    if (result.error !== undefined) t.error = result.error;
    if (result.attributes) t.attributes = { ...t.attributes, ...clone(result.attributes) };
    t.finishedAt = Date.now();
    if (wasCounted && !countsAgainstBudget(t)) this.counted[t.studyId] = (this.counted[t.studyId] ?? 1) - 1;
    return true;
  }

  async getTrials(studyId: number): Promise<TrialRecord[]> {
    return (this.byStudy[studyId] ?? []).map(copyTrial);
  }

  async getTrial(trialId: number): Promise<TrialRecord | undefined> {
    const t = this.trials[trialId - 1];
    return t && copyTrial(t);
  }

  async close(): Promise<void> {}

  private find(trialId: number): TrialRecord {
    const t = this.trials[trialId - 1]; // ids are 1-based positions
    if (!t) throw new HpoError(`no trial with id ${trialId}`);
    return t;
  }
}

/**
 * A trial's copy for callers, as a database would return: fresh containers all the way down to the
 * values callers are expected to touch (params, values, intermediate, attributes' top level).
 */
function copyTrial(t: TrialRecord): TrialRecord {
  const c: TrialRecord = {
    ...t,
    params: { ...t.params },
    intermediate: t.intermediate.map((p) => ({ ...p })),
    attributes: { ...t.attributes },
  };
  if (t.values) c.values = [...t.values];
  if (t.fidelity) c.fidelity = { ...t.fidelity };
  return c;
}

/** Callers get copies, as from a real database, so nobody mutates stored state by accident. */
function clone<T>(v: T): T {
  return structuredClone(v);
}
