import type { StrategyName, StrategySpec } from "../plan/types.js";
import { HpoError } from "../util/errors.js";
import { createGrid } from "./grid.js";
import { createQmc } from "./qmc.js";
import { createRandom } from "./random.js";
import { createTpe } from "./tpe/index.js";
import type { Strategy, StrategyFactory, StrategyInit } from "./types.js";

export type * from "./types.js";

/**
 * The strategies of this build by name. The integrator wires the factories of the other strategy
 * modules here (bayes: createBayes from ./bayes.js, evolution: createEvolution, nsga2: createNsga2,
 * and the multi-fidelity ones); a name without a factory is refused with a clear error.
 */
export const STRATEGIES: Partial<Record<StrategyName, StrategyFactory>> = {
  random: createRandom,
  qmc: createQmc,
  grid: createGrid,
  tpe: createTpe,
};

/**
 * The strategy a plan asks for. Options come from `spec.options` (over any in `init.options`);
 * unknown or ill-typed options are HpoErrors.
 */
export function createStrategy(spec: StrategySpec, init: StrategyInit): Strategy {
  const name = spec.name as string;
  const factory = Object.hasOwn(STRATEGIES, name) ? STRATEGIES[name as StrategyName] : undefined;
  if (!factory) throw new HpoError(`strategy \`${name}\` is not available in this build`);
  if (!Number.isFinite(init.seed)) throw new HpoError(`the seed must be a finite number, got ${init.seed}`);
  return factory({ ...init, options: { ...init.options, ...spec.options } });
}
