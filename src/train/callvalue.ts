/** Reading the arguments of a CallValue (`adam(lr = 0.01)`) with checks that name the call. */
import type { CallValue, Value } from "../plan/types.js";
import { HpoError } from "../util/errors.js";

/** Accepts a CallValue, or a bare string naming a call without arguments (`"adam"`). */
export function asCall(v: Value | undefined, what: string): CallValue | undefined {
  if (v === undefined) return undefined;
  if (typeof v === "string") return { call: v, args: [], kwargs: {} };
  if (typeof v === "object" && !Array.isArray(v) && "call" in v) return v;
  throw new HpoError(
    `${what} must be a call such as ${what === "optimizer" ? "adam(lr = 0.001)" : "name(…)"}, got ${JSON.stringify(v)}`,
  );
}

/** Named argument `key` (or positional argument `index`) as a number, with a default. */
export function numArg(c: CallValue, key: string, index: number, fallback?: number): number {
  const v = c.kwargs[key] ?? c.args[index];
  if (v === undefined) {
    if (fallback === undefined) throw new HpoError(`${c.call}() needs \`${key}\``);
    return fallback;
  }
  if (typeof v === "boolean") return v ? 1 : 0;
  if (typeof v !== "number" || !Number.isFinite(v))
    throw new HpoError(`${c.call}(${key}) must be a number, got ${JSON.stringify(v)}`);
  return v;
}

export function strArg(c: CallValue, key: string, index: number, fallback: string): string {
  const v = c.kwargs[key] ?? c.args[index];
  if (v === undefined) return fallback;
  if (typeof v !== "string")
    throw new HpoError(`${c.call}(${key}) must be a string, got ${JSON.stringify(v)}`);
  return v;
}

export function boolArg(c: CallValue, key: string, index: number, fallback: boolean): boolean {
  const v = c.kwargs[key] ?? c.args[index];
  if (v === undefined) return fallback;
  if (typeof v !== "boolean")
    throw new HpoError(`${c.call}(${key}) must be true or false, got ${JSON.stringify(v)}`);
  return v;
}
