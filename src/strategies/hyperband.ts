import { type OptionsFor, readOptions } from "../plan/options.js";
import { createQmc } from "./qmc.js";
import { type BracketPlan, askBrackets } from "./multifidelity/brackets.js";
import {
  type EpochOptions,
  ceilEps,
  firstDirection,
  floorEps,
  maxStages,
  rungResources,
} from "./multifidelity/common.js";
import { priorSampler } from "./multifidelity/sample.js";
import { createTpe } from "./tpe/index.js";
import type { Proposal, Strategy, StrategyFactory, StrategyInit, TrialView } from "./types.js";

/**
 * Bracket s of Hyperband (Li et al. 2018, Algorithm 1), with R = max_epochs / min_epochs in units of
 * min_epochs: n = ⌈(s_max + 1)·η^s / (s + 1)⌉ configurations at R·η^(−s), then n_i = ⌊n·η^(−i)⌋ at
 * r_i = R·η^(i−s), i = 0…s. For R = 81, η = 3 this is the paper's table: s = 4: 81×1 27×3 9×9 3×27
 * 1×81; s = 3: 34×3 11×9 3×27 1×81; s = 2: 15×9 5×27 1×81; s = 1: 8×27 2×81; s = 0: 5×81.
 */
export function hyperbandBracket(o: EpochOptions, s: number): BracketPlan {
  const sMax = maxStages(o);
  const n = ceilEps(((sMax + 1) * o.eta ** s) / (s + 1));
  const resources = rungResources(o, s);
  return { sizes: resources.map((_, i) => floorEps(n / o.eta ** i)), resources };
}

/** Bracket j of the study: s cycles s_max, s_max − 1, …, 0, s_max, … (one Hyperband iteration per cycle). */
export function hyperbandPlan(o: EpochOptions): (index: number) => BracketPlan {
  const sMax = maxStages(o);
  const plans = Array.from({ length: sMax + 1 }, (_, k) => hyperbandBracket(o, sMax - k));
  return (index) => plans[index % plans.length]!;
}

/**
 * The history a model-based sampler learns from: values at different epochs are not comparable, so
 * it sees the finished trials of one resource only, the largest one with at least `minimum` of them
 * (BOHB's rule); with none such, no history (so it samples its prior, as in its startup phase).
 */
export function samplerHistory(trials: readonly TrialView[], minimum: number): TrialView[] {
  const byResource = new Map<number, TrialView[]>();
  for (const t of trials) {
    if (!t.fidelity || t.state === "running") continue;
    const list = byResource.get(t.fidelity.resource) ?? [];
    list.push(t);
    byResource.set(t.fidelity.resource, list);
  }
  const enough = [...byResource.entries()].filter(([, l]) => l.length >= minimum).sort((a, b) => b[0] - a[0]);
  return enough[0]?.[1] ?? [];
}

/**
 * `hyperband(min_epochs, max_epochs, eta, sampler)`: brackets s = s_max…0 in turn, each a synchronous
 * successive halving (`askBrackets`), the next starting when one finishes. New configurations come
 * from `sampler`: "random" (the prior), "qmc" (a scrambled Sobol' sequence) or "tpe" (fitted, per
 * `samplerHistory`, on the finished trials of one resource).
 */
export const createHyperband: StrategyFactory = (init) => {
  const o = readOptions("hyperband", init.options);
  const direction = firstDirection(init.objectives);
  const planFor = hyperbandPlan(o);
  const sample = samplerFor(o.sampler, init);
  return {
    name: "hyperband",
    ask: (context, count) =>
      askBrackets(context.trials, context.nextNumber, count, planFor, direction, (first, n) =>
        sample(context.trials, first, n),
      ),
  } satisfies Strategy;
};

type Sampler = (trials: readonly TrialView[], firstNumber: number, count: number) => Promise<Proposal[]>;

function samplerFor(name: OptionsFor<"hyperband">["sampler"], init: StrategyInit): Sampler {
  if (name === "random") {
    const prior = priorSampler(init);
    return (_, first, count) => prior(first, count);
  }
  const inner = (name === "tpe" ? createTpe : createQmc)({ ...init, options: {} });
  // TPE needs a few points per dimension before its model means anything.
  const minimum = Math.max(init.space.length + 1, 3);
  return (trials, first, count) =>
    inner.ask({ trials: name === "tpe" ? samplerHistory(trials, minimum) : [], nextNumber: first }, count);
}
