import { readOptions } from "../plan/options.js";
import { rngFor, STREAM } from "../plan/random.js";
import { decode, satisfiesConstraints } from "../space/index.js";
import type { Params } from "../plan/types.js";
import { HpoError } from "../util/errors.js";
import { Sobol } from "./sobol.js";
import type { Proposal, Strategy, StrategyFactory } from "./types.js";

/** How many Sobol points in a row may break the constraints before qmc gives up. */
const MAX_INFEASIBLE_RUN = 10_000;

/**
 * `qmc(scramble = true)`: a scrambled Sobol sequence (Joe–Kuo directions), one dimension per
 * parameter, decoded through the unit-cube encoding. Trial n gets the n-th point that satisfies the
 * constraints, so the sequence depends only on the seed; conditional parameters use their
 * coordinate only where active.
 */
export const createQmc: StrategyFactory = (init) => {
  const options = readOptions("qmc", init.options);
  const dims = Math.max(1, init.space.length);
  const sobol = new Sobol(dims, options.scramble ? rngFor(init.seed, STREAM.scramble) : undefined);
  // Unscrambled, point 0 is the all-zero corner: start at 1 as SciPy users usually do.
  const first = options.scramble ? 0 : 1;
  const feasible: Params[] = []; // the n-th feasible configuration, computed lazily
  let nextIndex = first;

  const configuration = (n: number): Params => {
    while (feasible.length <= n) {
      let run = 0;
      for (;;) {
        const params = decode(init.space, sobol.point(nextIndex++).subarray(0, init.space.length));
        if (satisfiesConstraints(init.constraints, params)) {
          feasible.push(params);
          break;
        }
        if (++run >= MAX_INFEASIBLE_RUN)
          throw new HpoError(
            `qmc found no configuration satisfying the constraints in ${MAX_INFEASIBLE_RUN} points`,
          );
      }
    }
    return feasible[n] as Params;
  };

  return {
    name: "qmc",
    async ask(context, count) {
      const out: Proposal[] = [];
      for (let i = 0; i < count; i++) out.push({ params: { ...configuration(context.nextNumber + i) } });
      return out;
    },
  } satisfies Strategy;
};
