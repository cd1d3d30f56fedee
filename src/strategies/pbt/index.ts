/**
 * `pbt(population, interval, max_epochs, quantile, perturb, resample_probability)`: population-based
 * training (Jaderberg et al. 2017) over the built-in trainer's checkpoints.
 *
 * `population` members start from prior samples and train in rounds of `interval` epochs up to
 * `max_epochs`. Each round of each member is one trial (`fidelity`: the epochs it trains to, the
 * trial whose checkpoint it continues, its member and round), so storage, `hpo trials` and resume
 * see the schedule as trials. Between rounds, truncation selection: the worst `quantile` copy the
 * checkpoint (weights, optimizer slots, counters) of one of the best `quantile` and explore its
 * hyperparameters (explore.ts); only the parameters that can change while a model trains on are
 * explored (src/plan/explorable.ts), the others are inherited with the checkpoint.
 *
 * Rounds are synchronous: round r + 1 is proposed once every trial of round r has finished, so each
 * decision ranks the whole population at the same epoch, and depends only on the seed and the stored
 * results — never on which worker finished first. Members of one round train in parallel.
 */
import { readOptions } from "../../plan/options.js";
import { rngFor, STREAM } from "../../plan/random.js";
import { sampleConfiguration } from "../../space/index.js";
import { firstDirection, isFinished } from "../multifidelity/common.js";
import type { Proposal, Strategy, StrategyFactory, TrialView } from "../types.js";
import { explore } from "./explore.js";
import { exploit, memberProposal, rebuildRounds, roundEpochs } from "./rounds.js";

export const createPbt: StrategyFactory = (init) => {
  const o = readOptions("pbt", init.options);
  const direction = firstDirection(init.objectives);
  const epochs = roundEpochs(o.interval, o.max_epochs);
  const explorable = init.explorable ? new Set(init.explorable) : undefined;
  /** A member's configuration drawn from the prior: its first round's, or a restart's. */
  const fresh = (member: number, round: number) =>
    sampleConfiguration(init.space, init.constraints, rngFor(init.seed, STREAM.pbtSample, member, round));

  /** Every member's trial of `round` (≥ 1), decided from the finished round before it. */
  const nextRound = (previous: readonly TrialView[], round: number): Proposal[] => {
    // One stream per member and round: its pick of a better member, then its exploration.
    const rngs = previous.map((_, m) => rngFor(init.seed, STREAM.pbtRound, round, m));
    const steps = exploit(previous, o.quantile, direction, (member, n) => rngs[member]!.int(n));
    // Nobody completed the last round: every member starts over from a new prior sample.
    if (!steps) return previous.map((_, m) => memberProposal(fresh(m, round), m, round, epochs[round]!));
    return steps.map(({ member, parent, exploits }) => {
      const params = exploits
        ? explore(init.space, init.constraints, parent.params, explorable, o, rngs[member]!)
        : { ...parent.params };
      return memberProposal(params, member, round, epochs[round]!, parent);
    });
  };

  return {
    name: "pbt",
    async ask(context, count) {
      const rounds = rebuildRounds(context.trials, o.population, epochs.length);
      for (const [round, row] of rounds.entries()) {
        const missing = row.flatMap((t, m) => (t ? [] : [m]));
        if (missing.length === 0) continue;
        if (round === 0)
          return missing.slice(0, count).map((m) => memberProposal(fresh(m, 0), m, 0, epochs[0]!));
        const previous = rounds[round - 1]! as TrialView[];
        if (!previous.every(isFinished)) return [];
        const next = nextRound(previous, round);
        return missing.slice(0, count).map((m) => next[m]!);
      }
      return []; // every round of every member has been proposed
    },
  } satisfies Strategy;
};
