/** The shapes every catalogue entry is written in: what a call accepts and what an option holds. */

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

export interface ArgSpec {
  name: string;
  type: ArgType;
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

/** Builds an argument; the short helpers below name the common shapes. */
export const a = (name: string, type: ArgType, extra: Partial<ArgSpec> = {}): ArgSpec => ({
  name,
  type,
  ...extra,
});
/** A number in [0, 1]. */
export const prob = (name: string, extra: Partial<ArgSpec> = {}) =>
  a(name, "number", { min: 0, max: 1, ...extra });
/** A whole number ≥ 1. */
export const pos = (name: string, extra: Partial<ArgSpec> = {}) => a(name, "int", { min: 1, ...extra });

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
