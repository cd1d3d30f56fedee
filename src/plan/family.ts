/**
 * Parameter families (`units[num_layers] = …`): their members are ordinary parameters named
 * `units[0]`, `units[1]`, … in the Plan, strategies and storage; a user's objective module receives
 * each family as one array of its present members (`params.units`), as `hpo types` declares it.
 */
import type { Params, Scalar } from "./types.js";

/** The parameter name of member `index` of the family `family`: `units[2]`. */
export function familyMember(family: string, index: number): string {
  return `${family}[${index}]`;
}

/** `units[2]` → { family: "units", index: 2 }; undefined for an ordinary name (identifiers have no `[`). */
export function parseMember(name: string): { family: string; index: number } | undefined {
  const m = /^(.+)\[(\d+)\]$/.exec(name);
  return m ? { family: m[1]!, index: Number(m[2]) } : undefined;
}

/** A trial's parameters as a user module receives them: each family an array of its members, in order. */
export type ModuleParams = Record<string, Scalar | Scalar[]>;

/**
 * Folds family members into arrays: `{ n: 2, "units[0]": 8, "units[1]": 16 }` → `{ n: 2, units: [8, 16] }`.
 * Members are present from index 0 up (each exists when the count is above its index), so the array
 * has no holes.
 */
export function groupFamilies(params: Params): ModuleParams {
  const out: ModuleParams = Object.create(null);
  const members: Record<string, [number, Scalar][]> = Object.create(null);
  for (const [name, value] of Object.entries(params)) {
    const m = parseMember(name);
    if (!m) out[name] = value;
    else (members[m.family] ??= []).push([m.index, value]);
  }
  for (const [family, list] of Object.entries(members))
    out[family] = list.sort((a, b) => a[0] - b[0]).map(([, v]) => v);
  return out;
}
