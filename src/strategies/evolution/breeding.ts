import { rngFor, STREAM } from "../../plan/random.js";
import { type EvolutionOperators, type GeneSpec, Population } from "../../native/evolution.js";
import type { Device } from "../../native/load.js";
import type { Expr, ObjectiveSpec, Params, ParamSpec } from "../../plan/types.js";
import { sampleConfiguration, satisfiesConstraints } from "../../space/index.js";
import type { TrialView } from "../types.js";
import { genesOf, genomeOf, paramsOf } from "./genome.js";

/** Children that break a constraint are bred again from a fresh stream this many times, then sampled. */
export const MAX_BREED_ATTEMPTS = 32;

/** A finished trial with its objective values turned to minimization. */
export interface Scored {
  trial: TrialView;
  /** One per objective, smaller is better; NaN when the trial reported a non-number. */
  costs: number[];
}

/** The completed trials, in number order, with their values made "smaller is better". */
export function scoredTrials(trials: readonly TrialView[], objectives: readonly ObjectiveSpec[]): Scored[] {
  const out: Scored[] = [];
  for (const trial of trials) {
    if (trial.state !== "complete" || !trial.values) continue;
    const costs = objectives.map((o, j) => {
      const v = trial.values?.[j];
      if (typeof v !== "number" || Number.isNaN(v)) return Number.NaN;
      return o.direction === "maximize" ? -v : v;
    });
    out.push({ trial, costs });
  }
  return out;
}

/** The engine's seed: the study seed as a non-negative integer. */
export function engineSeed(seed: number): number {
  return Math.abs(Math.trunc(seed)) % Number.MAX_SAFE_INTEGER;
}

/**
 * Breeds valid configurations from parent trials on the native engine. Child of trial number t, attempt
 * a, comes from the engine stream (generation a, individual t): the same history always gives the same
 * child, whichever worker asks.
 */
export class Breeder {
  private readonly genome: GeneSpec[];

  constructor(
    private readonly space: ParamSpec[],
    private readonly constraints: Expr[],
    private readonly seed: number,
    private readonly device: Device,
    /** How each parameter breeds; by default by its kind (genome.ts). */
    genome: GeneSpec[] = genomeOf(space),
  ) {
    this.genome = genome;
  }

  /** A configuration from the prior (the initial population, and the last resort under constraints). */
  sample(number: number): Params {
    return sampleConfiguration(
      this.space,
      this.constraints,
      rngFor(this.seed, STREAM.evolutionSample, number),
    );
  }

  /** One child per trial number in `numbers`, bred from `parents` under `fitness` (smaller is better). */
  breed(
    parents: readonly TrialView[],
    fitness: number[],
    operators: EvolutionOperators,
    numbers: number[],
  ): Params[] {
    if (this.space.length === 0) return numbers.map(() => ({}));
    const genes = parents.flatMap((t) =>
      genesOf(this.space, t.params, rngFor(this.seed, STREAM.evolutionGenes, t.number)),
    );
    const population = new Population({
      genes,
      size: parents.length,
      types: this.genome,
      seed: engineSeed(this.seed),
      device: this.device,
    });
    try {
      return numbers.map((number) => {
        for (let attempt = 0; attempt < MAX_BREED_ATTEMPTS; attempt++) {
          const child = population.breed(fitness, operators, attempt, number, 1);
          const params = paramsOf(this.space, child);
          if (this.constraints.length === 0 || satisfiesConstraints(this.constraints, params)) return params;
        }
        return this.sample(number);
      });
    } finally {
      population.dispose();
    }
  }
}
