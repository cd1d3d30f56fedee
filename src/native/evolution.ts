/**
 * Population evolution on the native engine (native/evo/): a population of genes in the unit cube
 * with a type per gene, evolved one generation at a time (tournament selection, SBX or uniform
 * crossover, polynomial or Gaussian mutation, ±step and reset for discrete genes, elitism), and
 * NSGA-II non-dominated ranking with crowding distances. Every random draw comes from Philox streams
 * keyed by (seed, generation, individual), so the CPU and CUDA paths give the same bits.
 *
 * This wrapper applies defaults, validates every argument (HpoError naming it), then makes one native
 * call with typed arrays and numbers.
 */
import { HpoError } from "../util/errors.js";
import { fromNativeError } from "./errors.js";
import { type Device, loadCpu, loadCuda, resolveDevice } from "./load.js";

/**
 * How a gene maps to a parameter: `continuous` and `log` (log-scaled, already in log space) take any
 * value in [0, 1]; `integer` with `levels` grid points sits on i / (levels - 1); `categorical` with
 * `levels` choices sits at (i + 0.5) / levels.
 */
export type GeneType = "continuous" | "log" | "integer" | "categorical";

export interface GeneSpec {
  type: GeneType;
  /** Number of grid points (integer) or choices (categorical); ignored for continuous and log genes. */
  levels?: number;
}

/** The operators of one generation (see native/evo/evo_math.h). */
export interface EvolutionOperators {
  /** Tournament size (>= 1). */
  tournament: number;
  /** Probability that a child is bred by crossover rather than copied from its first parent. */
  crossover: number;
  /** Per-gene mutation probability. */
  mutation: number;
  crossoverKind: "sbx" | "uniform";
  /** SBX distribution index: larger keeps children nearer their parents. */
  etaC: number;
  /** Polynomial-mutation distribution index. */
  etaM: number;
  mutationKind: "polynomial" | "gaussian";
  /** Standard deviation of Gaussian mutation, in unit-cube units. */
  sigma: number;
  /** How many of the best individuals `evolve` copies unchanged into the next generation. */
  elitism: number;
}

export const DEFAULT_OPERATORS: Readonly<EvolutionOperators> = Object.freeze({
  tournament: 3,
  crossover: 0.9,
  mutation: 0.1,
  crossoverKind: "sbx",
  etaC: 15,
  etaM: 20,
  mutationKind: "polynomial",
  sigma: 0.1,
  elitism: 2,
});

const GENE_CODES: Record<GeneType, number> = { continuous: 0, log: 1, integer: 2, categorical: 3 };

export interface PopulationOptions {
  /** Row-major (size × genes.length) values in [0, 1]. */
  genes: ArrayLike<number>;
  size: number;
  types: readonly GeneSpec[];
  /** Integer in [0, 2^53). */
  seed: number;
  /** Default "cpu"; "auto" picks CUDA when usable. */
  device?: Device;
}

export interface Ranking {
  /** Front index per row: 0 for the non-dominated front. */
  rank: Int32Array;
  /** Crowding distance within the row's front; Infinity at a front's extremes. */
  crowding: Float64Array;
}

interface NativePopulation {
  evolve(fitness: Float64Array, operators: Float64Array): Promise<void>;
  breed(
    fitness: Float64Array,
    operators: Float64Array,
    generation: number,
    first: number,
    count: number,
  ): Float64Array;
  rank(objectives: Float64Array, m: number): Ranking;
  genes(): Float64Array;
  setGenes(genes: Float64Array): void;
  generation(): number;
  dispose(): void;
}

const native = Symbol("native");

function invalid(name: string, expected: string, actual: unknown): HpoError {
  const shown =
    typeof actual === "number"
      ? String(actual)
      : typeof actual === "string"
        ? JSON.stringify(actual)
        : typeof actual;
  return new HpoError(`evolution: expected ${name} to be ${expected}, got ${shown}`);
}

function checkInteger(name: string, value: unknown, low: number, high: number): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < low || value > high)
    throw invalid(name, `an integer in [${low}, ${high}]`, value);
  return value;
}

function checkNumber(name: string, value: unknown, low: number, high: number): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < low || value > high)
    throw invalid(name, `a number in [${low}, ${high}]`, value);
  return value;
}

/** Validates operators (defaults applied) and packs them in the native order. */
export function packOperators(partial: Partial<EvolutionOperators>, size: number): Float64Array {
  // 1. defaults
  const op = { ...DEFAULT_OPERATORS, ...partial };
  // 2. validation
  checkInteger("tournament", op.tournament, 1, 1024);
  checkNumber("crossover", op.crossover, 0, 1);
  checkNumber("mutation", op.mutation, 0, 1);
  if (op.crossoverKind !== "sbx" && op.crossoverKind !== "uniform")
    throw invalid("crossoverKind", '"sbx" or "uniform"', op.crossoverKind);
  checkNumber("etaC", op.etaC, 0, 1e6);
  checkNumber("etaM", op.etaM, 0, 1e6);
  if (op.mutationKind !== "polynomial" && op.mutationKind !== "gaussian")
    throw invalid("mutationKind", '"polynomial" or "gaussian"', op.mutationKind);
  checkNumber("sigma", op.sigma, 0, 1e6);
  checkInteger("elitism", op.elitism, 0, size);
  // 3. the native layout: see Operators in native/evo/evo_math.h
  return new Float64Array([
    op.tournament,
    op.crossover,
    op.mutation,
    op.crossoverKind === "sbx" ? 0 : 1,
    op.etaC,
    op.etaM,
    op.mutationKind === "polynomial" ? 0 : 1,
    op.sigma,
    op.elitism,
  ]);
}

/** Runs a native call, rethrowing its failure as an HpoNativeError (argument errors pass through). */
function guard<T>(call: () => T): T {
  try {
    return call();
  } catch (err) {
    throw fromNativeError(err);
  }
}

function toFitness(fitness: ArrayLike<number>, size: number): Float64Array {
  if (fitness === null || typeof fitness !== "object" || typeof fitness.length !== "number")
    throw invalid("fitness", "an array of numbers", fitness);
  if (fitness.length !== size)
    throw invalid("fitness", `${size} values (one per individual)`, fitness.length);
  // Float64Array.from would turn "3" into 3 and "abc" into NaN (a failed individual) without a word.
  if (!(fitness instanceof Float64Array || fitness instanceof Float32Array))
    for (let i = 0; i < size; i++)
      if (typeof fitness[i] !== "number")
        throw invalid(`fitness[${i}]`, "a number (NaN for a failed individual)", fitness[i]);
  // NaN marks a failed individual: it loses every tournament (kept as is).
  return Float64Array.from(fitness);
}

/** A population on the CPU or a GPU. Call `dispose()` to free GPU memory early. */
export class Population {
  readonly size: number;
  readonly dim: number;
  readonly device: "cpu" | "cuda";
  private readonly [native]: NativePopulation;

  constructor(options: PopulationOptions) {
    if (options === null || typeof options !== "object")
      throw invalid("options", "an object with size, types, genes and seed", options);
    // 1. defaults
    const device = options.device ?? "cpu";
    // 2. validation
    const size = checkInteger("size", options.size, 1, 2 ** 30);
    if (!Array.isArray(options.types) || options.types.length === 0)
      throw invalid("types", "a non-empty array of gene specs", options.types);
    const dim = options.types.length;
    const types = new Int32Array(dim);
    const levels = new Int32Array(dim);
    options.types.forEach((spec, g) => {
      if (!spec || typeof spec.type !== "string" || !Object.hasOwn(GENE_CODES, spec.type))
        throw invalid(`types[${g}].type`, '"continuous", "log", "integer" or "categorical"', spec?.type);
      types[g] = GENE_CODES[spec.type as GeneType];
      if (spec.type === "integer" || spec.type === "categorical")
        levels[g] = checkInteger(`types[${g}].levels`, spec.levels, 1, 2 ** 31 - 1);
    });
    const seed = checkInteger("seed", options.seed, 0, Number.MAX_SAFE_INTEGER);
    if (!options.genes || options.genes.length !== size * dim)
      throw invalid("genes", `${size * dim} values (size × types.length)`, options.genes?.length);
    const genes = Float64Array.from(options.genes);
    genes.forEach((x, i) => {
      if (!(x >= 0 && x <= 1)) throw invalid(`genes[${i}]`, "a number in [0, 1]", x);
    });
    // 3. interpretation: the device
    const resolved = resolveDevice(device);
    const mod = resolved === "cuda" ? loadCuda() : loadCpu();
    const Ctor = mod?.Population;
    if (!Ctor)
      throw new HpoError(
        `the ${resolved} native module has no Population (rebuild with \`npm run build:native\`)`,
      );
    this.size = size;
    this.dim = dim;
    this.device = resolved;
    this[native] = guard(() => new Ctor(genes, size, dim, types, levels, seed) as NativePopulation);
  }

  /** Replaces the population by one generation bred from it under `fitness` (lower is better). */
  evolve(fitness: ArrayLike<number>, operators: Partial<EvolutionOperators> = {}): Promise<void> {
    const packed = packOperators(operators, this.size);
    const callSite = new Error();
    return guard(() => this[native].evolve(toFitness(fitness, this.size), packed)).catch((err: unknown) => {
      throw fromNativeError(err, callSite);
    });
  }

  /**
   * Children `first`..`first + count - 1` of `generation`, as evolve would breed them, without changing
   * the population: (count × dim) row-major.
   */
  breed(
    fitness: ArrayLike<number>,
    operators: Partial<EvolutionOperators>,
    generation: number,
    first: number,
    count: number,
  ): Float64Array {
    const packed = packOperators(operators, this.size);
    checkInteger("generation", generation, 0, 2 ** 32 - 1);
    checkInteger("first", first, 0, 2 ** 32 - 1);
    checkInteger("count", count, 0, 2 ** 24);
    return guard(() => this[native].breed(toFitness(fitness, this.size), packed, generation, first, count));
  }

  /** NSGA-II ranking of (rows × m) objectives, all minimized (NaN counts as +Infinity). */
  rank(objectives: readonly (readonly number[])[]): Ranking {
    const packed = packObjectives(objectives);
    return guard(() => this[native].rank(...packed));
  }

  /** A copy of the genes, (size × dim) row-major. */
  genes(): Float64Array {
    return guard(() => this[native].genes());
  }

  setGenes(genes: ArrayLike<number>): void {
    if (!genes || genes.length !== this.size * this.dim)
      throw invalid("genes", `${this.size * this.dim} values (size × dim)`, genes?.length);
    const copy = Float64Array.from(genes);
    copy.forEach((x, i) => {
      if (!(x >= 0 && x <= 1)) throw invalid(`genes[${i}]`, "a number in [0, 1]", x);
    });
    guard(() => this[native].setGenes(copy));
  }

  /** How many generations `evolve` has bred. */
  get generation(): number {
    return this[native].generation();
  }

  dispose(): void {
    guard(() => this[native].dispose());
  }
}

function packObjectives(objectives: readonly (readonly number[])[]): [Float64Array, number] {
  if (!Array.isArray(objectives) || objectives.length === 0)
    throw invalid("objectives", "a non-empty array of rows", objectives);
  const m = objectives[0]?.length;
  checkInteger("the number of objectives", m, 2, 4);
  const flat = new Float64Array(objectives.length * m);
  objectives.forEach((row, i) => {
    if (!Array.isArray(row) || row.length !== m)
      throw invalid(`objectives[${i}]`, `a row of ${m} numbers`, row?.length);
    row.forEach((v, j) => {
      if (typeof v !== "number") throw invalid(`objectives[${i}][${j}]`, "a number", v);
      flat[i * m + j] = v;
    });
  });
  return [flat, m];
}

let ranker: Population | undefined;

/** NSGA-II non-dominated ranks and crowding distances on the CPU (all objectives minimized). */
export function rankObjectives(objectives: readonly (readonly number[])[]): Ranking {
  ranker ??= new Population({ genes: [0.5], size: 1, types: [{ type: "continuous" }], seed: 0 });
  return ranker.rank(objectives);
}
