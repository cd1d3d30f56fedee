import type { Params, ParamSpec } from "../../plan/types.js";
import { decode } from "../../space/index.js";
import type { CmaEs } from "../../native/cmaes.js";
import type { TrialView } from "../types.js";

/**
 * Which trials belong to which CMA-ES generation, rebuilt from the trial history alone (nothing is
 * persisted, see ../types.ts): trial t was proposed by generation g exactly when its configuration is
 * the decoding of g's candidate for t (`CmaEs.sample(t, attempt)`, a pure function of the state).
 *
 * Generation g closes, and is told to the engine, once its first λ members with a value (in number
 * order) are known and every member numbered before the last of them has finished: a rule that only
 * reads final states, so the live study and any later replay of its history close each generation at
 * the same trial, with the same members, and reach the same state. Members still running when it
 * closes (parallel workers keep asking while a generation fills) are left out; so are trials that no
 * generation proposed (an enqueued trial, an earlier strategy's).
 */
export class Generations {
  /** Index into the history of the next trial to match. */
  private cursor = 0;
  /** Members of the open generation, ascending: trial number and the attempt that proposed it. */
  private members: { number: number; attempt: number }[] = [];
  /** The open generation's population size. */
  private lambda: number;

  constructor(
    private readonly engine: CmaEs,
    private readonly space: ParamSpec[],
    /** Attempts per candidate (more than one when constraints reject candidates). */
    private readonly attempts: number,
    /** The cost of a finished trial (smaller is better), NaN when it has none. */
    private readonly cost: (trial: TrialView) => number,
    /** Trials before this index belong to no generation (the history before the first proposal). */
    start: number,
  ) {
    this.cursor = start;
    this.lambda = engine.info().lambda;
  }

  /**
   * Catches up with the history: matches new trials, and tells every generation that has closed.
   * Closing is checked after each new member (and first, for members that finished since), so a
   * generation closes at the member that completes it and the trials after it are matched once,
   * against the next generation: O(new trials) per call, not O(history).
   */
  sync(trials: readonly TrialView[]): void {
    for (;;) {
      if (this.closeGeneration(trials)) continue;
      if (this.cursor >= trials.length) return;
      const trial = trials[this.cursor++] as TrialView;
      const attempt = this.proposedBy(trial);
      if (attempt >= 0) this.members.push({ number: trial.number, attempt });
    }
  }

  /** The attempt of the current generation that proposed `trial`, or -1. */
  proposedBy(trial: TrialView): number {
    for (let attempt = 0; attempt < this.attempts; attempt++)
      if (sameParams(decode(this.space, this.engine.sample(trial.number, attempt)), trial.params))
        return attempt;
    return -1;
  }

  private closeGeneration(trials: readonly TrialView[]): boolean {
    const lambda = this.lambda;
    if (this.members.length < lambda) return false;
    const told: { number: number; attempt: number; cost: number }[] = [];
    for (const member of this.members) {
      const trial = trialNumbered(trials, member.number);
      if (!trial || trial.state === "running") return false;
      const cost = this.cost(trial);
      if (Number.isFinite(cost)) told.push({ ...member, cost });
      if (told.length < lambda) continue;
      this.engine.tell(
        told.map((m) => m.number),
        told.map((m) => m.attempt),
        told.map((m) => m.cost),
      );
      // Trials after the last told one are matched again, against the new generation.
      this.cursor = indexOfNumber(trials, member.number) + 1;
      this.members = [];
      this.lambda = this.engine.info().lambda; // a restart may change it
      return true;
    }
    return false;
  }
}

/** The trial numbered `number` (histories are ordered by number, normally 0, 1, 2, …). */
export function trialNumbered(trials: readonly TrialView[], number: number): TrialView | undefined {
  const i = indexOfNumber(trials, number);
  return i >= 0 ? trials[i] : undefined;
}

function indexOfNumber(trials: readonly TrialView[], number: number): number {
  if (trials[number]?.number === number) return number;
  let lo = 0;
  let hi = trials.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const n = (trials[mid] as TrialView).number;
    if (n === number) return mid;
    if (n < number) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/** Whether two configurations have the same parameters with the same values. */
export function sameParams(a: Params, b: Params): boolean {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((k) => Object.hasOwn(b, k) && a[k] === b[k]);
}
