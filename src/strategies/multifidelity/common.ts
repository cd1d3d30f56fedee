import type { OptionsFor } from "../../plan/options.js";
import type { ObjectiveSpec } from "../../plan/types.js";
import { HpoError } from "../../util/errors.js";
import type { Proposal, TrialView } from "../types.js";

/** The options sha, asha and hyperband share (the catalogue's epoch options). */
export type EpochOptions = Pick<OptionsFor<"sha">, "min_epochs" | "max_epochs" | "eta">;

/** Guards float error in logs and powers so that e.g. log_3(27) is 3, not 2.9999999999999996. */
const EPS = 1e-9;

/** s_max = ⌊log_η(R / r)⌋: how many times the resource can grow by η from min to max epochs. */
export function maxStages({ min_epochs, max_epochs, eta }: EpochOptions): number {
  return Math.floor(Math.log(max_epochs / min_epochs) / Math.log(eta) + EPS);
}

/**
 * Epochs of the rungs of a bracket with `stages + 1` rungs: R·η^(i−stages), rounded, ending at exactly
 * max_epochs, never below min_epochs and strictly increasing (rounding a non-integer η could collide).
 */
export function rungResources(o: EpochOptions, stages: number): number[] {
  const out: number[] = [];
  for (let i = 0; i <= stages; i++) {
    const r = Math.max(o.min_epochs, Math.round(o.max_epochs * o.eta ** (i - stages)));
    out.push(i > 0 && r <= out[i - 1]! ? out[i - 1]! + 1 : r);
  }
  out[stages] = Math.max(out[stages]!, o.max_epochs);
  return out;
}

/** ⌊x⌋ and ⌈x⌉ that forgive float error (4·9/3 is 12, not 12.000000000000002 → 13). */
export const floorEps = (x: number) => Math.floor(x + EPS);
export const ceilEps = (x: number) => Math.ceil(x - EPS);

/**
 * Orders finished trials best first by the first objective: complete trials by value in the
 * objective's direction (ties by trial number), then pruned, failed and non-finite ones (the worst).
 */
export function rank(trials: readonly TrialView[], direction: ObjectiveSpec["direction"]): TrialView[] {
  const score = (t: TrialView) => {
    const v = t.state === "complete" ? t.values?.[0] : undefined;
    if (v === undefined || !Number.isFinite(v)) return Number.POSITIVE_INFINITY;
    return direction === "maximize" ? -v : v;
  };
  return [...trials].sort((a, b) => score(a) - score(b) || a.number - b.number);
}

/** Can this trial's checkpoint be continued? Only a complete trial reached its rung's resource. */
export const promotable = (t: TrialView) =>
  t.state === "complete" && t.values !== undefined && Number.isFinite(t.values[0]);

export const isFinished = (t: TrialView) => t.state !== "running";

/** A promotion: the same configuration, trained on to `resource` from `parent`'s checkpoint. */
export function promote(parent: TrialView, resource: number): Proposal {
  return { params: { ...parent.params }, fidelity: { resource, resumedFrom: parent.number } };
}

/** The first objective's direction: the one rungs are ranked by. */
export function firstDirection(objectives: readonly ObjectiveSpec[]): ObjectiveSpec["direction"] {
  const first = objectives[0];
  if (!first) throw new HpoError("a multi-fidelity strategy needs at least one objective");
  return first.direction;
}
