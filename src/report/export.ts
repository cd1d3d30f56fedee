/**
 * Trials as CSV or JSON: what `hpo trials --format csv|json` prints and what the report offers for
 * download. One flat row per trial; the column set is fixed by the study (objectives and parameters),
 * so every row has the same columns and an absent parameter is an empty cell / null.
 */
import { stringify } from "csv-stringify/sync";
import type { Scalar } from "../plan/types.js";
import { type StudyData, type TrialRecord, durationSeconds, parameterNames } from "./data.js";

/** Output formats of `exportTrials`. */
export const EXPORT_FORMATS = ["csv", "json"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** One trial as a flat record: the JSON export's element and the CSV export's row. */
export interface TrialRow {
  number: number;
  state: string;
  /** Objective values keyed by metric name (null when the trial has none). */
  values: Record<string, number | null>;
  /** Parameters keyed by name, null when inactive in this trial. */
  params: Record<string, Scalar | null>;
  intermediate: { step: number; value: number }[];
  started: string | null;
  finished: string | null;
  durationSeconds: number | null;
  error: string | null;
}

const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());

/** Metric names of the study's objectives (`value` when a study somehow has none). */
export function metricNames(data: StudyData): string[] {
  return data.objectives.length > 0 ? data.objectives.map((o) => o.metric) : ["value"];
}

/** The flat record of one trial, with the study's metric and parameter names as keys. */
export function trialRow(data: StudyData, t: TrialRecord, params = parameterNames(data)): TrialRow {
  const values: Record<string, number | null> = {};
  metricNames(data).forEach((m, i) => {
    const v = t.values?.[i];
    values[m] = v === undefined || !Number.isFinite(v) ? null : v;
  });
  const p: Record<string, Scalar | null> = {};
  for (const name of params) p[name] = Object.hasOwn(t.params, name) ? t.params[name] : null;
  return {
    number: t.number,
    state: t.state,
    values,
    params: p,
    intermediate: t.intermediate,
    started: iso(t.startedAt),
    finished: iso(t.finishedAt),
    durationSeconds: durationSeconds(t) ?? null,
    error: t.error ?? null,
  };
}

/** Every trial as a record, in number order. */
export function trialRows(data: StudyData): TrialRow[] {
  const params = parameterNames(data);
  return [...data.trials].sort((a, b) => a.number - b.number).map((t) => trialRow(data, t, params));
}

/**
 * CSV with a header: number, state, `value_<metric>`…, `param_<name>`…, started, finished,
 * duration_s, error. Prefixes keep a parameter called `state` from colliding with the state column.
 */
export function trialsToCsv(data: StudyData): string {
  const metrics = metricNames(data);
  const params = parameterNames(data);
  const header = [
    "number",
    "state",
    ...metrics.map((m) => `value_${m}`),
    ...params.map((p) => `param_${p}`),
    "started",
    "finished",
    "duration_s",
    "error",
  ];
  const rows = trialRows(data).map((r) => [
    r.number,
    r.state,
    ...metrics.map((m) => r.values[m]),
    ...params.map((p) => r.params[p]),
    r.started,
    r.finished,
    r.durationSeconds,
    r.error,
  ]);
  return stringify([header, ...rows], {
    cast: { boolean: (b) => (b ? "true" : "false"), number: (n) => String(n) },
  });
}

/** JSON: `{ study, objectives, trials: TrialRow[] }`, pretty-printed. */
export function trialsToJson(data: StudyData): string {
  return `${JSON.stringify({ study: data.name, objectives: data.objectives, trials: trialRows(data) }, null, 2)}\n`;
}

/** The trials in `format`. */
export function exportTrials(data: StudyData, format: ExportFormat): string {
  return format === "csv" ? trialsToCsv(data) : trialsToJson(data);
}

/** A file-name-safe stem made from a study name (which may hold any character). */
export function fileStem(studyName: string): string {
  return (
    studyName
      .replace(/[^A-Za-z0-9._-]+/g, "_")
      .replace(/^[._]+/, "")
      .slice(0, 80) || "study"
  );
}
