/**
 * A plain TypeScript reference of native/evo/evo_math.h and evo_cpu.cpp for small populations: the
 * same formulas written again, independently, so the known-answer tests can demand exact bits.
 */

// ---- Philox4x32-10 -------------------------------------------------------------------------------
function mulHiLo(a: number, b: number): [number, number] {
  const al = a & 0xffff;
  const ah = a >>> 16;
  const bl = b & 0xffff;
  const bh = b >>> 16;
  const ll = al * bl;
  const lh = al * bh;
  const hl = ah * bl;
  const mid = Math.floor(ll / 65536) + (lh % 65536) + (hl % 65536);
  const hi = ah * bh + Math.floor(lh / 65536) + Math.floor(hl / 65536) + Math.floor(mid / 65536);
  return [hi >>> 0, Math.imul(a, b) >>> 0];
}

export function philox(counter: number[], key0: number, key1: number): number[] {
  let c = counter.slice();
  let k0 = key0 >>> 0;
  let k1 = key1 >>> 0;
  for (let round = 0; round < 10; round++) {
    if (round > 0) {
      k0 = (k0 + 0x9e3779b9) >>> 0;
      k1 = (k1 + 0xbb67ae85) >>> 0;
    }
    const [hi0, lo0] = mulHiLo(0xd2511f53, c[0] as number);
    const [hi1, lo1] = mulHiLo(0xcd9e8d57, c[2] as number);
    c = [(hi1 ^ (c[1] as number) ^ k0) >>> 0, lo1, (hi0 ^ (c[3] as number) ^ k1) >>> 0, lo0];
  }
  return c;
}

const EVO_DOMAIN = 0x45564f4c5554494fn;

/** Block `block` (four 32-bit words) of the stream (generation, individual) under `seed`. */
export function block(seed: number, generation: number, individual: number, index: number): number[] {
  const key = BigInt(seed) ^ EVO_DOMAIN;
  return philox(
    [index >>> 0, Math.floor(index / 2 ** 32) >>> 0, individual >>> 0, generation >>> 0],
    Number(key & 0xffffffffn),
    Number(key >> 32n),
  );
}

/** A double in [0, 1) from words a (top 27 bits) and b (top 26 bits). */
export function unitDouble(a: number, b: number): number {
  return ((a >>> 5) * 67108864 + (b >>> 6)) * (1 / 9007199254740992);
}

/** A 32-bit word as a coin in (0, 1). */
export function coin(word: number): number {
  return (word + 0.5) / 4294967296;
}

/** A uniform double in [0, 1) from the first two words of block `index` (for operator tests). */
export function uniform(seed: number, generation: number, individual: number, index: number): number {
  const words = block(seed, generation, individual, index);
  return unitDouble(words[0] as number, words[1] as number);
}

/** Word j of a child's selection words (four per block, from block 0). */
function selectionWord(seed: number, gen: number, ind: number, j: number): number {
  return block(seed, gen, ind, Math.floor(j / 4))[j % 4] as number;
}

// ---- elementary functions --------------------------------------------------------------------------
const f64 = new Float64Array(1);
const u64 = new BigUint64Array(f64.buffer);
const LN2_HI = 0.6931471803691238;
const LN2_LO = 1.9082149292705877e-10;

export function detLog(x: number): number {
  if (!(x > 0)) return x === 0 ? Number.NEGATIVE_INFINITY : Number.NaN;
  if (x === Number.POSITIVE_INFINITY) return x;
  f64[0] = x;
  let bits = u64[0] as bigint;
  let e = Number((bits >> 52n) & 0x7ffn);
  if (e === 0) {
    f64[0] = x * 18014398509481984;
    bits = u64[0] as bigint;
    e = Number((bits >> 52n) & 0x7ffn) - 54;
  }
  e -= 1023;
  u64[0] = (bits & 0xfffffffffffffn) | 0x3ff0000000000000n;
  let m = f64[0] as number;
  if (m > Math.SQRT2) {
    m = m * 0.5;
    e += 1;
  }
  const f = (m - 1) / (m + 1);
  const s = f * f;
  let p = 1 / 25;
  for (const k of [23, 21, 19, 17, 15, 13, 11, 9, 7, 5, 3]) p = p * s + 1 / k;
  const logm = 2 * f + 2 * f * (s * p);
  return e * LN2_HI + (e * LN2_LO + logm);
}

const FACT = [
  1, 1, 2, 6, 24, 120, 720, 5040, 40320, 362880, 3628800, 39916800, 479001600, 6227020800, 87178291200,
  1307674368000, 20922789888000, 355687428096000, 6402373705728000,
];

export function detExp(x: number): number {
  if (Number.isNaN(x)) return x;
  if (x > 709.782712893384) return Number.POSITIVE_INFINITY;
  if (x < -708) return 0;
  let kd = x * Math.LOG2E;
  kd = kd >= 0 ? Math.trunc(kd + 0.5) : Math.trunc(kd - 0.5);
  const r = x - kd * LN2_HI - kd * LN2_LO;
  let p = 1 / (FACT[18] as number);
  for (let k = 17; k >= 2; k--) p = p * r + 1 / (FACT[k] as number);
  p = p * r + 1;
  p = p * r + 1;
  if (kd === 1024) {
    u64[0] = 2046n << 52n;
    return p * 2 * (f64[0] as number);
  }
  u64[0] = BigInt(kd + 1023) << 52n;
  return p * (f64[0] as number);
}

export function detPow(base: number, exponent: number): number {
  if (base === 0) return exponent > 0 ? 0 : Number.POSITIVE_INFINITY;
  if (base === 1) return 1;
  return detExp(exponent * detLog(base));
}

/** evo_math.h's Pow: binary powering for whole exponents of magnitude 1..64, else detPow. */
export function pow(base: number, exponent: number): number {
  const magnitude = Math.abs(exponent);
  if (magnitude >= 1 && magnitude <= 64 && Number.isInteger(magnitude)) {
    let power = 1;
    let square = base;
    for (let k = magnitude; ; ) {
      if (k & 1) power *= square;
      k >>= 1;
      if (k === 0) break;
      square *= square;
    }
    return exponent < 0 ? 1 / power : power;
  }
  return detPow(base, exponent);
}

export function detCos2Pi(v: number): number {
  const q = Math.trunc(4 * v + 0.5);
  const a = (v - q * 0.25) * 6.283185307179586;
  const s = a * a;
  const quadrant = q & 3;
  if (quadrant === 0 || quadrant === 2) {
    let c = 1 / (FACT[16] as number);
    for (const [k, sign] of [
      [14, -1],
      [12, 1],
      [10, -1],
      [8, 1],
      [6, -1],
      [4, 1],
      [2, -1],
    ] as const)
      c = sign < 0 ? c * s - 1 / (FACT[k] as number) : c * s + 1 / (FACT[k] as number);
    c = c * s + 1;
    return quadrant === 0 ? c : -c;
  }
  let p = -1 / (FACT[15] as number);
  for (const [k, sign] of [
    [13, 1],
    [11, -1],
    [9, 1],
    [7, -1],
    [5, 1],
    [3, -1],
  ] as const)
    p = sign < 0 ? p * s - 1 / (FACT[k] as number) : p * s + 1 / (FACT[k] as number);
  p = p * s + 1;
  const sn = a * p;
  return quadrant === 1 ? -sn : sn;
}

// ---- operators ----------------------------------------------------------------------------------------
export const CONTINUOUS = 0;
export const LOG = 1;
export const INTEGER = 2;
export const CATEGORICAL = 3;

export interface RefOperators {
  tournament: number;
  crossover: number;
  mutation: number;
  crossoverKind: 0 | 1;
  etaC: number;
  etaM: number;
  mutationKind: 0 | 1;
  sigma: number;
  elitism: number;
}

const clamp01 = (x: number) => (x < 0 ? 0 : x > 1 ? 1 : x);
const better = (a: number, b: number) => a < b || (Number.isNaN(b) && !Number.isNaN(a));

/** The tournament that reads selection words first..first+k-1: index = floor(word * n / 2^32). */
export function tournament(
  fitness: number[],
  k: number,
  seed: number,
  gen: number,
  ind: number,
  first: number,
): number {
  let best = -1;
  for (let t = 0; t < k; t++) {
    const word = BigInt(selectionWord(seed, gen, ind, first + t));
    const c = Number((word * BigInt(fitness.length)) >> 32n);
    if (best < 0 || better(fitness[c] as number, fitness[best] as number)) best = c;
  }
  return best;
}

export function snap(x: number, type: number, levels: number): number {
  if (type === INTEGER) {
    if (levels <= 1) return 0;
    return Math.trunc(clamp01(x) * (levels - 1) + 0.5) / (levels - 1);
  }
  if (type === CATEGORICAL) return (categoryOf(x, levels) + 0.5) / levels;
  return clamp01(x);
}

function categoryOf(x: number, levels: number): number {
  const i = Math.trunc(clamp01(x) * levels);
  return i >= levels ? levels - 1 : i;
}

function sbxBetaQ(u: number, distance: number, gap: number, eta: number): number {
  const beta = 1 + (2 * distance) / gap;
  const alpha = 2 - pow(beta, -(eta + 1));
  const inv = 1 / (eta + 1);
  return u <= 1 / alpha ? detPow(u * alpha, inv) : detPow(1 / (2 - u * alpha), inv);
}

export function sbxGene(p1: number, p2: number, uBeta: number, uPick: number, eta: number): number {
  const y1 = Math.min(p1, p2);
  const y2 = Math.max(p1, p2);
  const gap = y2 - y1;
  if (gap <= 1e-14) return uPick < 0.5 ? p1 : p2;
  if (uPick < 0.5) return clamp01(0.5 * (y1 + y2 - sbxBetaQ(uBeta, y1, gap, eta) * gap));
  return clamp01(0.5 * (y1 + y2 + sbxBetaQ(uBeta, 1 - y2, gap, eta) * gap));
}

export function polynomialMutation(y: number, u: number, eta: number): number {
  const power = 1 / (eta + 1);
  let deltaq: number;
  if (u <= 0.5) {
    const val = 2 * u + (1 - 2 * u) * pow(1 - y, eta + 1);
    deltaq = detPow(val, power) - 1;
  } else {
    const val = 2 * (1 - u) + 2 * (u - 0.5) * pow(y, eta + 1);
    deltaq = 1 - detPow(val, power);
  }
  return clamp01(y + deltaq);
}

export function gaussianMutation(y: number, u1: number, u2: number, sigma: number): number {
  return clamp01(y + sigma * (Math.sqrt(-2 * detLog(1 - u1)) * detCos2Pi(u2)));
}

export function stepMutation(y: number, u: number, levels: number): number {
  if (levels <= 1) return 0;
  const i = Math.trunc(snap(y, INTEGER, levels) * (levels - 1) + 0.5);
  let next = u < 0.5 ? i - 1 : i + 1;
  if (next < 0) next = 1;
  if (next > levels - 1) next = levels - 2;
  return next / (levels - 1);
}

export function resetMutation(y: number, u: number, levels: number): number {
  if (levels <= 1) return 0.5;
  const current = categoryOf(y, levels);
  let pick = Math.trunc(u * (levels - 1));
  if (pick >= levels - 1) pick = levels - 2;
  if (pick >= current) pick += 1;
  return (pick + 0.5) / levels;
}

/** One child: genes is (n rows of d), as BreedChild in evo_math.h. */
export function breedChild(
  genes: number[][],
  fitness: number[],
  types: number[],
  levels: number[],
  op: RefOperators,
  seed: number,
  gen: number,
  ind: number,
): number[] {
  const k = op.tournament;
  const a = genes[tournament(fitness, k, seed, gen, ind, 0)] as number[];
  const b = genes[tournament(fitness, k, seed, gen, ind, k)] as number[];
  const cross = coin(selectionWord(seed, gen, ind, 2 * k)) < op.crossover;
  const selectionBlocks = Math.ceil((2 * k + 1) / 4);
  return types.map((type, g) => {
    // Gene g: its coins (pick, SBX coin, SBX spread, mutation coin) in one block, its mutation
    // draws in the next.
    const index = selectionBlocks + 2 * g;
    const [pickWord, sbxWord, spreadWord, mutateWord] = block(seed, gen, ind, index) as [
      number,
      number,
      number,
      number,
    ];
    let x = a[g] as number;
    if (cross) {
      const uPick = coin(pickWord);
      if (op.crossoverKind === 0 && type !== CATEGORICAL && coin(sbxWord) < 0.5)
        x = sbxGene(a[g] as number, b[g] as number, coin(spreadWord), uPick, op.etaC);
      else x = uPick < 0.5 ? (a[g] as number) : (b[g] as number);
    }
    const lv = levels[g] as number;
    x = snap(x, type, lv);
    if (coin(mutateWord) < op.mutation) {
      const m = block(seed, gen, ind, index + 1) as [number, number, number, number];
      const m1 = unitDouble(m[0], m[1]);
      if (type === INTEGER) x = stepMutation(x, m1, lv);
      else if (type === CATEGORICAL) x = resetMutation(x, m1, lv);
      else if (op.mutationKind === 1) x = gaussianMutation(x, m1, unitDouble(m[2], m[3]), op.sigma);
      else x = polynomialMutation(x, m1, op.etaM);
    }
    return x;
  });
}

/** One generation, as EvolveCpu: elites first (best first, ties by index), then children. */
export function evolveReference(
  genes: number[][],
  fitness: number[],
  types: number[],
  levels: number[],
  op: RefOperators,
  seed: number,
  gen: number,
): number[][] {
  const order = fitness
    .map((_, i) => i)
    .sort((i, j) =>
      better(fitness[i] as number, fitness[j] as number)
        ? -1
        : better(fitness[j] as number, fitness[i] as number)
          ? 1
          : i - j,
    );
  const out: number[][] = [];
  for (let e = 0; e < Math.min(op.elitism, genes.length); e++)
    out.push((genes[order[e] as number] as number[]).slice());
  for (let c = out.length; c < genes.length; c++)
    out.push(breedChild(genes, fitness, types, levels, op, seed, gen, c));
  return out;
}

// ---- NSGA-II, brute force ----------------------------------------------------------------------------
function dominates(a: number[], b: number[]): boolean {
  let strictly = false;
  for (let j = 0; j < a.length; j++) {
    if (!((a[j] as number) <= (b[j] as number))) return false;
    if ((a[j] as number) < (b[j] as number)) strictly = true;
  }
  return strictly;
}

/** Front index by definition: peel off the rows no remaining row dominates, repeatedly. */
export function bruteForceRanks(rows: number[][]): number[] {
  const rank = rows.map(() => -1);
  let r = 0;
  let left = rows.length;
  while (left > 0) {
    const front = rows
      .map((_row, i) => i)
      .filter(
        (i) =>
          rank[i] === -1 && !rows.some((other, j) => rank[j] === -1 && dominates(other, rows[i] as number[])),
      );
    for (const i of front) rank[i] = r;
    left -= front.length;
    r++;
  }
  return rank;
}

/** Crowding distance by definition, per front. */
export function bruteForceCrowding(rows: number[][], rank: number[]): number[] {
  const out = rows.map(() => 0);
  const m = rows[0]?.length ?? 0;
  for (let r = 0; r <= Math.max(...rank); r++) {
    const members = rank.map((v, i) => (v === r ? i : -1)).filter((i) => i >= 0);
    for (let j = 0; j < m; j++) {
      const sorted = members
        .slice()
        .sort((a, b) => (rows[a]?.[j] as number) - (rows[b]?.[j] as number) || a - b);
      const lo = rows[sorted[0] as number]?.[j] as number;
      const hi = rows[sorted[sorted.length - 1] as number]?.[j] as number;
      out[sorted[0] as number] = Number.POSITIVE_INFINITY;
      out[sorted[sorted.length - 1] as number] = Number.POSITIVE_INFINITY;
      if (!(hi - lo > 0)) continue;
      for (let k = 1; k + 1 < sorted.length; k++)
        out[sorted[k] as number] +=
          ((rows[sorted[k + 1] as number]?.[j] as number) - (rows[sorted[k - 1] as number]?.[j] as number)) /
          (hi - lo);
    }
  }
  return out;
}
