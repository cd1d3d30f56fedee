import type { EvolutionOperators } from "../native/evolution.js";
import { readOptions } from "../plan/options.js";
import { HpoError } from "../util/errors.js";
import { Breeder, type Scored, scoredTrials } from "./evolution/breeding.js";
import type { AskContext, Proposal, Strategy, StrategyFactory, StrategyInit } from "./types.js";

/**
 * `evolution`: a steady-state genetic algorithm for asynchronous workers. Until `population` trials
 * have completed, proposals come from the prior; after that, each free worker gets a child bred at
 * once from the current population: the `elitism` best completed trials plus the most recent others,
 * `population` in all (a generational GA's memory without waiting for a generation to finish).
 * Parents are picked by tournament, recombined by SBX or uniform crossover and mutated
 * (native/evo). Conditions hold by construction (decoding drops inactive parameters); a child that
 * breaks a constraint is bred again from a fresh stream, and sampled from the prior as a last resort.
 * Only the first objective is optimized.
 */
export const createEvolution: StrategyFactory = (init: StrategyInit): Strategy => {
  const o = readOptions("evolution", init.options);
  const size = o.population;
  const operators: EvolutionOperators = {
    tournament: o.tournament,
    crossover: o.crossover,
    mutation: o.mutation,
    crossoverKind: o.operator,
    etaC: o.eta_c,
    etaM: o.eta_m,
    mutationKind: "polynomial",
    sigma: 0.1,
    elitism: 0,
  };
  const { elitism, device } = o;
  if (init.objectives.length === 0) throw new HpoError("evolution needs an objective");
  // A steady-state population is tiny: the CPU engine serves "auto"; "cuda" is honoured (and checked).
  const breeder = new Breeder(init.space, init.constraints, init.seed, device === "cuda" ? "cuda" : "cpu");

  /** The population children are bred from: the elites, then the newest of the rest. */
  function currentPopulation(scored: Scored[]): Scored[] {
    const byCost = scored
      .slice()
      .sort((a, b) => cost(a) - cost(b) || a.trial.number - b.trial.number)
      .slice(0, elitism);
    const chosen = new Set(byCost.map((s) => s.trial.number));
    const recent: Scored[] = [];
    for (let i = scored.length - 1; i >= 0 && byCost.length + recent.length < size; i--) {
      const s = scored[i] as Scored;
      if (!chosen.has(s.trial.number)) recent.push(s);
    }
    return [...byCost, ...recent];
  }

  return {
    name: "evolution",
    async ask(context: AskContext, count: number): Promise<Proposal[]> {
      const numbers = Array.from({ length: count }, (_, i) => context.nextNumber + i);
      const scored = scoredTrials(context.trials, init.objectives).filter((s) => !Number.isNaN(s.costs[0]));
      if (scored.length < size) return numbers.map((n) => ({ params: breeder.sample(n) }));
      const parents = currentPopulation(scored);
      const children = breeder.breed(
        parents.map((s) => s.trial),
        parents.map(cost),
        operators,
        numbers,
      );
      return children.map((params) => ({ params }));
    },
  };
};

function cost(s: Scored): number {
  return s.costs[0] as number;
}
