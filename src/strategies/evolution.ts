import type { EvolutionOperators } from "../native/evolution.js";
import { readOptions } from "../plan/options.js";
import { rngFor, STREAM } from "../plan/random.js";
import type { Params } from "../plan/types.js";
import { decode, satisfiesConstraints } from "../space/index.js";
import { HpoError } from "../util/errors.js";
import { Breeder, type Scored, scoredTrials } from "./evolution/breeding.js";
import { Sobol } from "./sobol.js";
import type { AskContext, Proposal, Strategy, StrategyFactory, StrategyInit } from "./types.js";

/** Population size without a trial budget, and the budget's share per member with one. */
const DEFAULT_POPULATION = 20;
const TRIALS_PER_MEMBER = 14;
const MIN_POPULATION = 5;
/** The 1/5th success rule (Rechenberg; Kern et al. 2004): the success rate the step size aims at. */
const TARGET_SUCCESS = 0.2;

/**
 * `evolution`: a steady-state genetic algorithm for asynchronous workers, sized for small budgets.
 *
 * - Population: `population` members, or, by default, one per 14 trials of the budget (5 to 20; 20
 *   without a trial budget): few enough that selection starts early in a 50-trial study.
 * - Start-up: the first generation is a scrambled Sobol design (space-filling: at 50–100 trials a
 *   random first generation leaves holes that a GA then never explores).
 * - Selection: the population is the `elitism` best completed trials plus the newest others, by
 *   default all of it the best (μ + λ truncation); parents are picked from it by tournament.
 * - Variation: crossover (uniform by default, or SBX) and a Gaussian mutation of every gene
 *   (probability `mutation`) in the space's unit-cube encoding, integers and choices rounded on
 *   decoding as `cmaes` does. Its step size starts at `sigma0` and follows the 1/5th success rule
 *   replayed over the history: each child that beat every earlier trial widens it, each other
 *   child narrows it, so the search contracts as it converges instead of collapsing or staying wide.
 *
 * Every draw is keyed by trial number (native/evo Philox streams), so the same history gives the same
 * child whichever worker asks. Conditions hold by construction (decoding drops inactive parameters);
 * a child that breaks a constraint is bred again from a fresh stream, and sampled from the prior as a
 * last resort. Only the first objective is optimized.
 */
export const createEvolution: StrategyFactory = (init: StrategyInit): Strategy => {
  const o = readOptions("evolution", init.options);
  if (init.objectives.length === 0) throw new HpoError("evolution needs an objective");
  const size = populationSize(o.population, init.budget?.trials);
  if (o.elitism > 0 && o.elitism >= size)
    throw new HpoError(
      `option \`elitism\` of \`evolution\` must be below \`population\` (${size}), got ${o.elitism}`,
      { hint: "elitism = 0 gives every place to the best trials" },
    );
  const elites = o.elitism > 0 ? o.elitism : size;
  const dims = init.space.length;
  // A steady-state population is tiny: the CPU engine serves "auto"; "cuda" is honoured (and checked).
  const breeder = new Breeder(
    init.space,
    init.constraints,
    init.seed,
    o.device === "cuda" ? "cuda" : "cpu",
    init.space.map(() => ({ type: "continuous" })),
  );
  const sobol = new Sobol(Math.max(1, dims), rngFor(init.seed, STREAM.evolutionDesign));

  /** The start-up design: Sobol point `number`, or the prior when the constraints reject it. */
  function design(number: number): Params {
    const params = decode(init.space, sobol.point(number).subarray(0, dims));
    return satisfiesConstraints(init.constraints, params) ? params : breeder.sample(number);
  }

  /** The population children are bred from: the elites, then the newest of the rest. */
  function currentPopulation(scored: Scored[]): Scored[] {
    const byCost = scored
      .slice()
      .sort((a, b) => cost(a) - cost(b) || a.trial.number - b.trial.number)
      .slice(0, elites);
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
      if (scored.length < size) return numbers.map((n) => ({ params: design(n) }));
      const parents = currentPopulation(scored);
      const operators: EvolutionOperators = {
        tournament: o.tournament,
        crossover: o.crossover,
        mutation: o.mutation,
        crossoverKind: o.operator,
        etaC: o.eta_c,
        etaM: 20,
        mutationKind: "gaussian",
        sigma: stepSize(scored, size, o.sigma0, dims),
        elitism: 0,
      };
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

/** `population`, or the budget's: one member per TRIALS_PER_MEMBER trials, within [5, 20]. */
export function populationSize(population: number, trials: number | undefined): number {
  if (population > 0) return population;
  if (trials === undefined) return DEFAULT_POPULATION;
  return Math.min(DEFAULT_POPULATION, Math.max(MIN_POPULATION, Math.round(trials / TRIALS_PER_MEMBER)));
}

/**
 * The mutation step after the history (number order): from `sigma0`, each bred trial (after the first
 * `size`) that beat every earlier one multiplies it by exp((1 - p) / (d_s (1 - p))), every other one
 * by exp(-p / (d_s (1 - p))), with p = 1/5 and damping d_s = 1 + d / 2; kept within [1e-8, 1].
 */
export function stepSize(scored: readonly Scored[], size: number, sigma0: number, dims: number): number {
  const damping = (1 - TARGET_SUCCESS) * (1 + Math.max(1, dims) / 2);
  let best = Number.POSITIVE_INFINITY;
  let log = Math.log(sigma0);
  scored.forEach((s, k) => {
    const c = cost(s);
    if (k >= size) log += ((c < best ? 1 : 0) - TARGET_SUCCESS) / damping;
    best = Math.min(best, c);
  });
  return Math.min(1, Math.max(1e-8, Math.exp(log)));
}

function cost(s: Scored): number {
  return s.costs[0] as number;
}
