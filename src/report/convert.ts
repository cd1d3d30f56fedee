/**
 * From what storage keeps (a study with its Plan, trials with their records) to the report's StudyData.
 * Typed structurally, so the report depends on the shape of a stored trial, not on a storage driver.
 */
import type { Plan, Params } from "../plan/types.js";
import type { Fidelity, TrialState } from "../plan/trial.js";
import type { StudyData, TrialRecord } from "./data.js";

/** The parts of a stored study the report reads. */
export interface StoredStudyLike {
  name: string;
  plan: Plan;
}

/** The parts of a stored trial the report reads (times in ms since the epoch). */
export interface StoredTrialLike {
  number: number;
  state: TrialState;
  params: Params;
  values?: number[];
  intermediate: { step: number; value: number }[];
  error?: string;
  startedAt: number;
  finishedAt?: number;
  fidelity?: Fidelity;
}

/** The report's view of a stored study; `spec` adds the spec's text and path when they are at hand. */
export function studyDataFrom(
  study: StoredStudyLike,
  trials: readonly StoredTrialLike[],
  spec?: { text: string; file: string },
): StudyData {
  const data: StudyData = {
    name: study.name,
    objectives: study.plan.objectives.map((o) => ({ metric: o.metric, direction: o.direction })),
    space: study.plan.space,
    seed: study.plan.seed,
    strategy: study.plan.strategy.name,
    trials: [...trials]
      .sort((a, b) => a.number - b.number)
      .map((t) => {
        const record: TrialRecord = {
          number: t.number,
          state: t.state,
          params: t.params,
          intermediate: [...t.intermediate].sort((a, b) => a.step - b.step),
          startedAt: t.startedAt,
        };
        if (t.values !== undefined) record.values = t.values;
        if (t.finishedAt !== undefined) record.finishedAt = t.finishedAt;
        if (t.error !== undefined) record.error = t.error;
        if (t.fidelity !== undefined) record.fidelity = t.fidelity;
        return record;
      }),
  };
  if (spec) {
    data.specText = spec.text;
    data.specFile = spec.file;
  }
  return data;
}
