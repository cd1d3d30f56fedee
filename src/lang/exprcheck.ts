/**
 * Checks of value expressions (train settings, layer and reader arguments, constraints): names (E020,
 * E054), calls of the right kind (E023, E031, E032), operand types (E030), chained comparisons
 * (E015), and the guard proof for conditional parameters (E050).
 */
import { BUILTIN_FUNCTIONS, evaluate, freeNames } from "../plan/expr.js";
import { familyMember } from "../plan/family.js";
import type { Expr, ParamSpec, Params, Value } from "../plan/types.js";
import { activityClosure, EnumerationCache, holds } from "./analysis.js";
import { bindArguments } from "./args.js";
import type { AstCall, AstExpr } from "./ast.js";
import { EXPR_FUNCTIONS, FUNCTION_KINDS, type FunctionSpec } from "../plan/catalog.js";
import { closest, didYouMean } from "./diagnostics.js";
import { lower, show } from "./lower.js";
import type { Reporter } from "./report.js";
import type { FamilyInfo, ParamInfo } from "./space.js";

export type StaticType = "number" | "string" | "bool" | "list" | "duration" | "call" | "unknown";

export interface ExprContext {
  /** Conditions known true where the expression is evaluated (enclosing `when`, `if`, `and`). */
  guards: Expr[];
  /** Inside `repeat`: the loop variable `i` is defined. */
  inRepeat: boolean;
  /** Where the expression is, for messages ("train", "model", …). */
  where: string;
  /** Calls of this kind are allowed (e.g. optimizers in `optimizer = …`). */
  callKind?: { kind: string; table: Record<string, FunctionSpec> };
}

const LOOP_INDICES = [0, 1, 2, 3, 4, 5, 6, 7];
const NO_LOOP = [undefined];

export class ExprChecker {
  /** Names read by value expressions: used to warn about parameters nothing uses (W003). */
  readonly used = new Set<string>();
  private readonly proofCache = new Map<string, Params | null | "unprovable">();
  private readonly byName: Map<string, ParamSpec>;
  /** Enumerated sub-spaces, shared with the compiler's never-active and value checks. */
  readonly enumerations: EnumerationCache;

  constructor(
    private readonly params: Map<string, ParamInfo>,
    space: ParamSpec[],
    private readonly report: Reporter,
    private readonly declared: Set<string> = new Set(),
    private readonly families: ReadonlyMap<string, FamilyInfo> = new Map(),
  ) {
    this.byName = new Map(space.map((p) => [p.name, p]));
    this.enumerations = new EnumerationCache(space);
  }

  paramType(name: string): StaticType {
    const p = this.params.get(name)?.spec;
    if (!p) return "unknown";
    if (p.kind === "categorical") {
      const t = typeof p.choices[0];
      return t === "string" ? "string" : t === "boolean" ? "bool" : "number";
    }
    if (p.kind === "fixed")
      return typeof p.value === "string" ? "string" : typeof p.value === "boolean" ? "bool" : "number";
    return "number";
  }

  /** Checks an expression; returns its static type. */
  check(e: AstExpr, ctx: ExprContext): StaticType {
    switch (e.kind) {
      case "num":
        return "number";
      case "dur":
        return "duration";
      case "str":
        return "string";
      case "bool":
        return "bool";
      case "error":
        return "unknown";
      case "paren":
        return this.check(e.inner, ctx);
      case "name":
        return this.name(e.name, e.span, ctx);
      case "index":
        return this.indexed(e, ctx);
      case "list":
        for (const x of e.elements) this.check(x, ctx);
        return "list";
      case "call":
        return this.call(e, ctx);
      case "unary": {
        const t = this.check(e.operand, ctx);
        const want = e.op === "neg" ? "number" : "bool";
        if (t !== "unknown" && t !== want && !(want === "number" && t === "duration"))
          this.report.add("E030", e.operand.span, {
            f: e.op === "neg" ? "-" : "not",
            a: "operand",
            want: `a ${want}`,
            got: article(t),
          });
        return want === "number" ? t : "bool";
      }
      case "if": {
        const c = this.check(e.cond, ctx);
        if (c !== "unknown" && c !== "bool")
          this.report.add("E030", e.cond.span, {
            f: "if",
            a: "condition",
            want: "true or false",
            got: article(c),
          });
        const cond = lower(e.cond);
        const a = this.check(e.whenTrue, { ...ctx, guards: [...ctx.guards, cond] });
        const b = this.check(e.whenFalse, { ...ctx, guards: [...ctx.guards, negate(cond)] });
        return a === b
          ? a
          : a === "unknown"
            ? b
            : b === "unknown"
              ? a
              : a === "call" || b === "call"
                ? "call"
                : "unknown";
      }
      case "binary":
        return this.binary(e, ctx);
    }
  }

  private binary(e: Extract<AstExpr, { kind: "binary" }>, ctx: ExprContext): StaticType {
    if (e.chained) this.report.add("E015", e.opSpan);
    const l = this.check(e.left, ctx);
    let rightCtx = ctx;
    if (e.op === "and") rightCtx = { ...ctx, guards: [...ctx.guards, lower(e.left)] };
    if (e.op === "or") rightCtx = { ...ctx, guards: [...ctx.guards, negate(lower(e.left))] };
    const r = this.check(e.right, rightCtx);
    const bad = (side: "left" | "right", t: StaticType, want: string) => {
      this.report.add("E030", (side === "left" ? e.left : e.right).span, {
        f: e.op,
        a: side,
        want,
        got: article(t),
      });
    };
    const isNum = (t: StaticType) => t === "number" || t === "duration" || t === "unknown";
    switch (e.op) {
      case "and":
      case "or":
        if (l !== "bool" && l !== "unknown") bad("left", l, "true or false");
        if (r !== "bool" && r !== "unknown") bad("right", r, "true or false");
        return "bool";
      case "==":
      case "!=":
        this.impossibleComparison(e);
        return "bool";
      case "in":
        if (r !== "list" && r !== "unknown") bad("right", r, "a list");
        return "bool";
      case "<":
      case "<=":
      case ">":
      case ">=":
        if (!(l === "string" && r === "string")) {
          if (!isNum(l)) bad("left", l, "a number");
          else if (!isNum(r)) bad("right", r, "a number");
        }
        return "bool";
      default:
        if (e.op === "+" && l === "string" && r === "string") return "string";
        if (!isNum(l)) bad("left", l, "a number");
        else if (!isNum(r)) bad("right", r, "a number");
        return l === "duration" || r === "duration" ? "duration" : "number";
    }
  }

  /** `opt == "adamw"` where `opt` never takes that value (E037). */
  private impossibleComparison(e: Extract<AstExpr, { kind: "binary" }>): void {
    const [n, lit] =
      e.left.kind === "name"
        ? [e.left, e.right]
        : e.right.kind === "name"
          ? [e.right, e.left]
          : [undefined, undefined];
    if (!n || !lit || (lit.kind !== "str" && lit.kind !== "num" && lit.kind !== "bool")) return;
    const p = this.params.get(n.name)?.spec;
    if (p?.kind !== "categorical") return;
    if (p.choices.includes(lit.value)) return;
    const best =
      typeof lit.value === "string"
        ? closest(lit.value, p.choices.filter((c) => typeof c === "string") as string[])
        : undefined;
    this.report.add("E037", lit.span, {
      n: n.name,
      v: JSON.stringify(lit.value),
      values: p.choices.map((c) => JSON.stringify(c)).join(", "),
      best: best ? `; did you mean "${best}"?` : "",
    });
  }

  /**
   * `units[…]`: a constant index reads that member (its presence proven like any conditional
   * parameter's, E050); a computed one must name a present member in every configuration and loop
   * index the guards allow (E056): `units[i]` inside `repeat num_layers { … }` is the usual proof.
   */
  private indexed(e: Extract<AstExpr, { kind: "index" }>, ctx: ExprContext): StaticType {
    const family = this.families.get(e.name);
    const t = this.check(e.index, ctx);
    if (!family) {
      if (this.params.has(e.name)) this.report.add("E058", e.nameSpan, { n: e.name });
      else if (!this.declared.has(e.name))
        this.report.add("E020", e.nameSpan, {
          n: e.name,
          best: didYouMean(e.name, [...this.params.keys(), ...this.families.keys()]),
        });
      return "unknown";
    }
    if (!compatible("int", t)) {
      this.report.add("E030", e.index.span, { f: e.name, a: "index", want: "an integer", got: article(t) });
      return "unknown";
    }
    const index = lower(e.index);
    const last = family.size - 1;
    if (index.op === "lit") {
      const j = index.value;
      if (typeof j !== "number" || !Number.isInteger(j) || j < 0 || j > last) {
        this.report.add(
          "E056",
          e.span,
          { e: show(e), n: e.name, last },
          {
            notes: [`the index is ${String(j)}`],
          },
        );
        return "unknown";
      }
      return this.name(familyMember(e.name, j), e.span, ctx);
    }
    for (const m of family.members) this.used.add(m);
    const counter = this.proveIndex(family, index, ctx.guards);
    if (counter !== null) {
      const count = typeof family.count === "number" ? String(family.count) : family.count;
      this.report.add(
        "E056",
        e.span,
        { e: show(e), n: e.name, last },
        {
          notes:
            counter === "unprovable"
              ? ["the checker could not enumerate the parameters involved"]
              : [`for example when ${describeAssignment(counter)}`],
          hint: `read \`${e.name}[i]\` inside \`repeat ${count} { … }\`, whose \`i\` stays below ${count}`,
        },
      );
    }
    const first = this.params.get(family.members[0]!);
    return first ? this.paramType(first.spec.name) : "unknown";
  }

  /** A configuration (with the loop index) where the guards hold and `index` names no present member, or null. */
  private proveIndex(family: FamilyInfo, index: Expr, guards: Expr[]): Params | null | "unprovable" {
    const reads = new Set<string>();
    let loop = false;
    for (const e of [index, ...guards])
      for (const n of freeNames(e)) {
        if (n === "i" && !this.params.has("i")) loop = true;
        else reads.add(n);
      }
    const conditions = family.members.map((m) => this.byName.get(m)?.condition);
    for (const c of conditions) if (c) for (const n of freeNames(c)) reads.add(n);
    const involved = activityClosure(this.byName, reads);
    const en = this.enumerations.get(involved, 20000);
    if (!en) return "unprovable";
    const loopIndices = Array.from({ length: Math.max(LOOP_INDICES.length, family.size + 1) }, (_, k) => k);
    for (const config of en.configs) {
      for (const i of loop ? loopIndices : NO_LOOP) {
        const env: Record<string, Value> = i === undefined ? config : { ...config, i };
        if (!guards.every((g) => holds(g, env))) continue;
        let j: Value;
        try {
          j = evaluate(index, env);
        } catch {
          return i === undefined ? { ...config } : { ...config, i };
        }
        const inRange = typeof j === "number" && Number.isInteger(j) && j >= 0 && j < family.size;
        const c = inRange ? conditions[j as number] : undefined;
        const present = inRange && (!c || holds(c, env));
        if (!present) return i === undefined ? { ...config } : { ...config, i };
      }
    }
    return null;
  }

  private name(name: string, span: AstExpr["span"], ctx: ExprContext): StaticType {
    const family = this.families.get(name);
    if (family && !this.params.has(name)) {
      this.report.add("E057", span, { n: name, count: String(family.count) });
      return "unknown";
    }
    if (name === "i" && !this.params.has("i")) {
      if (ctx.inRepeat) return "number";
      this.report.add("E054", span);
      return "unknown";
    }
    const info = this.params.get(name);
    if (!info) {
      if (this.declared.has(name)) return "unknown";
      const best = closest(name, this.params.keys());
      this.report.add("E020", span, { n: name, best: best ? `; did you mean \`${best}\`?` : "" });
      return "unknown";
    }
    this.used.add(name);
    if (info.spec.condition) {
      const counter = this.proveActive(name, ctx.guards);
      if (counter !== null) {
        const cond = info.conditionAst ? show(info.conditionAst) : "its condition holds";
        const notes =
          counter === "unprovable"
            ? ["the checker could not enumerate the parameters involved"]
            : [`for example when ${describeAssignment(counter, freeNames(info.spec.condition))}`];
        this.report.add(
          "E050",
          span,
          { n: name, cond },
          {
            notes,
            hint: `guard it with \`if ${cond} then … else …\`, or put the setting under \`when ${cond}\``,
          },
        );
      }
    }
    return this.paramType(name);
  }

  /**
   * Proves that the guards imply that `name` is active, by enumerating the parameters involved.
   * Returns null when proven, else a configuration where the guards hold and `name` is absent.
   */
  proveActive(name: string, guards: Expr[]): Params | null | "unprovable" {
    const key = `${name}|${guards.map((g) => JSON.stringify(g)).join("&")}`;
    const cached = this.proofCache.get(key);
    if (cached !== undefined) return cached;
    const reads = new Set<string>([name]);
    let loop = false;
    for (const g of guards)
      for (const n of freeNames(g)) {
        if (n === "i" && !this.params.has("i")) loop = true;
        else reads.add(n);
      }
    const involved = activityClosure(this.byName, reads);
    const en = this.enumerations.get(involved, 20000);
    let result: Params | null | "unprovable" = null;
    if (!en) result = "unprovable";
    else {
      outer: for (const config of en.configs) {
        for (const i of loop ? LOOP_INDICES : NO_LOOP) {
          // Guards only read the environment, so the configuration itself serves outside a loop.
          const env: Record<string, Value> = i === undefined ? config : { ...config, i };
          if (!guards.every((g) => holds(g, env))) continue;
          if (!(name in config)) {
            result = config;
            break outer;
          }
        }
      }
    }
    this.proofCache.set(key, result);
    return result;
  }

  private call(e: AstCall, ctx: ExprContext): StaticType {
    if (EXPR_FUNCTIONS.includes(e.callee) && !ctx.callKind?.table[e.callee]) {
      const [lo, hi] = BUILTIN_FUNCTIONS[e.callee]!.arity;
      const named = e.args.find((a) => a.name !== undefined);
      if (named)
        this.report.add("E024", named.nameSpan ?? named.span, {
          f: e.callee,
          a: named.name!,
          list: "positional values only",
        });
      if (e.args.length < lo)
        this.report.add("E025", e.span, { f: e.callee, a: lo === 2 ? "two values" : "a value" });
      else if (e.args.length > hi)
        this.report.add("E026", e.args[hi]!.span, { f: e.callee, n: hi, s: hi === 1 ? "" : "s" });
      for (const a of e.args) {
        const t = this.check(a.value, ctx);
        if (
          e.callee !== "len" &&
          t !== "number" &&
          t !== "unknown" &&
          !(t === "list" && (e.callee === "min" || e.callee === "max"))
        )
          this.report.add("E030", a.value.span, {
            f: e.callee,
            a: "value",
            want: "a number",
            got: article(t),
          });
      }
      return "number";
    }
    if (ctx.callKind && e.callee in ctx.callKind.table) {
      this.callArgs(e, ctx.callKind.table[e.callee]!, ctx);
      return "call";
    }
    for (const [kind, table] of Object.entries(FUNCTION_KINDS) as [string, Record<string, FunctionSpec>][]) {
      if (!(e.callee in table)) continue;
      if (kind === "distribution") this.report.add("E031", e.span, { n: ctx.where });
      else this.report.add("E032", e.calleeSpan, { kind, f: e.callee, decl: ctx.where });
      return "unknown";
    }
    const candidates = [...Object.keys(ctx.callKind?.table ?? {}), ...EXPR_FUNCTIONS];
    const best = closest(e.callee, candidates);
    const kind = ctx.callKind?.kind ?? "function";
    this.report.add("E023", e.calleeSpan, {
      kind,
      f: e.callee,
      best: best ? `; did you mean \`${best}\`?` : "",
      list: Object.keys(ctx.callKind?.table ?? Object.fromEntries(EXPR_FUNCTIONS.map((f) => [f, 0]))).join(
        ", ",
      ),
    });
    for (const a of e.args) this.check(a.value, ctx);
    return "unknown";
  }

  /** A call of a catalogue function (optimizer, schedule, layer…): arguments bound and each value checked. */
  callArgs(e: AstCall, spec: FunctionSpec, ctx: ExprContext): Map<string, AstExpr> {
    const { args } = bindArguments(e, spec, this.report);
    const out = new Map<string, AstExpr>();
    const inner: ExprContext = { ...ctx, callKind: undefined };
    for (const [name, { value }] of args) {
      out.set(name, value);
      const a = spec.args.find((x) => x.name === name)!;
      const t = this.check(value, a.type === "call" ? ctx : inner);
      if (!compatible(a.type, t))
        this.report.add("E030", value.span, {
          f: e.callee,
          a: name,
          want: describeWant(a.type),
          got: article(t),
        });
    }
    return out;
  }
}

export function compatible(want: string, got: StaticType): boolean {
  if (got === "unknown" || want === "any") return true;
  switch (want) {
    case "number":
    case "int":
      return got === "number";
    case "number|list":
      return got === "number" || got === "list";
    case "duration":
      return got === "duration";
    default:
      return got === want;
  }
}

export function describeWant(t: string): string {
  switch (t) {
    case "int":
      return "an integer";
    case "number|list":
      return "a number or a list";
    case "duration":
      return "a duration such as `2h`";
    case "call":
      return "a call such as `adam(lr = 0.001)`";
    case "bool":
      return "true or false";
    default:
      return `a ${t}`;
  }
}

export function article(t: StaticType): string {
  switch (t) {
    case "bool":
      return "true/false";
    case "call":
      return "a call";
    case "unknown":
      return "a value";
    case "list":
      return "a list";
    case "duration":
      return "a duration";
    default:
      return `a ${t}`;
  }
}

export function negate(e: Expr): Expr {
  return { op: "not", args: [e] };
}

export function describeAssignment(config: Params, only?: Set<string>): string {
  const entries = Object.entries(config).filter(([k]) => !only || only.has(k));
  if (entries.length === 0) return "its condition is false";
  return entries.map(([k, v]) => `${k} = ${JSON.stringify(v)}`).join(", ");
}
