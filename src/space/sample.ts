import type { Expr, Params, ParamSpec, Scalar } from "../plan/types.js";
import { HpoError } from "../util/errors.js";
import { isActive, satisfiesConstraints } from "./conditions.js";
import { gridSize, gridValue, interval, snap, stepOf } from "./encoding.js";
import type { Rng } from "../plan/random.js";

/** How many draws `sampleConfiguration` makes before it decides the constraints cannot be met. */
export const MAX_CONSTRAINT_TRIES = 10_000;

/**
 * One configuration drawn from the prior of each parameter (uniform, log-uniform, uniform over a
 * grid or the choices, normal, fixed), with conditions applied in declaration order, redrawn until
 * it satisfies every constraint.
 */
export function sampleConfiguration(space: ParamSpec[], constraints: Expr[], rng: Rng): Params {
  for (let attempt = 0; attempt < MAX_CONSTRAINT_TRIES; attempt++) {
    const params: Params = {};
    for (const p of space) if (isActive(p, params)) params[p.name] = sampleValue(p, rng);
    if (satisfiesConstraints(constraints, params)) return params;
  }
  throw new HpoError(
    `no configuration satisfying the constraints was found in ${MAX_CONSTRAINT_TRIES} random draws`,
    {
      hint: "check that the constraints can hold together over the declared ranges",
    },
  );
}

/** One draw from a parameter's prior. */
export function sampleValue(p: ParamSpec, rng: Rng): Scalar {
  switch (p.kind) {
    case "float":
    case "int": {
      const step = stepOf(p);
      if (step !== undefined && !p.log) return gridValue(p, rng.int(gridSize(p)));
      const [a, b] = interval(p);
      const t = a + rng.uniform() * (b - a);
      return snap(p, p.log ? Math.exp(t) : t);
    }
    case "categorical":
      if (p.choices.length === 0) throw new HpoError(`\`${p.name}\` has no choices`);
      return p.choices[rng.int(p.choices.length)] as Scalar;
    case "normal":
      return p.mean + p.sd * rng.normal();
    case "fixed":
      return p.value;
  }
}
