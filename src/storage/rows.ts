import type { Plan } from "../plan/types.js";
import type { TrialState } from "../plan/trial.js";
import type { StudyRecord, TrialRecord } from "./types.js";

/** A `hpo_trials` row as both SQL implementations return it (JSON columns as text). */
export interface TrialRow {
  id: number | string;
  study_id: number | string;
  number: number | string;
  state: string;
  params: string;
  objective_values: string | null;
  attributes: string;
  error: string | null;
  worker: string | null;
  fidelity: string | null;
  started_at: number | string;
  finished_at: number | string | null;
  heartbeat: number | string;
  /** 1 when the trial counts against the budget (see countsAgainstBudget). */
  counted: number;
}

export interface StudyRow {
  id: number | string;
  name: string;
  plan: string;
  created_at: number | string;
}

/** Numbers come back as strings from PostgreSQL BIGINT columns. */
const n = (v: number | string): number => (typeof v === "number" ? v : Number(v));

export function studyFromRow(r: StudyRow): StudyRecord {
  return { id: n(r.id), name: r.name, plan: JSON.parse(r.plan) as Plan, createdAt: n(r.created_at) };
}

export function trialFromRow(r: TrialRow, intermediate: { step: number; value: number }[]): TrialRecord {
  const t: TrialRecord = {
    id: n(r.id),
    studyId: n(r.study_id),
    number: n(r.number),
    state: r.state as TrialState,
    params: JSON.parse(r.params),
    intermediate,
    attributes: JSON.parse(r.attributes),
    startedAt: n(r.started_at),
    heartbeat: n(r.heartbeat),
  };
  if (r.objective_values !== null) t.values = JSON.parse(r.objective_values);
  if (r.error !== null) t.error = r.error;
  if (r.worker !== null) t.worker = r.worker;
  if (r.fidelity !== null) t.fidelity = JSON.parse(r.fidelity);
  if (r.finished_at !== null) t.finishedAt = n(r.finished_at);
  return t;
}

/** Groups `hpo_intermediate` rows by trial id, steps ascending. */
export function groupIntermediate(
  rows: { trial_id: number | string; step: number; value: number }[],
): Map<number, { step: number; value: number }[]> {
  const byTrial = new Map<number, { step: number; value: number }[]>();
  for (const r of rows) {
    const id = n(r.trial_id);
    let list = byTrial.get(id);
    if (!list) byTrial.set(id, (list = []));
    list.push({ step: Number(r.step), value: Number(r.value) });
  }
  for (const list of byTrial.values()) list.sort((a, b) => a.step - b.step);
  return byTrial;
}

/** JSON that keeps NaN/Infinity out of the database: they become null (a failed value, not a crash). */
export function toJson(v: unknown): string {
  return JSON.stringify(v);
}
