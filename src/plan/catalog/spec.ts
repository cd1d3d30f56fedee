/** The shapes every catalogue entry is written in: what a call accepts and what an option holds. */
import type { Value } from "../types.js";

/** The type an argument expects. `number|list` accepts either (e.g. mlp `units`). */
export type ArgType =
  | "number"
  | "int"
  | "string"
  | "bool"
  | "list"
  | "number|list"
  | "duration"
  | "call"
  | "any";

export interface ArgSpec<N extends string = string, T extends ArgType = ArgType> {
  name: N;
  type: T;
  required?: boolean;
  /** Filled into the Plan when absent (strategies and pruners). */
  default?: number | string | boolean;
  /** Inclusive numeric bounds; `exclusiveLow` makes the low bound strict. */
  min?: number;
  max?: number;
  exclusiveLow?: boolean;
  /** The allowed strings. */
  oneOf?: string[];
}

export interface FunctionSpec {
  args: ArgSpec[];
  /** How many arguments may be given by position (in `args` order); the rest only by name. */
  positional?: number;
  /** Any number of positional values (choice, ordinal). */
  variadic?: boolean;
}

/**
 * A catalogue table keyed by name, with no prototype: a name from the user's text such as
 * `constructor`, `toString` or `__proto__` is simply absent (an unknown-name diagnostic), never an
 * inherited Object member, whether it is looked up with `table[name]` or `name in table`.
 */
export function byName<R extends Record<string, unknown>>(entries: R): R {
  return Object.assign(Object.create(null) as R, entries);
}

type Extra = Partial<Omit<ArgSpec, "name" | "type">>;

/**
 * Builds an argument; the short helpers below name the common shapes. The name, type and `required`
 * stay literal types, so the runtime's reader (src/plan/options.ts `readArgs`) types a call's
 * arguments from its entry: reading an argument the catalogue does not declare does not compile.
 */
export const a = <N extends string, T extends ArgType, const E extends Extra = object>(
  name: N,
  type: T,
  extra?: E,
): ArgSpec<N, T> & E => ({ name, type, ...(extra as E) });
/** A number in [0, 1]. */
export const prob = <N extends string, const E extends Extra = object>(name: N, extra?: E) =>
  a(name, "number", { min: 0, max: 1, ...(extra as E) });
/** A whole number ≥ 1. */
export const pos = <N extends string, const E extends Extra = object>(name: N, extra?: E) =>
  a(name, "int", { min: 1, ...(extra as E) });

/** The runtime value of one argument: numbers, strings and booleans as such, anything else a Value. */
export type ArgValue<S> = S extends { type: "number" | "int" }
  ? number
  : S extends { type: "string" }
    ? string
    : S extends { type: "bool" }
      ? boolean
      : S extends { type: "list" }
        ? readonly Value[]
        : S extends { type: "number|list" }
          ? number | readonly Value[]
          : Value;

/** The arguments a call's entry declares: required ones always present, the others maybe absent. */
export type ArgsOf<F extends { args: readonly ArgSpec[] }> = {
  readonly [S in F["args"][number] as S["name"]]: S extends { required: true }
    ? ArgValue<S>
    : ArgValue<S> | undefined;
};

/**
 * One option of a strategy or pruner: always defaulted (the compiler fills the default into the Plan),
 * so a strategy reads a complete, typed object.
 */
export type OptionSpec =
  | { type: "int" | "number"; default: number; min?: number; max?: number; exclusiveLow?: boolean }
  | { type: "bool"; default: boolean }
  | { type: "string"; default: string; oneOf: readonly string[] };

/** An ordering two numeric options must keep, e.g. min_epochs ≤ max_epochs. */
export interface OptionOrder {
  low: string;
  high: string;
  /** `low` must be strictly below `high`. */
  strict?: boolean;
  /** Only when both are set: 0 in either means "automatic" (e.g. evolution's population from the budget). */
  unlessZero?: boolean;
}

/** A strategy's or pruner's options, in the order positional arguments bind to them. */
export interface OptionTable {
  options: Record<string, OptionSpec>;
  positional?: number;
  orders?: readonly OptionOrder[];
}

/** The typed value of one option: its choices for a string with `oneOf`. */
export type OptionValue<S> = S extends { type: "bool" }
  ? boolean
  : S extends { oneOf: readonly (infer C)[] }
    ? C
    : S extends { type: "string" }
      ? string
      : number;

/** The options object a table describes, every option present. */
export type OptionsOf<T extends OptionTable> = {
  readonly [K in keyof T["options"]]: OptionValue<T["options"][K]>;
};

/** The checker's view of an option table: one argument per option, in order. */
export function functionSpecOf(table: OptionTable): FunctionSpec {
  const args = Object.entries(table.options).map(([name, o]): ArgSpec => {
    const spec: ArgSpec = { name, type: o.type, default: o.default };
    if (o.type === "int" || o.type === "number") {
      if (o.min !== undefined) spec.min = o.min;
      if (o.max !== undefined) spec.max = o.max;
      if (o.exclusiveLow) spec.exclusiveLow = true;
    } else if (o.type === "string") spec.oneOf = [...o.oneOf];
    return spec;
  });
  return table.positional === undefined ? { args } : { args, positional: table.positional };
}
