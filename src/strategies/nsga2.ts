import type { EvolutionOperators } from "../native/evolution.js";
import { rankObjectives } from "../native/evolution.js";
import { readOptions } from "../plan/options.js";
import { HpoError } from "../util/errors.js";
import { Breeder, type Scored, scoredTrials } from "./evolution/breeding.js";
import type { AskContext, Proposal, Strategy, StrategyFactory, StrategyInit, TrialView } from "./types.js";

/**
 * `nsga2` (Deb et al. 2002): multi-objective evolution. Generations are formed from completed trials in
 * trial-number order: the first `population` make the first parent population; each next block of
 * `population` completed trials is merged with the parents and the best `population` survive by
 * (non-dominated rank, crowding distance). Asks are steady-state: a free worker immediately gets a
 * child of the current parents, chosen by binary crowded tournament, SBX crossover and polynomial
 * mutation. Only trials before the first still-running one count, so the parents are a function of
 * the history alone, whatever order parallel workers finish in.
 */
export const createNsga2: StrategyFactory = (init: StrategyInit): Strategy => {
  const o = readOptions("nsga2", init.options);
  const size = o.population;
  const operators: EvolutionOperators = {
    tournament: 2,
    crossover: o.crossover,
    mutation: o.mutation,
    crossoverKind: "sbx",
    etaC: o.eta_c,
    etaM: o.eta_m,
    mutationKind: "polynomial",
    sigma: 0.1,
    elitism: 0,
  };
  const device = o.device;
  const m = init.objectives.length;
  if (m < 2 || m > 4)
    throw new HpoError(`nsga2 needs 2 to 4 objectives, got ${m}`, {
      hint: "for one objective use `strategy evolution`",
    });
  const breeder = new Breeder(init.space, init.constraints, init.seed, device === "cuda" ? "cuda" : "cpu");

  // Survivors so far, and how far into the finished prefix of the history they account for.
  let parents: Scored[] = [];
  let offspring: Scored[] = [];
  let consumed = 0;

  function advance(trials: readonly TrialView[]): void {
    const firstRunning = trials.findIndex((t) => t.state === "running");
    const prefix = firstRunning < 0 ? trials : trials.slice(0, firstRunning);
    const scored = scoredTrials(prefix, init.objectives);
    for (; consumed < scored.length; consumed++) {
      const s = scored[consumed] as Scored;
      if (parents.length < size) parents.push(s);
      else offspring.push(s);
      if (offspring.length === size) {
        parents = survivors([...parents, ...offspring], size);
        offspring = [];
      }
    }
  }

  return {
    name: "nsga2",
    async ask(context: AskContext, count: number): Promise<Proposal[]> {
      advance(context.trials);
      const numbers = Array.from({ length: count }, (_, i) => context.nextNumber + i);
      if (parents.length < size) return numbers.map((n) => ({ params: breeder.sample(n) }));
      const { rank, crowding } = rankObjectives(parents.map((s) => s.costs));
      // The crowded-comparison order as one number: lower rank first, then larger crowding.
      const fitness = parents.map((_, i) => (rank[i] as number) + 1 / (1 + (crowding[i] as number)));
      const children = breeder.breed(
        parents.map((s) => s.trial),
        fitness,
        operators,
        numbers,
      );
      return children.map((params) => ({ params }));
    },
  };
};

/** NSGA-II environmental selection: the best `size` by (rank, crowding distance), ties by trial number. */
export function survivors(pool: Scored[], size: number): Scored[] {
  const { rank, crowding } = rankObjectives(pool.map((s) => s.costs));
  const order = pool.map((_, i) => i);
  order.sort(
    (a, b) =>
      (rank[a] as number) - (rank[b] as number) ||
      (crowding[b] as number) - (crowding[a] as number) ||
      (pool[a] as Scored).trial.number - (pool[b] as Scored).trial.number,
  );
  return order.slice(0, size).map((i) => pool[i] as Scored);
}
