import type { Plan } from "../plan/types.js";

/**
 * Top-level Plan fields a study may change between runs without becoming a different study: where
 * the spec lives and its hash (comments, formatting), the budget (run longer), the storage.
 */
const MAY_CHANGE = new Set(["source", "budget", "storage"]);

/**
 * The differences that make `next` a different study than `stored`, one readable line each
 * (`space[0].high: 10 → 12`); empty when they are the same study. Source positions are ignored.
 */
export function planDifferences(stored: Plan, next: Plan): string[] {
  const out: string[] = [];
  const a = stored as unknown as Record<string, unknown>;
  const b = next as unknown as Record<string, unknown>;
  for (const key of union(Object.keys(a), Object.keys(b))) {
    if (MAY_CHANGE.has(key)) continue;
    diff(a[key], b[key], key, out);
  }
  return out;
}

function union(a: string[], b: string[]): string[] {
  return [...new Set([...a, ...b])];
}

function diff(a: unknown, b: unknown, path: string, out: string[]): void {
  if (out.length >= 40) return; // the first differences tell the story
  if (isObject(a) && isObject(b)) {
    for (const k of union(Object.keys(a), Object.keys(b))) {
      if (k === "pos") continue;
      diff(a[k], b[k], `${path}.${k}`, out);
    }
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    const nameOf = (v: unknown) => (isObject(v) && typeof v["name"] === "string" ? v["name"] : undefined);
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      const label = nameOf(a[i]) ?? nameOf(b[i]);
      diff(a[i], b[i], `${path}[${label === undefined ? i : `${i} ${label}`}]`, out);
    }
    return;
  }
  if (JSON.stringify(strip(a)) !== JSON.stringify(strip(b))) out.push(`${path}: ${show(a)} → ${show(b)}`);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

function strip(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(strip);
  if (isObject(v))
    return Object.fromEntries(
      Object.entries(v)
        .filter(([k]) => k !== "pos")
        .map(([k, x]) => [k, strip(x)]),
    );
  return v;
}

function show(v: unknown): string {
  if (v === undefined) return "(absent)";
  const s = JSON.stringify(strip(v));
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}
