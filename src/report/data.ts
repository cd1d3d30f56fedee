/**
 * The report's view of a study, independent of where it was stored: what `hpo report`, `hpo trials`
 * and `hpo best` read. src/report/load.ts builds it from a Storage; tests build it directly.
 */
import type { Fidelity, TrialState } from "../plan/trial.js";
import type { Direction, ParamSpec, Params } from "../plan/types.js";
import { nonDominated } from "../plan/pareto.js";

export { dominates } from "../plan/pareto.js";

/** One objective of the study, in Plan order: `values[i]` of a trial belongs to `objectives[i]`. */
export interface ObjectiveInfo {
  metric: string;
  direction: Direction;
}

/** One trial as the report sees it. Times are milliseconds since the epoch. */
export interface TrialRecord {
  /** 0-based, unique within the study, in creation order. */
  number: number;
  state: TrialState;
  /** Active parameters only: an inactive conditional parameter is absent. */
  params: Params;
  /** One value per objective, present when the trial completed. */
  values?: number[];
  /** Intermediate values of the first objective, steps ascending. */
  intermediate: { step: number; value: number }[];
  startedAt?: number;
  finishedAt?: number;
  /** Why the trial failed (or was pruned), as the user should read it. */
  error?: string;
  /** Multi-fidelity and pbt trials: the epochs trained to, the trial continued, the pbt member and round. */
  fidelity?: Fidelity;
}

/** A study with everything the report shows. */
export interface StudyData {
  name: string;
  objectives: ObjectiveInfo[];
  /** The Plan's search space, when known: gives parameter order, kinds, bounds and log scales. */
  space?: ParamSpec[];
  /** The spec file's text and path, shown verbatim (escaped) in the report. */
  specText?: string;
  specFile?: string;
  seed?: number;
  /** Strategy name, for the page header. */
  strategy?: string;
  trials: TrialRecord[];
}

/** A trial that completed with a finite value for every objective. */
export function isScored(t: TrialRecord, nObjectives: number): t is TrialRecord & { values: number[] } {
  return (
    t.state === "complete" &&
    t.values !== undefined &&
    t.values.length >= nObjectives &&
    t.values.slice(0, nObjectives).every(Number.isFinite)
  );
}

/** Completed trials with finite values, in number order. */
export function scoredTrials(data: StudyData): (TrialRecord & { values: number[] })[] {
  const n = Math.max(1, data.objectives.length);
  return data.trials.filter((t) => isScored(t, n)).sort((a, b) => a.number - b.number);
}

/** True when `a` is strictly better than `b` in the given direction. */
export function better(a: number, b: number, direction: Direction): boolean {
  return direction === "minimize" ? a < b : a > b;
}

/**
 * The best completed trial of a single-objective study (the lowest number wins ties), or undefined when
 * none completed. For several objectives use `paretoFront`.
 */
export function bestTrial(data: StudyData): TrialRecord | undefined {
  const direction = data.objectives[0]?.direction ?? "minimize";
  let best: (TrialRecord & { values: number[] }) | undefined;
  for (const t of scoredTrials(data)) if (!best || better(t.values[0], best.values[0], direction)) best = t;
  return best;
}

/**
 * The best value found up to each completed trial, in trial-number order (first objective): the
 * optimization history's best-so-far line.
 */
export function bestSoFar(data: StudyData): { number: number; value: number; best: number }[] {
  const direction = data.objectives[0]?.direction ?? "minimize";
  const out: { number: number; value: number; best: number }[] = [];
  let best = Number.NaN;
  for (const t of scoredTrials(data)) {
    const v = t.values[0];
    if (Number.isNaN(best) || better(v, best, direction)) best = v;
    out.push({ number: t.number, value: v, best });
  }
  return out;
}

/** The completed trials no other completed trial dominates (all objectives), in number order. */
export function paretoFront(data: StudyData): TrialRecord[] {
  const directions = data.objectives.map((o) => o.direction);
  return nonDominated(scoredTrials(data), (t) => t.values, directions);
}

/** Seconds between a trial's start and end, or undefined while it runs or when a time is unknown. */
export function durationSeconds(t: TrialRecord): number | undefined {
  if (t.startedAt === undefined || t.finishedAt === undefined) return undefined;
  return (t.finishedAt - t.startedAt) / 1000;
}

/**
 * The parameter names of the study: the space's order first, then any other name seen in a trial
 * (a study without a known space, or with parameters added by a trainer), sorted.
 */
export function parameterNames(data: StudyData): string[] {
  // Fixed parameters never vary: nothing to plot or rank.
  const names = (data.space ?? []).filter((p) => p.kind !== "fixed").map((p) => p.name);
  const known = new Set((data.space ?? []).map((p) => p.name));
  const extra = new Set<string>();
  for (const t of data.trials) for (const k of Object.keys(t.params)) if (!known.has(k)) extra.add(k);
  return [...names, ...[...extra].sort()];
}

/** Counts of trials per state. */
export function stateCounts(data: StudyData): Record<TrialState, number> {
  const counts: Record<TrialState, number> = { running: 0, complete: 0, pruned: 0, failed: 0 };
  for (const t of data.trials) counts[t.state]++;
  return counts;
}
