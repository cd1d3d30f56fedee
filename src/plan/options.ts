/**
 * The one reader of strategy and pruner options: checks a Plan's options against the catalogue
 * (src/plan/catalog/options.ts) and returns them typed and complete. The compiler has already checked
 * and defaulted them; this guards programmatic callers and hand-edited or older Plans with the same
 * rules, so whatever `hpo check` accepts is what a strategy accepts.
 */
import { OPTION_TABLES, type OptionOwner } from "./catalog/options.js";
import type { OptionSpec, OptionsOf, OptionTable } from "./catalog/spec.js";
import type { Value } from "./types.js";
import { HpoError } from "../util/errors.js";

/** The typed options of `owner` (a strategy or a pruner). */
export type OptionsFor<N extends OptionOwner> = OptionsOf<(typeof OPTION_TABLES)[N]>;

/**
 * `owner`'s options, defaults filled in. Unknown names, wrong types, values out of range and broken
 * orderings (e.g. min_epochs above max_epochs) are HpoErrors naming the option.
 */
export function readOptions<N extends OptionOwner>(
  owner: N,
  options: Readonly<Record<string, Value>> | undefined,
): OptionsFor<N> {
  const table: OptionTable = OPTION_TABLES[owner];
  const given = options ?? {};
  const known = Object.keys(table.options);
  for (const name of Object.keys(given))
    if (!Object.hasOwn(table.options, name))
      throw new HpoError(`\`${owner}\` has no option \`${name}\``, {
        hint: known.length ? `its options: ${known.join(", ")}` : `\`${owner}\` takes no options`,
      });
  const out: Record<string, number | boolean | string> = {};
  for (const [name, spec] of Object.entries(table.options)) {
    const v = Object.hasOwn(given, name) ? given[name] : spec.default;
    out[name] = checked(`option \`${name}\` of \`${owner}\``, spec, v);
  }
  for (const { low, high, strict } of table.orders ?? []) {
    const lo = out[low] as number;
    const hi = out[high] as number;
    if (strict ? lo >= hi : lo > hi)
      throw new HpoError(
        `option \`${low}\` of \`${owner}\` must be ${strict ? "below" : "at most"} \`${high}\` (${hi}), got ${lo}`,
      );
  }
  return out as OptionsFor<N>;
}

/** `v` if it fits `spec`; otherwise an HpoError that says what `where` needs. */
function checked(where: string, spec: OptionSpec, v: Value | undefined): number | boolean | string {
  switch (spec.type) {
    case "bool":
      if (typeof v !== "boolean") throw new HpoError(`${where} must be true or false, got ${show(v)}`);
      return v;
    case "string":
      if (typeof v !== "string" || !spec.oneOf.includes(v))
        throw new HpoError(
          `${where} must be one of ${spec.oneOf.map((s) => `"${s}"`).join(", ")}, got ${show(v)}`,
        );
      return v;
    default: {
      const whole = spec.type === "int";
      if (typeof v !== "number" || !Number.isFinite(v) || (whole && !Number.isInteger(v)))
        throw new HpoError(`${where} must be ${whole ? "a whole number" : "a number"}, got ${show(v)}`);
      const belowMin = spec.min !== undefined && (spec.exclusiveLow ? v <= spec.min : v < spec.min);
      const aboveMax = spec.max !== undefined && v > spec.max;
      if (belowMin || aboveMax) throw new HpoError(`${where} must be ${range(spec)}, got ${v}`);
      return v;
    }
  }
}

/** The allowed range in words, as the checker writes it (E084). */
function range(spec: { min?: number; max?: number; exclusiveLow?: boolean }): string {
  if (spec.min !== undefined && spec.max !== undefined)
    return spec.exclusiveLow ? `in (${spec.min}, ${spec.max}]` : `in [${spec.min}, ${spec.max}]`;
  if (spec.min !== undefined) return spec.exclusiveLow ? `above ${spec.min}` : `at least ${spec.min}`;
  return `at most ${spec.max}`;
}

function show(v: Value | undefined): string {
  return JSON.stringify(v) ?? String(v);
}
