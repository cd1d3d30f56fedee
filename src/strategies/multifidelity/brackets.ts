import type { ObjectiveSpec } from "../../plan/types.js";
import type { Proposal, TrialView } from "../types.js";
import { isFinished, promotable, promote, rank } from "./common.js";

/** One successive-halving bracket: rung i trains `sizes[i]` configurations to `resources[i]` epochs. */
export interface BracketPlan {
  sizes: number[];
  resources: number[];
}

/** A bracket as reconstructed from the history: the trials of each rung, in trial-number order. */
export interface Bracket {
  index: number;
  plan: BracketPlan;
  rungs: TrialView[][];
}

/**
 * Rebuilds the brackets from the trial history alone (so a resumed study or a second process gets
 * the same state): a trial without `resumedFrom` is a new configuration and fills the bottom rung of
 * the newest bracket, opening bracket j + 1 (plan `planFor(j + 1)`) once that rung is full; a trial
 * resumed from another sits one rung above its parent. Trials without fidelity, or resumed from a
 * trial outside the schedule, are not part of it and are ignored.
 */
export function rebuild(trials: readonly TrialView[], planFor: (index: number) => BracketPlan): Bracket[] {
  const brackets: Bracket[] = [];
  const where = new Map<number, { bracket: Bracket; rung: number }>();
  for (const t of [...trials].sort((a, b) => a.number - b.number)) {
    if (!t.fidelity) continue;
    const from = t.fidelity.resumedFrom;
    if (from === undefined) {
      let last = brackets[brackets.length - 1];
      if (!last || last.rungs[0]!.length >= last.plan.sizes[0]!) {
        const plan = planFor(brackets.length);
        last = { index: brackets.length, plan, rungs: plan.sizes.map(() => []) };
        brackets.push(last);
      }
      last.rungs[0]!.push(t);
      where.set(t.number, { bracket: last, rung: 0 });
    } else {
      const parent = where.get(from);
      if (!parent || parent.rung + 1 >= parent.bracket.rungs.length) continue;
      parent.bracket.rungs[parent.rung + 1]!.push(t);
      where.set(t.number, { bracket: parent.bracket, rung: parent.rung + 1 });
    }
  }
  return brackets;
}

/** What a bracket needs next. */
export type Step =
  | { kind: "new"; count: number; resource: number }
  | { kind: "promote"; proposals: Proposal[] }
  | { kind: "wait" }
  | { kind: "done" };

/**
 * The synchronous rule: the bottom rung is filled with new configurations; once every trial of rung i
 * has finished, the best ⌊…⌋ of it (`sizes[i + 1]`, fewer when fewer completed: pruned and failed
 * trials rank worst and are never promoted) continue to rung i + 1; until then the bracket waits.
 */
export function nextStep(bracket: Bracket, direction: ObjectiveSpec["direction"]): Step {
  const { sizes, resources } = bracket.plan;
  const bottom = bracket.rungs[0]!;
  if (bottom.length < sizes[0]!)
    return { kind: "new", count: sizes[0]! - bottom.length, resource: resources[0]! };
  let target = sizes[0]!;
  for (let i = 0; i < sizes.length; i++) {
    const rung = bracket.rungs[i]!;
    if (rung.length < target || !rung.every(isFinished)) return { kind: "wait" };
    if (i === sizes.length - 1) break;
    const best = rank(rung, direction)
      .filter(promotable)
      .slice(0, sizes[i + 1]!);
    const done = new Set(bracket.rungs[i + 1]!.map((t) => t.fidelity!.resumedFrom));
    const missing = best.filter((t) => !done.has(t.number));
    if (missing.length > 0)
      return { kind: "promote", proposals: missing.map((t) => promote(t, resources[i + 1]!)) };
    target = best.length;
  }
  return { kind: "done" };
}

/**
 * What a synchronous multi-fidelity strategy proposes for a batch of `count`: promotions of the
 * current bracket, or `count` slots for new configurations (filled by `sample` with the trial numbers
 * they will get), or fewer (none) while the current rung still has running trials.
 */
export async function askBrackets(
  trials: readonly TrialView[],
  nextNumber: number,
  count: number,
  planFor: (index: number) => BracketPlan,
  direction: ObjectiveSpec["direction"],
  sample: (firstNumber: number, count: number) => Promise<Proposal[]>,
): Promise<Proposal[]> {
  if (count <= 0) return [];
  const brackets = rebuild(trials, planFor);
  const current = brackets[brackets.length - 1];
  let step: Step = current ? nextStep(current, direction) : { kind: "done" };
  if (step.kind === "done") {
    const plan = planFor(brackets.length);
    step = { kind: "new", count: plan.sizes[0]!, resource: plan.resources[0]! };
  }
  if (step.kind === "wait") return [];
  if (step.kind === "promote") return step.proposals.slice(0, count);
  const { resource } = step;
  const n = Math.min(count, step.count);
  const fresh = await sample(nextNumber, n);
  return fresh.slice(0, n).map((p) => ({ params: p.params, fidelity: { resource } }));
}
