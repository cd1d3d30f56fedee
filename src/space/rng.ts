import { HpoError } from "../util/errors.js";

/**
 * A seeded source of random numbers. Every random choice in hpo comes from one of these, derived
 * from the study seed and a stream key (trial number, purpose, …), so runs are reproducible and
 * independent draws never share a stream.
 */
export interface Rng {
  /** A float in [0, 1) with 53 random bits. */
  uniform(): number;
  /** A standard normal draw (Box–Muller). */
  normal(): number;
  /** An integer in [0, n), n a positive integer. */
  int(n: number): number;
}

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
 * The generator for one stream: `rngFor(seed, trialNumber, purpose…)`. The same arguments always
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
