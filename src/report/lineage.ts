/**
 * The lineage of a population-based training study: for each member and round, the trial that
 * trained it, whose checkpoint it continued (its own, or another member's when it exploited), and
 * which hyperparameters explore changed. Read from the trials' `fidelity` (member, round,
 * resumedFrom) alone, so the report needs nothing the study did not store.
 */
import type { Params, Scalar } from "../plan/types.js";
import type { StudyData, TrialRecord } from "./data.js";

/** One member's round. */
export interface MemberRound {
  member: number;
  round: number;
  trial: TrialRecord;
  /** The other member whose checkpoint this round continued (exploit), and that member's trial. */
  copied?: { member: number; trial: number };
  /** Parameters whose value differs from the checkpoint's trial (explore), with the new value. */
  changed: { name: string; from: Scalar | undefined; to: Scalar | undefined }[];
}

/** A pbt study's population: `members[m][r]` is member m's round r (undefined where none ran). */
export interface Lineage {
  members: (MemberRound | undefined)[][];
  rounds: number;
}

/** The population's lineage, or undefined when the study has no pbt trials. */
export function populationLineage(data: StudyData): Lineage | undefined {
  const byNumber = new Map(data.trials.map((t) => [t.number, t]));
  const latest = new Map<string, TrialRecord>();
  let members = 0;
  let rounds = 0;
  for (const t of data.trials) {
    const { member, round } = t.fidelity ?? {};
    if (member === undefined || round === undefined) continue;
    const key = `${member}:${round}`;
    // A retried round (same member and round, a later trial) stands for it.
    if ((latest.get(key)?.number ?? -1) < t.number) latest.set(key, t);
    members = Math.max(members, member + 1);
    rounds = Math.max(rounds, round + 1);
  }
  if (latest.size === 0) return undefined;
  const grid: (MemberRound | undefined)[][] = Array.from({ length: members }, () =>
    Array.from({ length: rounds }, () => undefined),
  );
  for (const trial of latest.values()) {
    const member = trial.fidelity!.member!;
    const round = trial.fidelity!.round!;
    const parent =
      trial.fidelity!.resumedFrom !== undefined ? byNumber.get(trial.fidelity!.resumedFrom) : undefined;
    const from = parent?.fidelity?.member;
    grid[member]![round] = {
      member,
      round,
      trial,
      ...(parent && from !== undefined && from !== member
        ? { copied: { member: from, trial: parent.number } }
        : {}),
      changed: parent ? changedParams(parent.params, trial.params) : [],
    };
  }
  return { members: grid, rounds };
}

function changedParams(before: Params, after: Params): MemberRound["changed"] {
  const names = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  return names
    .filter((n) => before[n] !== after[n])
    .map((name) => ({ name, from: before[name], to: after[name] }));
}
