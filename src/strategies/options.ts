import type { Value } from "../plan/types.js";
import { HpoError } from "../util/errors.js";

/** One accepted option: its default and, for strings, the allowed values. */
export type OptionSpec =
  | { type: "number"; default: number; integer?: boolean; min?: number; max?: number; exclusiveMin?: boolean }
  | { type: "boolean"; default: boolean }
  | { type: "string"; default: string; oneOf: string[] };

type Resolved<S extends Record<string, OptionSpec>> = {
  [K in keyof S]: S[K] extends { type: "number" }
    ? number
    : S[K] extends { type: "boolean" }
      ? boolean
      : string;
};

/**
 * A strategy's options checked against what it accepts: unknown names, wrong types and values out
 * of range are HpoErrors naming the option; absent ones take their defaults (the compiler normally
 * fills them, so programmatic callers get the same behaviour).
 */
export function readOptions<S extends Record<string, OptionSpec>>(
  owner: string,
  options: Record<string, Value>,
  specs: S,
): Resolved<S> {
  const out: Record<string, number | boolean | string> = {};
  for (const name of Object.keys(options))
    if (!Object.hasOwn(specs, name)) {
      const known = Object.keys(specs);
      throw new HpoError(`\`${owner}\` has no option \`${name}\``, {
        hint: known.length ? `its options: ${known.join(", ")}` : `\`${owner}\` takes no options`,
      });
    }
  for (const [name, spec] of Object.entries(specs)) {
    const v = Object.hasOwn(options, name) ? options[name] : spec.default;
    const where = `option \`${name}\` of \`${owner}\``;
    if (spec.type === "number") {
      if (typeof v !== "number" || !Number.isFinite(v))
        throw new HpoError(`${where} must be a number, got ${show(v)}`);
      if (spec.integer && !Number.isInteger(v))
        throw new HpoError(`${where} must be a whole number, got ${v}`);
      if (spec.min !== undefined && (spec.exclusiveMin ? v <= spec.min : v < spec.min))
        throw new HpoError(`${where} must be ${spec.exclusiveMin ? ">" : "≥"} ${spec.min}, got ${v}`);
      if (spec.max !== undefined && v > spec.max)
        throw new HpoError(`${where} must be ≤ ${spec.max}, got ${v}`);
    } else if (spec.type === "boolean") {
      if (typeof v !== "boolean") throw new HpoError(`${where} must be true or false, got ${show(v)}`);
    } else if (typeof v !== "string" || !spec.oneOf.includes(v)) {
      throw new HpoError(
        `${where} must be one of ${spec.oneOf.map((s) => `"${s}"`).join(", ")}, got ${show(v)}`,
      );
    }
    out[name] = v as number | boolean | string;
  }
  return out as Resolved<S>;
}

function show(v: Value | undefined): string {
  return JSON.stringify(v) ?? String(v);
}
