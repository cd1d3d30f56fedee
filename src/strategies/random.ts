import { readOptions } from "../plan/options.js";
import { rngFor, STREAM } from "../plan/random.js";
import { sampleConfiguration } from "../space/index.js";
import type { Proposal, Strategy, StrategyFactory } from "./types.js";

/**
 * `random()`: independent draws from each parameter's prior. Trial n's configuration depends only on
 * the seed and n, so batches, resumes and several processes reproduce the same sequence.
 */
export const createRandom: StrategyFactory = (init) => {
  readOptions("random", init.options);
  return {
    name: "random",
    async ask(context, count) {
      const out: Proposal[] = [];
      for (let i = 0; i < count; i++) {
        const rng = rngFor(init.seed, STREAM.sample, context.nextNumber + i);
        out.push({ params: sampleConfiguration(init.space, init.constraints, rng) });
      }
      return out;
    },
  } satisfies Strategy;
};
