/**
 * The one reader of options and call arguments: checks a Plan's strategy and pruner options, and the
 * arguments of its layers, templates, readers, optimizers, schedules and callbacks, against the
 * catalogue (src/plan/catalog/) and returns them typed. The compiler has already checked them; this
 * guards programmatic callers and hand-edited or older Plans with the same rules, so whatever
 * `hpo check` accepts is what the runtime accepts, and the runtime can read no argument the
 * catalogue does not declare (the returned type has no such key).
 */
import { CALL_TABLES, type CallKind } from "./catalog/calls.js";
import { OPTION_TABLES, type OptionOwner } from "./catalog/options.js";
import type { ArgSpec, ArgsOf, FunctionSpec, OptionSpec, OptionsOf, OptionTable } from "./catalog/spec.js";
import type { CallValue, Value } from "./types.js";
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
  for (const { low, high, strict, unlessZero } of table.orders ?? []) {
    const lo = out[low] as number;
    const hi = out[high] as number;
    if (unlessZero && (lo === 0 || hi === 0)) continue;
    if (strict ? lo >= hi : lo > hi)
      throw new HpoError(
        `option \`${low}\` of \`${owner}\` must be ${strict ? "below" : "at most"} \`${high}\` (${hi}), got ${lo}`,
      );
  }
  return out as OptionsFor<N>;
}

/** The names of the calls of one kind, e.g. the layers. */
export type CallName<K extends CallKind> = keyof (typeof CALL_TABLES)[K] & string;

/** The typed arguments of call `name` of kind `kind`. */
export type ArgsFor<K extends CallKind, N extends CallName<K>> = (typeof CALL_TABLES)[K][N] extends {
  args: readonly ArgSpec[];
}
  ? ArgsOf<(typeof CALL_TABLES)[K][N]>
  : never;

/**
 * The named arguments of `kind` `name` (a layer, template, reader, …), checked against its entry:
 * an argument it does not declare, a missing required one, a wrong type, a number out of range or a
 * string outside its choices is an HpoError naming the call and the argument. Absent optional
 * arguments stay undefined: their fallbacks depend on the data (a vocabulary, an input width).
 */
export function readArgs<K extends CallKind, N extends CallName<K>>(
  kind: K,
  name: N,
  args: Readonly<Record<string, Value>> | undefined,
): ArgsFor<K, N> {
  const table = CALL_TABLES[kind] as Record<string, FunctionSpec>;
  if (!Object.hasOwn(table, name))
    throw new HpoError(`unknown ${kind} \`${name}\``, { hint: `${kind}s: ${Object.keys(table).join(", ")}` });
  const spec = table[name];
  const given = args ?? {};
  for (const key of Object.keys(given))
    if (!spec.args.some((s) => s.name === key))
      throw new HpoError(`${name}() has no argument \`${key}\``, {
        hint: spec.args.length
          ? `its arguments: ${spec.args.map((s) => s.name).join(", ")}`
          : `\`${name}\` takes no arguments`,
      });
  const out: Record<string, Value> = {};
  for (const s of spec.args) {
    const v = given[s.name];
    if (v === undefined) {
      if (s.required) throw new HpoError(`${name}() needs \`${s.name}\``);
      continue;
    }
    out[s.name] = checkedArg(`${name}(${s.name})`, s, v);
  }
  return out as ArgsFor<K, N>;
}

/**
 * `readArgs` for a call that stays symbolic in the Plan (`adam(lr = 0.01)`): its positional
 * arguments bind to the entry's arguments in order first.
 */
export function readCall<K extends CallKind, N extends CallName<K>>(
  kind: K,
  name: N,
  call: Pick<CallValue, "args" | "kwargs">,
): ArgsFor<K, N> {
  const spec = (CALL_TABLES[kind] as Record<string, FunctionSpec>)[name];
  const named: Record<string, Value> = { ...call.kwargs };
  const most = spec?.positional ?? 0;
  if (call.args.length > most)
    throw new HpoError(
      `${name}() takes ${most === 0 ? "no" : `at most ${most}`} positional argument${most === 1 ? "" : "s"}, got ${call.args.length}`,
    );
  call.args.forEach((v, i) => {
    const key = (spec as FunctionSpec).args[i].name;
    if (Object.hasOwn(named, key)) throw new HpoError(`${name}(${key}) is given twice`);
    named[key] = v;
  });
  return readArgs(kind, name, named);
}

/** `v` if it fits argument `spec`; otherwise an HpoError that says what `where` needs. */
function checkedArg(where: string, spec: ArgSpec, v: Value): Value {
  const number = (x: Value) =>
    checked(where, { ...spec, type: spec.type === "int" ? "int" : "number", default: 0 }, x);
  switch (spec.type) {
    case "bool":
      return checked(where, { type: "bool", default: false }, v);
    case "string":
      if (typeof v !== "string") throw new HpoError(`${where} must be a string, got ${show(v)}`);
      return spec.oneOf ? checked(where, { type: "string", default: "", oneOf: spec.oneOf }, v) : v;
    case "number":
    case "int":
      return number(v);
    case "list":
      if (!Array.isArray(v)) throw new HpoError(`${where} must be a list, got ${show(v)}`);
      return v;
    case "number|list":
      for (const x of Array.isArray(v) ? v : [v]) number(x);
      return v;
    default:
      return v;
  }
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
