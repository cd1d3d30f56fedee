import type { Direction, Value } from "../../plan/types.js";
import { readOptions } from "../../plan/options.js";
import type { Pruner, TrialView } from "../types.js";

/**
 * `median(startup = 5, warmup = 2, interval = 1)`, with Optuna's MedianPruner semantics: once
 * `startup` trials are complete, a trial reporting at step ≥ `warmup` (checked once per `interval`
 * steps after the warmup) is stopped when its best value so far is worse than the median of the
 * complete trials' values at that same step. A NaN best value is always pruned; a step no complete
 * trial reported never prunes.
 */
export function createMedianPruner(options: Record<string, Value>): Pruner {
  const o = readOptions("median", options);
  return {
    name: "median",
    shouldPrune(trial: TrialView, trials: readonly TrialView[], direction: Direction): boolean {
      const complete = trials.filter((t) => t.state === "complete" && t.number !== trial.number);
      if (complete.length === 0 || complete.length < o.startup) return false;
      const last = trial.intermediate[trial.intermediate.length - 1];
      if (!last) return false;
      const step = last.step;
      if (step < o.warmup) return false;
      if (!firstInInterval(step, trial.intermediate, o.warmup, o.interval)) return false;
      const best = bestSoFar(trial, direction);
      if (Number.isNaN(best)) return true;
      const atStep: number[] = [];
      for (const t of complete) {
        const hit = t.intermediate.find((r) => r.step === step);
        if (hit && !Number.isNaN(hit.value)) atStep.push(hit.value);
      }
      if (atStep.length === 0) return false;
      const median = percentile(atStep, 50);
      return direction === "maximize" ? best < median : best > median;
    },
  };
}

/**
 * Whether `step` is the first report at or after its pruning checkpoint (warmup + k·interval):
 * the trial's previous report came before that checkpoint, so a skipped checkpoint is caught up.
 */
function firstInInterval(
  step: number,
  reports: TrialView["intermediate"],
  warmup: number,
  interval: number,
): boolean {
  const checkpoint = Math.floor((step - warmup) / interval) * interval + warmup;
  let previous = -1;
  for (const r of reports) if (r.step > previous && r.step !== step) previous = r.step;
  return previous < checkpoint;
}

/** The trial's best intermediate value over all its steps, NaN only when every value is NaN. */
function bestSoFar(trial: TrialView, direction: Direction): number {
  let best = Number.NaN;
  for (const { value } of trial.intermediate) {
    if (Number.isNaN(value)) continue;
    if (Number.isNaN(best) || (direction === "maximize" ? value > best : value < best)) best = value;
  }
  return best;
}

/** The q-th percentile with linear interpolation between order statistics (numpy's default). */
export function percentile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const pos = ((sorted.length - 1) * q) / 100;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return (sorted[lo] as number) + ((sorted[hi] as number) - (sorted[lo] as number)) * (pos - lo);
}
