import { spawnSync } from "node:child_process";
import { extname, isAbsolute } from "node:path";
import { pathToFileURL } from "node:url";
import { groupFamilies, type ModuleParams } from "../plan/family.js";
import type { Params, Value } from "../plan/types.js";
import type { Fidelity } from "../plan/trial.js";
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
  fidelity?: Fidelity;
}

export type ObjectiveResult = number | Record<string, number>;
export type ObjectiveFn = (params: Params, ctx: TrialContext) => ObjectiveResult | Promise<ObjectiveResult>;

/**
 * Where a worker finds the objective: plain data, so it can be posted to a thread or a child process.
 * - `module`: a user module whose default export is the objective;
 * - `builtin`: `from` is the URL of a module exporting `builtinObjective` and `evaluateBuiltin`
 *   (src/objectives/index.ts);
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

/** What a module of built-in test functions (src/objectives/index.ts) exports, kept structural so this file does not import it. */
interface BuiltinModule {
  /** The built-in called `name`; throws an HpoError listing the others when there is none. */
  builtinObjective(name: string): unknown;
  /** Evaluates built-in `name` on a trial's parameters x1…xN. */
  evaluateBuiltin(name: string, args: Record<string, Value>, params: Params): Record<string, number>;
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
    throw loadError(path, err);
  }
  // tsImport of a CommonJS-flavoured TS file may nest the default export once more.
  let fn = mod.default;
  if (fn && typeof fn === "object" && typeof (fn as { default?: unknown }).default === "function")
    fn = (fn as { default: unknown }).default;
  if (typeof fn !== "function")
    throw new HpoError(`the objective module \`${path}\` has no default export function`, {
      hint: "export default async function (params, ctx) { … return value; }",
    });
  // A user's module gets each parameter family as one array (`params.units`), as `hpo types` declares.
  const user = fn as (params: ModuleParams, ctx: TrialContext) => ReturnType<ObjectiveFn>;
  return (params, ctx) => user(groupFamilies(params), ctx);
}

async function loadBuiltin(source: Extract<ObjectiveSource, { kind: "builtin" }>): Promise<ObjectiveFn> {
  const mod = (await import(source.from)) as Partial<BuiltinModule>;
  const { builtinObjective, evaluateBuiltin } = mod;
  if (typeof builtinObjective !== "function" || typeof evaluateBuiltin !== "function")
    throw new HpoError(`\`${source.from}\` is not a module of built-in objectives`);
  builtinObjective(source.name); // an unknown name fails the load, once, rather than every trial
  return (params) => evaluateBuiltin(source.name, source.args, params);
}

/**
 * Why a module failed to load, as an HpoError: a syntax error gets its FILE:LINE:COL (Node's import()
 * of an ES module reports none, so `node --check` is asked, only on this failure path), and ES module
 * syntax in a file Node reads as CommonJS gets the two ways to declare it a module.
 */
function loadError(path: string, err: unknown): HpoError {
  if (!(err instanceof SyntaxError)) {
    return new HpoError(`cannot load the objective module \`${path}\`: ${describeError(err)}`, {
      cause: err,
    });
  }
  const where = syntaxErrorPosition(path);
  const at = where ? `${path}:${where.line}:${where.col}` : path;
  const esmInCjs =
    /Cannot use import statement outside a module|Unexpected token 'export'/.test(err.message) &&
    (extname(path) === ".js" || extname(path) === ".cjs");
  return new HpoError(`syntax error in the objective module ${at}: ${err.message}`, {
    cause: err,
    ...(esmInCjs
      ? {
          hint: 'this file uses ES module syntax (import/export) but Node loads it as CommonJS: rename it to `.mjs`, or set `"type": "module"` in the nearest package.json',
        }
      : {}),
  });
}

/** LINE and COL of the first syntax error in a JavaScript file, from `node --check`'s report. */
export function syntaxErrorPosition(path: string): { line: number; col: number } | undefined {
  const r = spawnSync(process.execPath, ["--check", path], { encoding: "utf8", timeout: 10_000 });
  const lines = (r.stderr ?? "").split("\n");
  const head = lines.findIndex((l) => l.startsWith(`${path}:`));
  if (head < 0) return undefined;
  const line = Number(lines[head]!.slice(path.length + 1));
  const caret = lines[head + 2]?.indexOf("^") ?? -1;
  if (!Number.isInteger(line) || line < 1) return undefined;
  return { line, col: caret >= 0 ? caret + 1 : 1 };
}
