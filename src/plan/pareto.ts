/**
 * Pareto dominance over objective vectors, shared by `hpo best` (src/study/results.ts) and the report
 * (src/report/data.ts), which may not import each other.
 */
import type { Direction } from "./types.js";

/** True when `a` is at least as good as `b` on every objective and strictly better on one. */
export function dominates(
  a: readonly number[],
  b: readonly number[],
  directions: readonly Direction[],
): boolean {
  let strictly = false;
  for (let i = 0; i < directions.length; i++) {
    const d = directions[i] === "maximize" ? b[i]! - a[i]! : a[i]! - b[i]!;
    if (d > 0) return false;
    if (d < 0) strictly = true;
  }
  return strictly;
}

/** The items no other item dominates, in their given order (equal vectors all stay). O(n²). */
export function nonDominated<T>(
  items: readonly T[],
  valuesOf: (item: T) => readonly number[],
  directions: readonly Direction[],
): T[] {
  return items.filter((t) => !items.some((o) => o !== t && dominates(valuesOf(o), valuesOf(t), directions)));
}
