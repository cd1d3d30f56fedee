import { extname, isAbsolute } from "node:path";
import { pathToFileURL } from "node:url";
import type { Params, Value } from "../plan/types.js";
import { HpoError, describeError } from "../util/errors.js";

/** What a trial's objective receives beside its parameters (language.md, "evaluate"). */
export interface TrialContext {
  /**
   * Records an intermediate value (a number, or metrics by name; the study reads the first
   * objective's metric). Resolves once the pruner has decided, so `await ctx.report(…)` followed by
   * `ctx.shouldPrune()` sees that decision.
   */
  report(step: number, values: number | Record<string, number>): Promise<void>;
  /** True once the pruner decided this trial should stop; return (or throw) soon after. */
  shouldPrune(): boolean;
  /** Aborted when the trial times out or the study stops now. */
  signal: AbortSignal;
  /** A per-trial seed derived from the study seed and the trial number. */
  seed: number;
  /** The trial number. */
  trial: number;
  /**
   * Multi-fidelity strategies: train to `resource` (e.g. epochs), continuing trial `resumedFrom`
   * (whose checkpoint the objective keeps itself) when set. Absent for ordinary trials.
   */
  fidelity?: { resource: number; resumedFrom?: number };
}

export type ObjectiveResult = number | Record<string, number>;
export type ObjectiveFn = (params: Params, ctx: TrialContext) => ObjectiveResult | Promise<ObjectiveResult>;

/**
 * Where a worker finds the objective: plain data, so it can be posted to a thread or a child process.
 * - `module`: a user module whose default export is the objective;
 * - `builtin`: `from` is the URL of a module exporting `BUILTIN_OBJECTIVES` (src/objectives/index.ts);
 * - `factory`: `from` is the URL of a module whose export `name` builds the objective from `arg`
 *   (structured-cloneable), e.g. the built-in trainer given the Plan.
 */
export type ObjectiveSource =
  | { kind: "module"; path: string }
  | { kind: "builtin"; name: string; args: Record<string, Value>; from: string }
  | {
      kind: "factory";
      from: string;
      name: string;
      arg: unknown;
      /**
       * An export of module `from` that the study process calls once with `(arg, { threads })` before
       * the first trial, e.g. to read a data set once: what it returns is handed to the factory, as
       * its second argument, in every worker thread (structured clone: SharedArrayBuffers are shared,
       * not copied). Worker processes get nothing (no shared memory across processes).
       */
      share?: { from: string; name: string };
    };

/** The built-in test-function contract of src/objectives (kept structural so this file does not import it). */
interface BuiltinObjectiveLike {
  metrics: string[];
  dims(args: Record<string, Value>): number;
  evaluate(x: number[], args: Record<string, Value>): Record<string, number>;
}

/**
 * Loads the objective a source names; a missing module or export is an HpoError saying which.
 * `shared` is what the source's `share` export returned in the study process (factories only).
 */
export async function loadObjective(source: ObjectiveSource, shared?: unknown): Promise<ObjectiveFn> {
  if (source.kind === "builtin") return loadBuiltin(source);
  if (source.kind === "factory") {
    const mod = (await import(source.from)) as Record<string, unknown>;
    const make = mod[source.name];
    if (typeof make !== "function")
      throw new HpoError(`\`${source.from}\` exports no function \`${source.name}\``);
    const fn = await (make as (arg: unknown, shared?: unknown) => unknown)(source.arg, shared);
    if (typeof fn !== "function")
      throw new HpoError(`\`${source.name}\` of \`${source.from}\` did not return a function`);
    return fn as ObjectiveFn;
  }
  const path = source.path;
  if (!isAbsolute(path)) throw new HpoError(`objective module path must be absolute, got \`${path}\``);
  let mod: { default?: unknown };
  try {
    const ext = extname(path);
    if (ext === ".ts" || ext === ".mts" || ext === ".cts") {
      // tsx compiles TypeScript on the fly, scoped to this import (no global loader registered).
      const { tsImport } = await import("tsx/esm/api");
      mod = (await tsImport(pathToFileURL(path).href, import.meta.url)) as { default?: unknown };
    } else {
      mod = (await import(pathToFileURL(path).href)) as { default?: unknown };
    }
  } catch (err) {
    throw new HpoError(`cannot load the objective module \`${path}\`: ${describeError(err)}`, { cause: err });
  }
  // tsImport of a CommonJS-flavoured TS file may nest the default export once more.
  let fn = mod.default;
  if (fn && typeof fn === "object" && typeof (fn as { default?: unknown }).default === "function")
    fn = (fn as { default: unknown }).default;
  if (typeof fn !== "function")
    throw new HpoError(`the objective module \`${path}\` has no default export function`, {
      hint: "export default async function (params, ctx) { … return value; }",
    });
  return fn as ObjectiveFn;
}

async function loadBuiltin(source: Extract<ObjectiveSource, { kind: "builtin" }>): Promise<ObjectiveFn> {
  const mod = (await import(source.from)) as { BUILTIN_OBJECTIVES?: Record<string, BuiltinObjectiveLike> };
  const table = mod.BUILTIN_OBJECTIVES ?? {};
  const builtin = Object.hasOwn(table, source.name) ? table[source.name] : undefined;
  if (!builtin)
    throw new HpoError(`unknown built-in objective \`${source.name}\``, {
      hint: `built-ins: ${Object.keys(table).join(", ")}`,
    });
  const dims = builtin.dims(source.args);
  const names = Array.from({ length: dims }, (_, i) => `x${i + 1}`);
  return (params) => {
    const x = names.map((name) => {
      const v = params[name];
      if (typeof v !== "number") throw new Error(`built-in \`${source.name}\` needs a number \`${name}\``);
      return v;
    });
    return builtin.evaluate(x, source.args);
  };
}

/**
 * Turns what an objective returned into one value per objective, in Plan order. A non-finite value,
 * a missing metric or a bare number for several objectives is an error message (the trial fails).
 */
export function toObjectiveValues(
  result: unknown,
  metrics: readonly string[],
): { values: number[]; metrics: Record<string, number> } | { error: string } {
  if (typeof result === "number") {
    if (metrics.length !== 1)
      return { error: `the objective returned one number but the study has ${metrics.length} objectives` };
    if (!Number.isFinite(result)) return { error: `the objective returned ${result}` };
    return { values: [result], metrics: { [metrics[0] as string]: result } };
  }
  if (result === null || typeof result !== "object" || Array.isArray(result))
    return { error: `the objective returned ${describe(result)}, not a number or an object of metrics` };
  const record = result as Record<string, unknown>;
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(record)) if (typeof v === "number") out[k] = v;
  const values: number[] = [];
  for (const m of metrics) {
    const v = record[m];
    if (typeof v !== "number") return { error: `the objective returned no number for metric \`${m}\`` };
    if (!Number.isFinite(v)) return { error: `the objective returned ${v} for metric \`${m}\`` };
    values.push(v);
  }
  return { values, metrics: out };
}

function describe(v: unknown): string {
  if (v === undefined) return "nothing";
  if (Array.isArray(v)) return "an array";
  return typeof v === "string" ? `the string ${JSON.stringify(v)}` : String(v);
}

/** A trial's seed: the study seed and trial number mixed (32-bit), so each trial gets its own stream. */
export function trialSeed(studySeed: number, trial: number): number {
  let h = (Math.imul(studySeed | 0, 0x9e3779b1) ^ Math.imul(trial + 1, 0x85ebca6b)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d) >>> 0;
  return (h ^ (h >>> 15)) >>> 0;
}
