import type { Rng } from "../../plan/random.js";
import type { GeneSpec } from "../../native/evolution.js";
import type { Params, ParamSpec } from "../../plan/types.js";
import { decode, encode, gridSize } from "../../space/index.js";

/**
 * How each parameter becomes a gene of the native engine, in the space's unit-cube encoding
 * (src/space/encoding.ts): stepped linear numbers and categoricals are discrete genes (their grid
 * values sit at (i + 1/2) / L, which the engine's snapping maps back to the same value); ordered
 * categoricals mutate by ±1 level like integers; log-scaled and continuous numbers are continuous genes.
 */
export function genomeOf(space: readonly ParamSpec[]): GeneSpec[] {
  return space.map((p): GeneSpec => {
    switch (p.kind) {
      case "float":
      case "int":
        if (p.log) return { type: "log" };
        if (p.step === undefined) return { type: "continuous" };
        return { type: "integer", levels: gridSize(p) };
      case "categorical":
        return { type: p.ordered ? "integer" : "categorical", levels: p.choices.length };
      default:
        return { type: "continuous" };
    }
  });
}

/**
 * A trial's configuration as genes. Parameters that were inactive in it (NaN in the encoding) get a
 * random gene, so a child that switches them on still gets a valid, seeded value.
 */
export function genesOf(space: ParamSpec[], params: Params, rng: Rng): number[] {
  return Array.from(encode(space, params), (x) => (Number.isNaN(x) ? rng.uniform() : x));
}

/** The configuration genes stand for: rounded, and with conditions applied (inactive ones dropped). */
export function paramsOf(space: ParamSpec[], genes: ArrayLike<number>): Params {
  return decode(space, genes);
}
