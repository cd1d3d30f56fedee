import { rngFor, STREAM } from "../../plan/random.js";
import { sampleConfiguration } from "../../space/index.js";
import type { Proposal, StrategyInit } from "../types.js";

/**
 * New configurations from the prior, trial n's drawn from its own stream (as `random` does), so a
 * configuration depends only on the seed and its trial number; conditions and constraints hold.
 */
export function priorSampler(init: StrategyInit) {
  return async (firstNumber: number, count: number): Promise<Proposal[]> =>
    Array.from({ length: count }, (_, i) => ({
      params: sampleConfiguration(
        init.space,
        init.constraints,
        rngFor(init.seed, STREAM.sample, firstNumber + i),
      ),
    }));
}
