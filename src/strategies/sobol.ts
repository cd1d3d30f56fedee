import type { Rng } from "../plan/random.js";
import { HpoError } from "../util/errors.js";
import { JOE_KUO_ROWS } from "./sobol-directions.generated.js";

/** The number of dimensions the embedded Joe–Kuo table covers. */
export const SOBOL_MAX_DIMS = 1024;
const BITS = 32;

let table: Uint32Array[] | undefined;

/** Direction integers v_1..v_32 of every dimension, scaled to 32 bits (v_j = m_j · 2^(32−j)). */
function directions(): Uint32Array[] {
  if (table) return table;
  table = JOE_KUO_ROWS.trim()
    .split("\n")
    .map((row, d) => {
      const [poly, ...m] = row.split(" ").map(Number) as [number, ...number[]];
      const v = new Uint32Array(BITS);
      if (d === 0) {
        for (let j = 0; j < BITS; j++) v[j] = 2 ** (BITS - 1 - j); // van der Corput
        return v;
      }
      const s = Math.floor(Math.log2(poly)); // the polynomial's degree
      for (let j = 0; j < s; j++) v[j] = ((m[j] as number) * 2 ** (BITS - 1 - j)) >>> 0;
      // Bratley–Fox recurrence: v_j = a_1 v_{j-1} ⊕ … ⊕ a_{s-1} v_{j-s+1} ⊕ v_{j-s} ⊕ (v_{j-s} >> s)
      for (let j = s; j < BITS; j++) {
        let x = (v[j - s] as number) ^ ((v[j - s] as number) >>> s);
        for (let k = 1; k < s; k++) if ((poly >>> (s - k)) & 1) x ^= v[j - k] as number;
        v[j] = x >>> 0;
      }
      return v;
    });
  return table;
}

/**
 * A Sobol sequence in `dims` dimensions, in Gray-code order (point i is computed directly, so any
 * index is O(dims · 32)), optionally scrambled the way SciPy does it: a random linear matrix
 * scramble (lower-triangular, unit diagonal) of each dimension's direction numbers plus a random
 * digital shift. Scrambling keeps the net's stratification and removes the points on the faces.
 */
export class Sobol {
  private readonly v: Uint32Array[];
  private readonly shift: Uint32Array;

  constructor(
    readonly dims: number,
    scramble?: Rng,
  ) {
    if (!Number.isInteger(dims) || dims < 1 || dims > SOBOL_MAX_DIMS)
      throw new HpoError(`a Sobol sequence supports 1 to ${SOBOL_MAX_DIMS} dimensions, not ${dims}`);
    const base = directions().slice(0, dims);
    this.shift = new Uint32Array(dims);
    if (!scramble) {
      this.v = base;
      return;
    }
    this.v = base.map((dirs, d) => {
      // row i of the lower-triangular matrix, as a mask over bits (bit 31 = the 1/2 digit)
      const rows = new Uint32Array(BITS);
      for (let i = 0; i < BITS; i++) {
        let mask = 2 ** (BITS - 1 - i); // the diagonal
        for (let k = 0; k < i; k++) if (scramble.uniform() < 0.5) mask += 2 ** (BITS - 1 - k);
        rows[i] = mask >>> 0;
      }
      this.shift[d] = (scramble.uniform() * 2 ** BITS) >>> 0;
      return dirs.map((x) => {
        let y = 0;
        for (let i = 0; i < BITS; i++) if (parity((rows[i] as number) & x)) y += 2 ** (BITS - 1 - i);
        return y >>> 0;
      });
    });
  }

  /** Point `index` (0-based) of the sequence, in [0, 1)^dims. */
  point(index: number): Float64Array {
    if (!Number.isInteger(index) || index < 0 || index >= 2 ** BITS)
      throw new HpoError(`Sobol index ${index} is outside 0…2^32−1`);
    const gray = index ^ Math.floor(index / 2); // Math.floor keeps indices ≥ 2^31 right
    const out = new Float64Array(this.dims);
    for (let d = 0; d < this.dims; d++) {
      const v = this.v[d] as Uint32Array;
      let x = this.shift[d] as number;
      let g = gray >>> 0;
      for (let j = 0; g !== 0; j++, g >>>= 1) if (g & 1) x ^= v[j] as number;
      out[d] = (x >>> 0) / 2 ** BITS;
    }
    return out;
  }
}

function parity(x: number): number {
  x ^= x >>> 16;
  x ^= x >>> 8;
  x ^= x >>> 4;
  x ^= x >>> 2;
  x ^= x >>> 1;
  return x & 1;
}
