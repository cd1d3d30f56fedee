import type { ObjectiveSpec } from "../plan/types.js";
import type { TrialRecord } from "../storage/types.js";
import { nonDominated } from "../plan/pareto.js";

/** Complete trials ordered best first by the first objective (single-objective studies). */
export function rankTrials(
  trials: readonly TrialRecord[],
  objectives: readonly ObjectiveSpec[],
): TrialRecord[] {
  const sign = objectives[0]?.direction === "maximize" ? -1 : 1;
  return trials
    .filter((t) => t.state === "complete" && t.values)
    .sort((a, b) => sign * (a.values![0]! - b.values![0]!) || a.number - b.number);
}

/** The complete trials no other complete trial dominates (every objective at least as good, one better). */
export function paretoFront(
  trials: readonly TrialRecord[],
  objectives: readonly ObjectiveSpec[],
): TrialRecord[] {
  const done = trials.filter((t) => t.state === "complete" && t.values);
  const sign = objectives[0]?.direction === "maximize" ? -1 : 1;
  return nonDominated(
    done,
    (t) => t.values!,
    objectives.map((o) => o.direction),
  ).sort((a, b) => sign * (a.values![0]! - b.values![0]!) || a.number - b.number);
}

/** The best trials: the ranking's head for one objective, the Pareto front for several. */
export function bestTrials(
  trials: readonly TrialRecord[],
  objectives: readonly ObjectiveSpec[],
): TrialRecord[] {
  return objectives.length > 1 ? paretoFront(trials, objectives) : rankTrials(trials, objectives).slice(0, 1);
}

/** Trials per state. */
export function countStates(trials: readonly TrialRecord[]): Record<TrialRecord["state"], number> {
  const out = { running: 0, complete: 0, pruned: 0, failed: 0 };
  for (const t of trials) out[t.state]++;
  return out;
}

/** A trial as `hpo best --json` and `hpo trials --format json` print it. */
export function trialJson(t: TrialRecord, objectives: readonly ObjectiveSpec[]): Record<string, unknown> {
  const values: Record<string, number> = {};
  objectives.forEach((o, i) => {
    if (t.values?.[i] !== undefined) values[o.metric] = t.values[i]!;
  });
  const out: Record<string, unknown> = { number: t.number, state: t.state, values, params: t.params };
  if (t.attributes["metrics"]) out["metrics"] = t.attributes["metrics"];
  if (t.intermediate.length) out["intermediate"] = t.intermediate;
  if (t.error !== undefined) out["error"] = t.error;
  out["started_at"] = new Date(t.startedAt).toISOString();
  if (t.finishedAt !== undefined) {
    out["finished_at"] = new Date(t.finishedAt).toISOString();
    out["seconds"] = (t.finishedAt - t.startedAt) / 1000;
  }
  if (t.attributes["retryOf"] !== undefined) out["retry_of"] = t.attributes["retryOf"];
  return out;
}
