import type { StrategyName, StrategySpec } from "../plan/types.js";
import { HpoError } from "../util/errors.js";
import { createAsha } from "./asha.js";
import { createBayes } from "./bayes.js";
import { createCmaes } from "./cmaes.js";
import { createEvolution } from "./evolution.js";
import { createGrid } from "./grid.js";
import { createHyperband } from "./hyperband.js";
import { createNsga2 } from "./nsga2.js";
import { createPbt } from "./pbt/index.js";
import { createQmc } from "./qmc.js";
import { createRandom } from "./random.js";
import { createSha } from "./sha.js";
import { createTpe } from "./tpe/index.js";
import type { Strategy, StrategyFactory, StrategyInit } from "./types.js";

export type * from "./types.js";

/** The strategies by name: one factory per strategy of the catalogue; any other name is refused with a clear error. */
export const STRATEGIES: Record<StrategyName, StrategyFactory> = {
  random: createRandom,
  qmc: createQmc,
  grid: createGrid,
  tpe: createTpe,
  bayes: createBayes,
  evolution: createEvolution,
  cmaes: createCmaes,
  nsga2: createNsga2,
  sha: createSha,
  hyperband: createHyperband,
  asha: createAsha,
  pbt: createPbt,
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
