/**
 * What the checker knows about a search space without running anything: a seeded sampler, exhaustive
 * enumeration of small finite sub-spaces, and the activity of conditional parameters. Used by the
 * guard proof (E050), never-active (E051), constraint satisfiability (E052/W007) and value checks.
 */
import { evaluate, ExprError, freeNames } from "../plan/expr.js";
import { familyMember } from "../plan/family.js";
import { rngFor, STREAM } from "../plan/random.js";
import type { Expr, ParamSpec, Params, Scalar, Value } from "../plan/types.js";

/** The checker's uniform draws: stream `checker` of the study seed (plan/random.ts). */
export function seededRandom(seed: number): () => number {
  const rng = rngFor(seed, STREAM.checker);
  return () => rng.uniform();
}

const namesMemo = new WeakMap<Expr, ReadonlySet<string>>();

/**
 * `freeNames` memoised per expression object: the checker asks for the same conditions' and
 * constraints' names once per checked expression, which dominated long specs. Read-only result.
 */
export function namesRead(e: Expr): ReadonlySet<string> {
  let out = namesMemo.get(e);
  if (!out) {
    out = freeNames(e);
    namesMemo.set(e, out);
  }
  return out;
}

/** True when `e` evaluates to true; an absent parameter or a bad operand counts as false. */
export function holds(e: Expr, env: Record<string, Value>): boolean {
  try {
    return evaluate(e, env) === true;
  } catch (err) {
    if (err instanceof ExprError) return false;
    throw err;
  }
}

/** The finite values of a parameter, or representative ones (ends, middle) when it is continuous. */
export function representativeValues(p: ParamSpec, maxFinite = 64): { values: Scalar[]; finite: boolean } {
  switch (p.kind) {
    case "categorical":
      return { values: p.choices, finite: true };
    case "fixed":
      return { values: [p.value], finite: true };
    case "int": {
      const n = Math.floor((p.high - p.low) / p.step) + 1;
      if (n <= maxFinite)
        return { values: Array.from({ length: n }, (_, i) => p.low + i * p.step), finite: true };
      return { values: [p.low, Math.round((p.low + p.high) / 2), p.high], finite: false };
    }
    case "float":
      if (p.step) {
        const n = Math.floor((p.high - p.low) / p.step + 1e-9) + 1;
        if (n <= maxFinite)
          return { values: Array.from({ length: n }, (_, i) => p.low + i * p.step!), finite: true };
      }
      return {
        values: [p.low, p.log ? Math.sqrt(p.low * p.high) : (p.low + p.high) / 2, p.high],
        finite: false,
      };
    case "normal":
      return { values: [p.mean - 2 * p.sd, p.mean, p.mean + 2 * p.sd], finite: false };
  }
}

/** One random value of a parameter. */
export function sampleValue(p: ParamSpec, rand: () => number): Scalar {
  switch (p.kind) {
    case "categorical":
      return p.choices[Math.floor(rand() * p.choices.length)] as Scalar;
    case "fixed":
      return p.value;
    case "int": {
      if (p.log) {
        const v = Math.exp(Math.log(p.low) + rand() * (Math.log(p.high) - Math.log(p.low)));
        return Math.min(p.high, Math.max(p.low, p.low + Math.round((v - p.low) / p.step) * p.step));
      }
      const n = Math.floor((p.high - p.low) / p.step) + 1;
      return p.low + Math.floor(rand() * n) * p.step;
    }
    case "float": {
      if (p.log) return Math.exp(Math.log(p.low) + rand() * (Math.log(p.high) - Math.log(p.low)));
      const v = p.low + rand() * (p.high - p.low);
      return p.step ? Math.min(p.high, p.low + Math.round((v - p.low) / p.step) * p.step) : v;
    }
    case "normal": {
      const u = Math.max(rand(), 1e-12);
      return p.mean + p.sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
    }
  }
}

export function sampleConfiguration(space: ParamSpec[], rand: () => number): Params {
  // Keyed by the user's names: no prototype, so a hyperparameter named `__proto__` is an own value.
  const out: Params = Object.create(null);
  for (const p of space) {
    if (p.condition && !holds(p.condition, out)) continue;
    out[p.name] = sampleValue(p, rand);
  }
  return out;
}

/**
 * Every combination of the listed parameters' (representative) values with conditions applied, or
 * undefined when there are more than `limit`. `exact` says whether all of them were finite.
 */
export function enumerate(
  space: ParamSpec[],
  only: ReadonlySet<string> | undefined,
  limit: number,
): { configs: Params[]; exact: boolean } | undefined {
  const chosen = space.filter((p) => !only || only.has(p.name));
  let total = 1;
  let exact = true;
  const domains = chosen.map((p) => {
    const r = representativeValues(p);
    if (!r.finite) exact = false;
    total *= r.values.length;
    return r.values;
  });
  if (total > limit) return undefined;
  const configs: Params[] = [];
  const index = new Array(chosen.length).fill(0);
  for (let n = 0; n < total; n++) {
    // applyConditions fused in: names are unique and a condition reads only earlier parameters.
    const config: Params = Object.create(null); // user names as keys (see sampleConfiguration)
    for (let i = 0; i < chosen.length; i++) {
      const p = chosen[i]!;
      if (p.condition && !holds(p.condition, config)) continue;
      config[p.name] = domains[i]![index[i]] as Scalar;
    }
    configs.push(config);
    for (let i = chosen.length - 1; i >= 0; i--) {
      index[i]++;
      if (index[i] < domains[i]!.length) break;
      index[i] = 0;
    }
  }
  return { configs, exact };
}

/**
 * The names a parameter's activity depends on, transitively through conditions, itself included. A
 * family's name (read by `units[i]`) stands for all its members.
 */
export function activityClosure(
  byName: ReadonlyMap<string, ParamSpec>,
  names: Iterable<string>,
  read: (e: Expr) => Iterable<string> = namesRead,
): Set<string> {
  const out = new Set<string>();
  const stack = [...names];
  while (stack.length) {
    const n = stack.pop()!;
    if (out.has(n)) continue;
    if (!byName.has(n)) {
      for (let j = 0; byName.has(familyMember(n, j)); j++) stack.push(familyMember(n, j));
      continue;
    }
    out.add(n);
    const c = byName.get(n)!.condition;
    if (c) stack.push(...read(c));
  }
  return out;
}

/** Configurations for value checks: all of a small finite space, else `draws` seeded samples. */
export function configurations(
  space: ParamSpec[],
  seed: number,
  draws: number,
): { configs: Params[]; exact: boolean } {
  const all = enumerate(space, undefined, draws);
  if (all?.exact) return all;
  const rand = seededRandom(seed);
  const configs: Params[] = [];
  for (let i = 0; i < draws; i++) configs.push(sampleConfiguration(space, rand));
  return { configs, exact: false };
}

/**
 * `enumerate` over the parameters named in `only`, remembered per set of names: the guard proof, the
 * never-active check and the value checks ask for the same small sub-spaces many times. A result
 * computed under a larger limit answers a smaller one exactly (same configurations, or too many).
 */
export class EnumerationCache {
  private readonly memo = new Map<string, { limit: number; result: ReturnType<typeof enumerate> }>();

  constructor(private readonly space: ParamSpec[]) {}

  get(only: ReadonlySet<string>, limit: number): { configs: Params[]; exact: boolean } | undefined {
    const key = [...only].sort().join("\u0000");
    const hit = this.memo.get(key);
    if (hit && hit.limit >= limit) {
      if (!hit.result) return undefined;
      return hit.result.configs.length <= limit ? hit.result : undefined;
    }
    const result = enumerate(this.space, only, limit);
    this.memo.set(key, { limit, result });
    return result;
  }
}
