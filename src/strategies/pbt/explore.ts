/**
 * PBT's explore step (Jaderberg et al. 2017, §3.1 "perturb" and "resample"): a member that copied a
 * better member's checkpoint changes that member's hyperparameters a little, so the population keeps
 * searching around what works.
 */
import type { Rng } from "../../plan/random.js";
import type { Expr, Params, ParamSpec, Scalar } from "../../plan/types.js";
import { isActive, sampleValue, satisfiesConstraints, snap, stepOf } from "../../space/index.js";

/** How far explore moves (the pbt options of the same names). */
export interface ExploreOptions {
  /** Numeric values are multiplied by 1 − perturb or 1 + perturb (each with probability ½). */
  perturb: number;
  /** The chance that a parameter is drawn afresh from its prior instead of perturbed. */
  resample_probability: number;
}

/** How many explored configurations are tried against the constraints before the parent's is kept. */
const CONSTRAINT_TRIES = 100;

/**
 * The parent's configuration explored: each parameter in `explorable` (all when undefined) is
 * resampled from its prior with probability `resample_probability`, else perturbed
 * (`perturbValue`); the others are kept. Conditions are re-applied in declaration order (a parameter
 * switched on is drawn from its prior, one switched off is dropped); a configuration that breaks a
 * constraint is drawn again, and after CONSTRAINT_TRIES the parent's is kept unchanged.
 */
export function explore(
  space: readonly ParamSpec[],
  constraints: Expr[],
  parent: Params,
  explorable: ReadonlySet<string> | undefined,
  o: ExploreOptions,
  rng: Rng,
): Params {
  for (let attempt = 0; attempt < CONSTRAINT_TRIES; attempt++) {
    const out: Params = {};
    for (const p of space) {
      if (!isActive(p, out)) continue;
      if (!Object.hasOwn(parent, p.name)) out[p.name] = sampleValue(p, rng);
      else if (explorable && !explorable.has(p.name)) out[p.name] = parent[p.name]!;
      else
        out[p.name] =
          rng.uniform() < o.resample_probability
            ? sampleValue(p, rng)
            : perturbValue(p, parent[p.name]!, o.perturb, rng);
    }
    if (satisfiesConstraints(constraints, out)) return out;
  }
  return { ...parent };
}

/**
 * One parameter's value moved to a neighbour, up or down with probability ½ each:
 * - float and int over a positive range: × (1 ± perturb), onto the parameter's grid and bounds; a
 *   discrete value that would not move goes one step instead (so small ints still explore);
 * - float and int over a range that reaches zero or below: ± perturb × half the range's width;
 * - normal: ± perturb × its standard deviation;
 * - categorical (ordered or not): the next or previous choice in declaration order, as Ray Tune's PBT
 *   does (the only neighbour at either end);
 * - fixed: unchanged.
 */
export function perturbValue(p: ParamSpec, value: Scalar, perturb: number, rng: Rng): Scalar {
  const up = rng.uniform() < 0.5;
  switch (p.kind) {
    case "float":
    case "int": {
      if (typeof value !== "number") return value;
      const sign = up ? 1 : -1;
      const moved =
        p.low > 0 ? value * (1 + sign * perturb) : value + (sign * perturb * (p.high - p.low)) / 2;
      const next = snap(p, moved);
      const step = stepOf(p);
      return next === value && step !== undefined && !(p.log && p.kind === "float")
        ? snap(p, value + sign * step)
        : next;
    }
    case "normal":
      return typeof value === "number" ? value + (up ? 1 : -1) * perturb * p.sd : value;
    case "categorical": {
      const i = p.choices.indexOf(value);
      if (i < 0 || p.choices.length < 2) return value;
      const j = i === 0 ? 1 : i === p.choices.length - 1 ? i - 1 : up ? i + 1 : i - 1;
      return p.choices[j]!;
    }
    case "fixed":
      return p.value;
  }
}
