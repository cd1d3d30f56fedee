import { readOptions } from "../plan/options.js";
import { type BracketPlan, askBrackets } from "./multifidelity/brackets.js";
import {
  type EpochOptions,
  firstDirection,
  floorEps,
  maxStages,
  rungResources,
} from "./multifidelity/common.js";
import { priorSampler } from "./multifidelity/sample.js";
import type { Strategy, StrategyFactory } from "./types.js";

/**
 * The rungs of one successive-halving bracket (Jamieson & Talwalkar 2016, as the most exploratory
 * Hyperband bracket of Li et al. 2018): n₀ configurations at R·η^(−s) epochs, the best ⌊n₀/η^i⌋ of
 * them trained on to R·η^(i−s) epochs, s = ⌊log_η(max/min)⌋ and n₀ = ⌈η^s⌉. For (1, 27, 3):
 * 27 × 1, 9 × 3, 3 × 9, 1 × 27 epochs.
 *
 * `trials` (the study's budget) shrinks n₀ when a whole bracket would not fit, so that at least one
 * bracket runs to max_epochs: the largest n₀ whose rungs (each ≥ 1 configuration) sum to ≤ trials.
 */
export function shaPlan(o: EpochOptions, trials?: number): BracketPlan {
  const s = maxStages(o);
  const resources = rungResources(o, s);
  const sizesFor = (n0: number) => resources.map((_, i) => Math.max(1, floorEps(n0 / o.eta ** i)));
  let n0 = Math.ceil(o.eta ** s - 1e-9);
  const total = (n: number) => sizesFor(n).reduce((a, b) => a + b, 0);
  if (trials !== undefined && trials >= resources.length) while (n0 > 1 && total(n0) > trials) n0--;
  return { sizes: sizesFor(n0), resources };
}

/**
 * `sha(min_epochs, max_epochs, eta)`: synchronous successive halving. Every bracket is the same
 * `shaPlan`; rung i + 1 starts once every trial of rung i has finished, with its best 1/η continuing
 * their checkpoints (`fidelity.resumedFrom`); the next bracket starts when one finishes.
 */
export const createSha: StrategyFactory = (init) => {
  const o = readOptions("sha", init.options);
  const direction = firstDirection(init.objectives);
  const plan = shaPlan(o, init.budget?.trials);
  const sample = priorSampler(init);
  return {
    name: "sha",
    ask: (context, count) =>
      askBrackets(context.trials, context.nextNumber, count, () => plan, direction, sample),
  } satisfies Strategy;
};
