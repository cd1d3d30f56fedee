/**
 * The one seeded generator of hpo and the registry of its streams. Every random choice in
 * TypeScript draws from `rngFor(seed, STREAM.<purpose>, …key)`: the seed is the study seed (or a
 * seed derived from it, such as a trial's), the purpose is one named constant below, and the rest of
 * the key says which draw (a trial number, an epoch, a fold). Same arguments, same sequence; any
 * change in any argument, an unrelated one. docs/randomness.md lists every stream and its key.
 *
 * The native addon draws from Philox4x32-10 instead (counter-based, so CPU and CUDA give the same
 * bits); its keys come from the same study seed, as documented in docs/randomness.md.
 */
import { HpoError } from "../util/errors.js";

/** A seeded source of random numbers. */
export interface Rng {
  /** A float in [0, 1) with 53 random bits. */
  uniform(): number;
  /** A standard normal draw (Box–Muller). */
  normal(): number;
  /** An integer in [0, n), n a positive integer. */
  int(n: number): number;
}

/**
 * The purpose of each random stream: the first key after the seed. One constant per use, so two
 * uses never share a stream by accident; the values are part of the seed's meaning (changing one
 * changes every study's draws for that purpose) and must stay distinct.
 */
export const STREAM = {
  /** Prior samples for one trial (random strategy, TPE's startup and fallbacks, multi-fidelity brackets); key: trial number. */
  sample: 1,
  /** The scramble of the QMC (Sobol) sequence; no further key. */
  scramble: 2,
  /** The grid strategy's order when shuffled; no further key. */
  shuffle: 3,
  /** TPE's candidate draws for one trial; key: trial number. */
  tpe: 4,
  /** The trial seed handed to objectives and the trainer (`trialSeed`); key: trial number. */
  trial: 0x10,
  /** The holdout / k-fold order of the data; seeded by `shuffle_seed`, default the study seed. */
  dataSplit: 0x20,
  /** The test part split off the data when `test` is a fraction; seeded like `dataSplit`. */
  dataTest: 0x21,
  /** The trainer's batch order; seeded by the trial seed; keys: epoch, fold. */
  batchOrder: 0x22,
  /** The trainer's weight initialisation; seeded by the trial seed; key: fold. */
  modelInit: 0x23,
  /** The checker's sampler (satisfiability and activity of the space, without running anything). */
  checker: 0x30,
  /** The bootstrap samples of the report's importance forest; seeded by the report's seed. */
  reportForest: 0x40,
  /** Bayes: the initial Latin hypercube; no further key. */
  bayesDesign: 0xb0,
  /** Bayes: prior samples when the model cannot propose; key: trial number. */
  bayesRandom: 0xb1,
  /** Bayes: acquisition candidates; key: trial number. */
  bayesCandidates: 0xb2,
  /** Bayes: the seed of the GP fit's restarts (native); key: trial number. */
  bayesFit: 0xb3,
  /** Bayes: the weights of the scalarised objectives; key: trial number. */
  bayesWeights: 0xb4,
  /** Evolution and NSGA-II: a member of the initial population (prior sample); key: trial number. */
  evolutionSample: 0x65766f,
  /** Evolution and NSGA-II: the encoding of a parent's categorical genes; key: trial number. */
  evolutionGenes: 0x67656e,
  /** PBT: a member's first configuration; key: member. */
  pbtSample: 0x706273,
  /** PBT: one round's exploit and explore decisions; keys: round, member. */
  pbtRound: 0x706274,
  /** Evolution: the scramble of its Sobol start-up design; no further key. */
  evolutionDesign: 0x657364,
} as const;

export type StreamPurpose = (typeof STREAM)[keyof typeof STREAM];

// 32-bit finalizer of MurmurHash3: a bijection that spreads every input bit over the output.
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

// A number as two 32-bit words: its IEEE-754 bits, so any finite number (negative, fractional,
// above 2^32) is a distinct key.
const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
function words(x: number): [number, number] {
  f64[0] = x === 0 ? 0 : x; // -0 and 0 are one key
  return [u32[0] as number, u32[1] as number];
}

/** xoshiro128** (Blackman & Vigna): small state, fast, passes BigCrush; 32-bit outputs. */
class Xoshiro128 implements Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spare: number | undefined;

  constructor(state: [number, number, number, number]) {
    [this.s0, this.s1, this.s2, this.s3] = state;
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 0x9e3779b9;
  }

  next(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  uniform(): number {
    const hi = this.next() >>> 5; // 27 bits
    const lo = this.next() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  normal(): number {
    if (this.spare !== undefined) {
      const z = this.spare;
      this.spare = undefined;
      return z;
    }
    const u1 = 1 - this.uniform(); // (0, 1]: log stays finite
    const u2 = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u1));
    this.spare = r * Math.sin(2 * Math.PI * u2);
    return r * Math.cos(2 * Math.PI * u2);
  }

  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0) throw new HpoError(`rng.int needs a positive integer, got ${n}`);
    return Math.floor(this.uniform() * n);
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/**
 * The generator for one stream: `rngFor(seed, STREAM.purpose, …key)`. The same arguments always
 * give the same sequence; any change in any argument gives an unrelated one. The 128-bit state is
 * four independent hashes of the key, expanded with splitmix32-style increments.
 */
export function rngFor(seed: number, ...stream: number[]): Rng {
  const key: number[] = [];
  for (const x of [seed, ...stream]) {
    if (!Number.isFinite(x))
      throw new HpoError(`a random seed or stream key must be a finite number, got ${x}`);
    key.push(...words(x));
  }
  key.push(stream.length); // rngFor(s) and rngFor(s, 0) differ
  const state: number[] = [];
  for (let lane = 0; lane < 4; lane++) {
    let h = fmix32((Math.imul(lane + 1, 0x9e3779b9) ^ 0x2545f491) >>> 0);
    for (const w of key) h = fmix32((h ^ Math.imul(w, 0xcc9e2d51)) + 0x6b43a9b5);
    state.push(h);
  }
  return new Xoshiro128(state as [number, number, number, number]);
}

/** A trial's seed (32-bit): what objectives get as `ctx.seed`, and the root of the trainer's streams. */
export function trialSeed(studySeed: number, trial: number): number {
  return rngFor(studySeed, STREAM.trial, trial).int(4294967296);
}

/** Shuffles `items` in place (Fisher–Yates, drawing `rng.int(i + 1)` from the end). */
export function shuffle<T>(items: T[] | Int32Array, rng: Rng): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = items[i] as T;
    items[i] = items[j] as T;
    items[j] = t;
  }
}

/** A random permutation of 0…n-1. */
export function permutation(n: number, rng: Rng): Int32Array {
  const p = Int32Array.from({ length: n }, (_, i) => i);
  shuffle(p, rng);
  return p;
}
