import { readOptions } from "../plan/options.js";
import {
  firstDirection,
  floorEps,
  isFinished,
  maxStages,
  promotable,
  promote,
  rank,
  rungResources,
} from "./multifidelity/common.js";
import { priorSampler } from "./multifidelity/sample.js";
import type { Proposal, Strategy, StrategyFactory, TrialView } from "./types.js";

/** The rungs ASHA's trials sit on, rebuilt from the history: a new trial on 0, a resumed one above its parent. */
export function ashaRungs(trials: readonly TrialView[], rungs: number): TrialView[][] {
  const out: TrialView[][] = Array.from({ length: rungs }, () => []);
  const rungOf = new Map<number, number>();
  for (const t of [...trials].sort((a, b) => a.number - b.number)) {
    if (!t.fidelity) continue;
    const from = t.fidelity.resumedFrom;
    const rung = from === undefined ? 0 : (rungOf.get(from) ?? -1) + 1;
    if (rung <= 0 && from !== undefined) continue; // resumed from a trial outside the schedule
    if (rung >= rungs) continue;
    out[rung]!.push(t);
    rungOf.set(t.number, rung);
  }
  return out;
}

/**
 * `asha(min_epochs, max_epochs, eta)`: asynchronous successive halving (Li et al. 2020, Algorithm 2).
 * Rungs k = 0…s at R·η^(k−s) epochs. For each free worker: from the highest rung down, a finished
 * trial among the best ⌊n_k/η⌋ of the n_k finished trials of rung k that has not been promoted yet
 * continues its checkpoint on rung k + 1; when no rung has one, a new configuration starts on rung 0.
 * It never waits: every ask is answered in full. Pruned and failed trials rank worst (they count in
 * n_k but are never promoted).
 */
export const createAsha: StrategyFactory = (init) => {
  const o = readOptions("asha", init.options);
  const direction = firstDirection(init.objectives);
  const resources = rungResources(o, maxStages(o));
  const sample = priorSampler(init);
  return {
    name: "asha",
    async ask(context, count) {
      const rungs = ashaRungs(context.trials, resources.length);
      const promoted = new Set<number>();
      for (const rung of rungs.slice(1)) for (const t of rung) promoted.add(t.fidelity!.resumedFrom!);
      const out: Proposal[] = [];
      for (let i = 0; i < count; i++) {
        const number = context.nextNumber + i;
        const next = bestPromotion(rungs, promoted, o.eta, direction);
        if (next) {
          promoted.add(next.trial.number);
          out.push(promote(next.trial, resources[next.rung + 1]!));
        } else {
          const [fresh] = await sample(number, 1);
          out.push({ params: fresh!.params, fidelity: { resource: resources[0]! } });
        }
      }
      return out;
    },
  } satisfies Strategy;
};

function bestPromotion(
  rungs: TrialView[][],
  promoted: ReadonlySet<number>,
  eta: number,
  direction: "minimize" | "maximize",
): { trial: TrialView; rung: number } | undefined {
  for (let k = rungs.length - 2; k >= 0; k--) {
    const finished = rungs[k]!.filter(isFinished);
    const top = rank(finished, direction).slice(0, floorEps(finished.length / eta));
    const trial = top.find((t) => promotable(t) && !promoted.has(t.number));
    if (trial) return { trial, rung: k };
  }
  return undefined;
}
