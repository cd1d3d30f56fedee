/**
 * The values expressions take over the space's configurations: what the domain checks (E036, E046,
 * E084) and the slow checks (E051, E063, E064) ask. One instance per checked file; its maps only
 * memoise answers (long specs repeat the same expressions and sub-spaces), they never change one.
 */
import { evaluate, ExprError } from "../plan/expr.js";
import type { Expr, ParamSpec, Params, Value } from "../plan/types.js";
import { activityClosure, configurations, type EnumerationCache, holds, namesRead } from "./analysis.js";
import type { ExprContext } from "./exprcheck.js";
import type { ParamInfo, SpaceResult } from "./space.js";

export interface ValueSet {
  values: number[];
  strings: string[];
  fractional?: boolean;
}

export class SpaceValues {
  private readonly byName: Map<string, ParamSpec>;
  private readonly params: ReadonlyMap<string, ParamInfo>;
  private sampleMemo: Params[] | undefined;
  private readonly localConfigs = new Map<string, Params[]>();
  private readonly valueMemo = new Map<string, ValueSet>();

  constructor(
    private readonly space: SpaceResult,
    private readonly enumerations: EnumerationCache,
    private readonly seed: number,
  ) {
    this.byName = new Map(space.space.map((p) => [p.name, p]));
    this.params = space.params;
  }

  /** The values an expression takes over the configurations where `ctx`'s guards hold. */
  valuesOf(expr: Expr, isConstant: boolean, ctx: ExprContext): ValueSet {
    // A bare parameter: its range comes straight from its distribution.
    const direct = expr.op === "param" ? this.params.get(expr.name!)?.spec : undefined;
    if (direct && (direct.kind === "float" || direct.kind === "normal")) {
      const [lo, hi] = direct.kind === "float" ? [direct.low, direct.high] : [-Infinity, Infinity];
      const fractional =
        direct.kind === "normal" ||
        !direct.step ||
        !Number.isInteger(direct.step) ||
        !Number.isInteger(direct.low);
      return { values: [lo, hi], strings: [], fractional };
    }
    const key = `${exprKey(expr)}|${ctx.guards.map(exprKey).join("&")}|${ctx.inRepeat}`;
    const cached = this.valueMemo.get(key);
    if (cached) return cached;
    const values: number[] = [];
    const strings: string[] = [];
    const configs = isConstant ? [{}] : this.configsOfExpr(expr, ctx);
    for (const c of configs) {
      for (const i of ctx.inRepeat && !isConstant ? [0, 1, 2] : [undefined]) {
        const env: Record<string, Value> = i === undefined ? c : { ...c, i };
        // A constant's value holds whatever the guards say; they may read the loop index `i`, which a
        // constant's empty environment lacks (a `repeat`'s `i < count` would hide every constant).
        if (!isConstant && !ctx.guards.every((g) => holds(g, env))) continue;
        try {
          const v = evaluate(expr, env);
          if (typeof v === "number") values.push(v);
          else if (typeof v === "string") strings.push(v);
        } catch (err) {
          if (!(err instanceof ExprError)) throw err;
        }
      }
    }
    const out = { values, strings };
    this.valueMemo.set(key, out);
    return out;
  }

  /**
   * Configurations of just the parameters an expression (and its guards) reads, enumerated exactly when
   * small, filtered by the constraints that read only those; otherwise the shared seeded sample.
   */
  private configsOfExpr(expr: Expr, ctx: ExprContext): Params[] {
    const reads = new Set(namesRead(expr));
    for (const g of ctx.guards) for (const n of namesRead(g)) reads.add(n);
    const involved = activityClosure(this.byName, reads);
    const key = [...involved].sort().join("\u0000");
    const known = this.localConfigs.get(key);
    if (known) return known;
    const en = this.enumerations.get(involved, 512);
    let result: Params[];
    if (!en?.exact) result = this.sample();
    else {
      const local = this.space.constraints.filter((k) =>
        [...namesRead(k.expr)].every((n) => involved.has(n)),
      );
      const ok = en.configs.filter((c) => local.every((k) => holds(k.expr, c)));
      result = ok.length > 0 ? ok : en.configs;
    }
    this.localConfigs.set(key, result);
    return result;
  }

  /** A seeded sample of 64 configurations, those the constraints allow (all of them if none does). */
  sample(): Params[] {
    if (!this.sampleMemo) {
      const { configs } = configurations(this.space.space, this.seed, 64);
      const ok = configs.filter((c) => this.space.constraints.every((k) => holds(k.expr, c)));
      this.sampleMemo = ok.length > 0 ? ok : configs;
    }
    return this.sampleMemo;
  }

  /** Whether a conditional parameter is present in some configuration. */
  everActive(name: string): boolean {
    const involved = activityClosure(this.byName, [name]);
    // Same configurations as `configurations(sub-space, 0, 5000)`: the enumeration when it is exact.
    const all = this.enumerations.get(involved, 5000);
    const { configs } = all?.exact
      ? all
      : configurations(
          this.space.space.filter((x) => involved.has(x.name)),
          0,
          5000,
        );
    return configs.some((c) => name in c);
  }

  /** The parameters by name (conditions and all), for activity closures. */
  get specs(): ReadonlyMap<string, ParamSpec> {
    return this.byName;
  }
}

/** A compact structural key of an expression (positions left out), for caches. */
function exprKey(e: Expr): string {
  const args = e.args ? `(${e.args.map(exprKey).join(",")})` : "";
  const kwargs = e.kwargs
    ? `{${Object.entries(e.kwargs)
        .map(([k, v]) => `${k}=${exprKey(v)}`)
        .join(",")}}`
    : "";
  const leaf =
    e.op === "lit"
      ? JSON.stringify(e.value)
      : e.op === "param" || e.op === "call" || e.op === "index"
        ? e.name
        : "";
  return `${e.op}:${leaf}${args}${kwargs}`;
}
