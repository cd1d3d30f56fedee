/**
 * PBT's population as the trial history records it, and its exploit step. Every trial of a pbt study
 * is one member's round (`fidelity.member`, `fidelity.round`), so the population is rebuilt from
 * storage alone: a resumed study or a second process sees the same rounds and makes the same
 * decisions.
 */
import type { ObjectiveSpec } from "../../plan/types.js";
import type { Proposal, TrialView } from "../types.js";
import { ceilEps, promotable, rank } from "../multifidelity/common.js";

/**
 * The epochs each round trains to: interval, 2·interval, … and max_epochs for the last round (which
 * is shorter when interval does not divide max_epochs).
 */
export function roundEpochs(interval: number, maxEpochs: number): number[] {
  const out: number[] = [];
  for (let e = interval; e < maxEpochs; e += interval) out.push(e);
  out.push(maxEpochs);
  return out;
}

/**
 * `rounds[r][m]`: member m's trial of round r (the latest one, when a trial was retried), or
 * undefined while none was proposed. Trials outside the schedule (no member, another population
 * size) are ignored.
 */
export function rebuildRounds(
  trials: readonly TrialView[],
  population: number,
  rounds: number,
): (TrialView | undefined)[][] {
  const out: (TrialView | undefined)[][] = Array.from({ length: rounds }, () =>
    Array.from({ length: population }, () => undefined),
  );
  for (const t of trials) {
    const member = t.fidelity?.member;
    const round = t.fidelity?.round;
    if (member === undefined || round === undefined) continue;
    if (member < 0 || member >= population || round < 0 || round >= rounds) continue;
    const row = out[round]!;
    if (!row[member] || row[member]!.number < t.number) row[member] = t;
  }
  return out;
}

/**
 * How many members are replaced, and how many may be copied: ⌈quantile · n⌉, at least one and at
 * most half the population (so that no member is both).
 */
export function truncation(population: number, quantile: number): number {
  return Math.min(Math.floor(population / 2), Math.max(1, ceilEps(quantile * population)));
}

/** What one member does in the next round. */
export interface MemberStep {
  member: number;
  /** The trial whose checkpoint it continues: its own last round, or a better member's (exploit). */
  parent: TrialView;
  /** It copied another member and explores from that member's hyperparameters. */
  exploits: boolean;
}

/**
 * The exploit step of truncation selection (Jaderberg et al. 2017, §3.1): the previous round ranked
 * by the first objective (failed, pruned and non-finite trials last); each member among the worst
 * `truncation` and every member whose last trial left no usable checkpoint copies one of the best
 * `truncation` members whose trial completed, drawn with `pick`; the others continue themselves.
 * Returns undefined when no member completed (nobody to copy).
 */
export function exploit(
  previous: readonly TrialView[],
  quantile: number,
  direction: ObjectiveSpec["direction"],
  pick: (member: number, candidates: number) => number,
): MemberStep[] | undefined {
  const k = truncation(previous.length, quantile);
  const ranked = rank(previous, direction);
  const top = ranked.slice(0, k).filter(promotable);
  if (top.length === 0) return undefined;
  const bottom = new Set(ranked.slice(ranked.length - k).map((t) => t.number));
  return previous.map((own, member) => {
    if (!bottom.has(own.number) && promotable(own)) return { member, parent: own, exploits: false };
    return { member, parent: top[pick(member, top.length)]!, exploits: true };
  });
}

/** A member's trial of round `round`: train to `epochs`, continuing `parent`'s checkpoint when given. */
export function memberProposal(
  params: Proposal["params"],
  member: number,
  round: number,
  epochs: number,
  parent?: TrialView,
): Proposal {
  return {
    params,
    fidelity: {
      resource: epochs,
      ...(parent ? { resumedFrom: parent.number } : {}),
      member,
      round,
    },
  };
}
