/**
 * The checker and compiler: walks the AST's declarations, reports every problem (grouped by concern,
 * each check wrapped so a bug becomes E000 rather than a crash), and builds the Plan when there is no
 * error.
 */
import { existsSync, statSync } from "node:fs";
import { dirname, extname, isAbsolute, join, resolve as resolvePath } from "node:path";
import { evaluate, ExprError, freeNames } from "../plan/expr.js";
import { unroll } from "../plan/resolve.js";
import type {
  BudgetSpec,
  DataSpec,
  EvaluateTrial,
  Expr,
  LayerSpec,
  ModelSpec,
  ObjectiveSpec,
  ParamSpec,
  Params,
  Plan,
  PrunerSpec,
  StrategyName,
  StrategySpec,
  TrainerTrial,
  ValidationSpec,
  Value,
} from "../plan/types.js";
import { activityClosure, configurations, holds, namesRead } from "./analysis.js";
import { listNames } from "./args.js";
import type { AstCall, AstExpr, AstFile, Decl, DeclKind, LayerItem, Setting, Span } from "./ast.js";
import {
  type ArgSpec,
  BUDGET_SETTINGS,
  CALLBACKS,
  type FunctionSpec,
  LAYERS,
  OPTIMIZERS,
  PRUNERS,
  READERS,
  SCHEDULES,
  STRATEGIES,
  TEMPLATES,
  TEST_FUNCTIONS,
  TRAIN_SETTINGS,
  TRAINER_METRICS,
  VALIDATIONS,
} from "./catalog.js";
import { closest, didYouMean } from "./diagnostics.js";
import { DECLARATIONS } from "./keywords.js";
import {
  article,
  compatible,
  describeAssignment,
  describeWant,
  type ExprContext,
  ExprChecker,
} from "./exprcheck.js";
import { lower, names, show, toPos } from "./lower.js";
import type { Reporter } from "./report.js";
import { checkSpace, constant, hasError, type SpaceResult } from "./space.js";

type DeclOf<K extends DeclKind> = Extract<Decl, { kind: K }>;

export interface CompileContext {
  file: string;
  sha256: string;
  /** Skip the slow checks (satisfiability E052/W007, never-active E051, shapes E063/E064): for editors. */
  fast?: boolean;
}

const FIRST: Span = { line: 1, col: 1, endLine: 1, endCol: 2, offset: 0, endOffset: 1 };
const SINGLE_OBJECTIVE: StrategyName[] = ["tpe", "bayes", "evolution", "sha", "asha", "hyperband"];
const EPOCH_STRATEGIES: StrategyName[] = ["sha", "asha", "hyperband"];

export function compileAst(ast: AstFile, ctx: CompileContext, report: Reporter): Plan | undefined {
  return new Compiler(ast, ctx, report).run();
}

class Compiler {
  private readonly decls = new Map<DeclKind, Decl>();
  private readonly dir: string;
  private space: SpaceResult = { params: new Map(), space: [], constraints: [], declared: new Set() };
  private exprs!: ExprChecker;
  private configs: Params[] | undefined;
  private byName: Map<string, ParamSpec> | undefined;
  /** configsOfExpr's answer per set of involved parameters. */
  private readonly localConfigs = new Map<string, Params[]>();
  private readonly valueCache = new Map<
    string,
    { values: number[]; strings: string[]; fractional?: boolean }
  >();

  constructor(
    private readonly ast: AstFile,
    private readonly ctx: CompileContext,
    private readonly report: Reporter,
  ) {
    this.dir = dirname(resolvePath(ctx.file));
  }

  private get<K extends DeclKind>(k: K): DeclOf<K> | undefined {
    return this.decls.get(k) as DeclOf<K> | undefined;
  }

  /** Runs one check; an exception in it becomes an E000 diagnostic instead of a crash. */
  private guard<T>(name: string, span: Span, f: () => T): T | undefined {
    try {
      return f();
    } catch (err) {
      this.report.add("E000", span, { check: name, error: err instanceof Error ? err.message : String(err) });
      return undefined;
    }
  }

  run(): Plan | undefined {
    this.collect();
    const spaceDecl = this.get("space");
    this.space =
      this.guard("space", spaceDecl?.span ?? FIRST, () => checkSpace(spaceDecl?.items ?? [], this.report)) ??
      this.space;
    this.exprs = new ExprChecker(this.space.params, this.space.space, this.report, this.space.declared);
    for (const c of this.space.constraints)
      this.guard("constraint", c.span, () => this.exprs.check(c.ast, this.valueCtx("constraint")));
    const seed = this.guard("seed", FIRST, () => this.seed()) ?? 0;
    const trial = this.guard("structure", FIRST, () => this.trial());
    const objectives = this.guard("objectives", FIRST, () => this.objectives(trial)) ?? [];
    const strategy = this.guard("strategy", this.get("strategy")?.span ?? FIRST, () =>
      this.strategy(objectives, trial),
    );
    const pruner = this.guard("pruner", this.get("pruner")?.span ?? FIRST, () => this.pruner(strategy));
    const validation = this.guard("validation", this.get("validation")?.span ?? FIRST, () =>
      this.validation(trial),
    );
    const budget = this.guard("budget", this.get("budget")?.span ?? FIRST, () => this.budget(strategy));
    const storage = this.guard("storage", this.get("storage")?.span ?? FIRST, () => this.storage());
    if (!this.ctx.fast)
      this.guard("space analysis", spaceDecl?.span ?? FIRST, () => this.analyse(seed, trial));
    if (this.report.errorCount > 0 || !trial || !strategy || !validation || !budget || !storage)
      return undefined;
    const study = this.get("study")!;
    const plan: Plan = {
      version: 1,
      study: study.name,
      seed,
      source: { file: this.ctx.file, sha256: this.ctx.sha256 },
      space: this.space.space,
      constraints: this.space.constraints.map((c) => c.expr),
      trial,
      objectives,
      strategy,
      validation,
      budget,
      storage,
    };
    if (pruner) plan.pruner = pruner;
    return plan;
  }

  private valueCtx(where: string, extra: Partial<ExprContext> = {}): ExprContext {
    return { guards: [], inRepeat: false, where, ...extra };
  }

  /** Declarations: each at most once (E012), unknown words (E013), required ones (E067), E071. */
  private collect(): void {
    for (const d of this.ast.decls) {
      if (d.kind === "unknown") {
        this.report.add("E013", d.keywordSpan, { w: d.word, best: didYouMean(d.word, DECLARATIONS) });
        continue;
      }
      const first = this.decls.get(d.kind);
      if (first) {
        this.report.add("E012", d.keywordSpan, {
          name: d.kind,
          l: first.keywordSpan.line,
          c: first.keywordSpan.col,
        });
        continue;
      }
      this.decls.set(d.kind, d);
    }
    for (const k of ["study", "space", "budget"] as const)
      if (!this.decls.has(k)) this.report.add("E067", FIRST, { decl: k });
    const o = this.get("objective");
    if (o && this.get("objectives")) this.report.add("E071", this.get("objectives")!.keywordSpan);
  }

  private seed(): number {
    const d = this.get("seed");
    if (!d) return 0;
    const v = constant(d.value, "seed", this.report);
    if (v === undefined) return 0;
    if (typeof v !== "number" || !Number.isInteger(v) || v < 0) {
      this.report.add("E030", d.value.span, {
        f: "seed",
        a: "value",
        want: "a non-negative integer",
        got: JSON.stringify(v),
      });
      return 0;
    }
    return v;
  }

  // ---- trainer or evaluate (E06x) ----

  private trial(): TrainerTrial | EvaluateTrial | undefined {
    const evaluateDecl = this.get("evaluate");
    const parts = (["data", "model", "train"] as const)
      .map((k) => this.get(k))
      .filter((d) => d !== undefined);
    if (evaluateDecl) {
      for (const p of parts)
        this.report.add("E061", p.keywordSpan, {
          decl: p.kind,
          l: evaluateDecl.keywordSpan.line,
          c: evaluateDecl.keywordSpan.col,
        });
      return this.evaluate(evaluateDecl);
    }
    if (parts.length === 0) {
      this.report.add("E062", FIRST);
      return undefined;
    }
    const data = this.get("data");
    const model = this.get("model");
    const train = this.get("train");
    if (data && !model) this.report.add("E060", data.keywordSpan, { decl: "data", other: "model" });
    if (model && !data) this.report.add("E060", model.keywordSpan, { decl: "model", other: "data" });
    if (model && !train) this.report.add("E060", model.keywordSpan, { decl: "model", other: "train" });
    if (train && !model) this.report.add("E060", train.keywordSpan, { decl: "train", other: "model" });
    const dataSpec = data && this.guard("data", data.span, () => this.data(data));
    const modelSpec = model && this.guard("model", model.span, () => this.model(model));
    const trainSpec = train && this.guard("train", train.span, () => this.train(train));
    if (!dataSpec || !modelSpec || !trainSpec) return undefined;
    return { kind: "trainer", data: dataSpec, model: modelSpec, train: trainSpec };
  }

  /** Unknown function of a kind (E023), then its arguments; returns them lowered. */
  private catalogueCall(
    call: AstCall,
    kind: string,
    table: Record<string, FunctionSpec>,
    ctx: ExprContext,
    domainCode: "E046" | "E084" = "E046",
  ): Record<string, Expr> | undefined {
    const spec = table[call.callee];
    if (!spec) {
      this.report.add("E023", call.calleeSpan, {
        kind,
        f: call.callee,
        best: didYouMean(call.callee, Object.keys(table)),
        list: Object.keys(table).join(", "),
      });
      return undefined;
    }
    const args = this.exprs.callArgs(call, spec, ctx);
    const out: Record<string, Expr> = {};
    for (const [name, value] of args) {
      const a = spec.args.find((x) => x.name === name)!;
      if (hasError(value)) continue;
      // Lowered once: the domain check and the Plan share it (neither changes it).
      const lowered = lower(value);
      this.checkDomain(call.callee, a, value, ctx, domainCode, lowered);
      out[name] = lowered;
    }
    return out;
  }

  /** Integer-ness (E036) and bounds (E046/E084) of an argument, over the space's configurations. */
  private checkDomain(
    f: string,
    a: ArgSpec,
    value: AstExpr,
    ctx: ExprContext,
    code: "E046" | "E084",
    lowered?: Expr,
  ): void {
    if (hasError(value)) return;
    const read = names(value);
    const reads = read.filter((n) => n.name !== "i");
    const expr = lowered ?? lower(value);
    const { values, strings, fractional } = this.valuesOf(expr, read.length === 0, ctx);
    // The source text is only needed for a message.
    let shown: string | undefined;
    const text = () => (shown ??= show(value));
    if (a.type === "int" && (fractional || values.some((v) => !Number.isInteger(v)))) {
      if (reads.length === 0)
        this.report.add("E030", value.span, { f, a: a.name, want: "an integer", got: text() });
      else this.report.add("E036", value.span, { a: a.name, expr: text() });
      return;
    }
    if (a.oneOf) {
      const bad = strings.find((s) => !a.oneOf!.includes(s));
      if (bad !== undefined) {
        const best = closest(bad, a.oneOf);
        const range = `one of ${a.oneOf.map((s) => `"${s}"`).join(", ")}`;
        if (code === "E084")
          this.report.add(
            "E084",
            value.span,
            { s: f, o: a.name, range, v: `"${bad}"` },
            { hint: best ? `did you mean "${best}"?` : undefined },
          );
        else
          this.report.add(
            "E046",
            value.span,
            { f, a: a.name, range, got: `\`${text()}\` is "${bad}"` },
            { hint: best ? `did you mean "${best}"?` : undefined },
          );
      }
      return;
    }
    if (values.length === 0 || (a.min === undefined && a.max === undefined)) return;
    const lo = Math.min(...values);
    const hi = Math.max(...values);
    const belowMin = a.min !== undefined && (a.exclusiveLow ? lo <= a.min : lo < a.min);
    const aboveMax = a.max !== undefined && hi > a.max;
    if (!belowMin && !aboveMax) return;
    const range =
      a.min !== undefined && a.max !== undefined
        ? `in [${a.min}, ${a.max}]`
        : a.min !== undefined
          ? a.exclusiveLow
            ? `above ${a.min}`
            : `at least ${a.min}`
          : `at most ${a.max}`;
    if (code === "E084") this.report.add("E084", value.span, { s: f, o: a.name, range, v: text() });
    else {
      const got =
        reads.length === 0 ? `got ${text()}` : `\`${text()}\` reaches [${fmtNum(lo)}, ${fmtNum(hi)}]`;
      this.report.add("E046", value.span, { f, a: a.name, range, got });
    }
  }

  /** The values an expression takes over the configurations (cached: long specs repeat expressions). */
  private valuesOf(
    expr: Expr,
    isConstant: boolean,
    ctx: ExprContext,
  ): { values: number[]; strings: string[]; fractional?: boolean } {
    // A bare parameter: its range comes straight from its distribution.
    const direct = expr.op === "param" ? this.space.params.get(expr.name!)?.spec : undefined;
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
    const cached = this.valueCache.get(key);
    if (cached) return cached;
    const values: number[] = [];
    const strings: string[] = [];
    const configs = isConstant ? [{}] : this.configsOfExpr(expr, ctx);
    for (const c of configs) {
      for (const i of ctx.inRepeat && !isConstant ? [0, 1, 2] : [undefined]) {
        const env: Record<string, Value> = i === undefined ? c : { ...c, i };
        if (!ctx.guards.every((g) => holds(g, env))) continue;
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
    this.valueCache.set(key, out);
    return out;
  }

  /**
   * Configurations of just the parameters an expression (and its guards) reads, enumerated exactly when
   * small, filtered by the constraints that read only those; otherwise the shared seeded sample.
   */
  private configsOfExpr(expr: Expr, ctx: ExprContext): Params[] {
    const { space, constraints } = this.space;
    this.byName ??= new Map(space.map((p) => [p.name, p]));
    const reads = new Set(namesRead(expr));
    for (const g of ctx.guards) for (const n of namesRead(g)) reads.add(n);
    const involved = activityClosure(this.byName, reads);
    const key = [...involved].sort().join("\u0000");
    const known = this.localConfigs.get(key);
    if (known) return known;
    const en = this.exprs.enumerations.get(involved, 512);
    let result: Params[];
    if (!en?.exact) result = this.configsFor();
    else {
      const local = constraints.filter((k) => [...namesRead(k.expr)].every((n) => involved.has(n)));
      const ok = en.configs.filter((c) => local.every((k) => holds(k.expr, c)));
      result = ok.length > 0 ? ok : en.configs;
    }
    this.localConfigs.set(key, result);
    return result;
  }

  private configsFor(): Params[] {
    if (!this.configs) {
      const { configs } = configurations(this.space.space, this.get("seed") ? this.seed() : 0, 64);
      const ok = configs.filter((c) => this.space.constraints.every((k) => holds(k.expr, c)));
      this.configs = ok.length > 0 ? ok : configs;
    }
    return this.configs;
  }

  private data(d: DeclOf<"data">): DataSpec | undefined {
    const args = this.catalogueCall(d.call, "reader", READERS, this.valueCtx("data"));
    if (!args) return undefined;
    // `path` (and `test` when it names a file rather than a fraction) must exist; the Plan holds them absolute.
    for (const key of ["path", "test"]) {
      const e = args[key];
      const v = e?.op === "lit" ? e.value : undefined;
      if (!e || typeof v !== "string") continue;
      const abs = isAbsolute(v) ? v : join(this.dir, v);
      if (!existsSync(abs)) {
        const given =
          d.call.args.find((a) => a.name === key) ??
          (key === "path" ? d.call.args.find((a) => a.name === undefined) : undefined);
        this.report.add("E092", given?.value.span ?? d.call.span, { p: v });
      }
      args[key] = { ...e, value: abs };
    }
    return { reader: d.call.callee as DataSpec["reader"], args, pos: toPos(d.call.span) };
  }

  private model(d: DeclOf<"model">): ModelSpec | undefined {
    if (d.template) {
      const args = this.catalogueCall(d.template, "template", TEMPLATES, this.valueCtx("model"));
      if (!args) return undefined;
      return { kind: "template", name: d.template.callee as "mlp", args, pos: toPos(d.template.span) };
    }
    const layers = this.layers(d.layers ?? [], [], false);
    const last = (d.layers ?? []).at(-1);
    const autoOutput = !(last && last.kind === "layer" && last.call.callee === "dense" && !last.condition);
    return { kind: "layers", layers, autoOutput, pos: toPos(d.span) };
  }

  private layers(items: LayerItem[], guards: Expr[], inRepeat: boolean): LayerSpec[] {
    const out: LayerSpec[] = [];
    for (const item of items) {
      const ctx = this.valueCtx("model", { guards, inRepeat });
      let condition: Expr | undefined;
      if (item.condition) {
        const t = this.exprs.check(item.condition, ctx);
        if (t !== "bool" && t !== "unknown")
          this.report.add("E030", item.condition.span, {
            f: "when",
            a: "condition",
            want: "true or false",
            got: article(t),
          });
        if (!hasError(item.condition)) condition = lower(item.condition);
      }
      const inner = condition ? [...guards, condition] : guards;
      if (item.kind === "repeat") {
        if (inRepeat) this.report.add("W010", item.span);
        const t = this.exprs.check(item.count, { ...ctx, guards: inner });
        if (!compatible("int", t))
          this.report.add("E030", item.count.span, {
            f: "repeat",
            a: "count",
            want: "an integer",
            got: article(t),
          });
        this.checkDomain(
          "repeat",
          { name: "count", type: "int", min: 0 },
          item.count,
          { ...ctx, guards: inner },
          "E046",
        );
        const body = this.layers(item.body, inner, true);
        const spec: LayerSpec = {
          kind: "repeat",
          count: lower(item.count),
          variable: "i",
          body,
          pos: toPos(item.span),
        };
        if (condition) spec.condition = condition;
        out.push(spec);
        continue;
      }
      const args = this.catalogueCall(item.call, "layer", LAYERS, { ...ctx, guards: inner });
      if (!args) continue;
      const spec: LayerSpec = { kind: "layer", name: item.call.callee, args, pos: toPos(item.span) };
      if (condition) spec.condition = condition;
      out.push(spec);
    }
    return out;
  }

  private settings(settings: Setting[], table: Record<string, ArgSpec>, where: string): Map<string, Setting> {
    const seen = new Map<string, Setting>();
    for (const s of settings) {
      const first = seen.get(s.name);
      if (first) {
        this.report.add("E012", s.nameSpan, { name: s.name, l: first.nameSpan.line, c: first.nameSpan.col });
        continue;
      }
      if (!(s.name in table)) {
        const best = closest(s.name, Object.keys(table));
        this.report.add(
          "E024",
          s.nameSpan,
          { f: where, a: s.name, list: listNames(Object.keys(table)) },
          {
            hint: best ? `did you mean \`${best}\`?` : undefined,
          },
        );
        continue;
      }
      seen.set(s.name, s);
    }
    return seen;
  }

  private train(d: DeclOf<"train">): Record<string, Expr> {
    const seen = this.settings(d.settings, TRAIN_SETTINGS, "train");
    const out: Record<string, Expr> = {};
    const kinds: Record<string, { kind: string; table: Record<string, FunctionSpec> }> = {
      optimizer: { kind: "optimizer", table: OPTIMIZERS },
      schedule: { kind: "schedule", table: SCHEDULES },
      early_stopping: { kind: "callback", table: CALLBACKS },
    };
    for (const [name, s] of seen) {
      const spec = TRAIN_SETTINGS[name]!;
      const ctx = this.valueCtx("train", { callKind: kinds[name] });
      const t = this.exprs.check(s.value, ctx);
      if (!compatible(spec.type, t))
        this.report.add("E030", s.value.span, {
          f: "train",
          a: name,
          want: describeWant(spec.type),
          got: article(t),
        });
      else this.checkDomain("train", spec, s.value, ctx, "E046");
      if (name === "optimizer") this.learningRateWarning(s.value);
      if (!hasError(s.value)) out[name] = lower(s.value);
    }
    if (!seen.has("optimizer")) this.report.add("E025", d.keywordSpan, { f: "train", a: "optimizer" });
    const optimizer = seen.get("optimizer");
    const schedule = seen.get("schedule");
    if (optimizer && schedule) this.ignoredLearningRate(optimizer.value, schedule.value);
    return out;
  }

  /** W004: a `cyclic` schedule sets the rate itself, so a hyperparameter read by the optimizer's `lr` has no effect there. */
  private ignoredLearningRate(optimizer: AstExpr, schedule: AstExpr): void {
    const when = cyclicCondition(schedule);
    if (when === undefined) return;
    const lrNames: { name: string; span: Span }[] = [];
    const visit = (x: AstExpr): void => {
      if (x.kind === "call" && x.callee in OPTIMIZERS) {
        const lr = x.args.find((a) => a.name === "lr") ?? x.args.find((a) => a.name === undefined);
        if (lr) lrNames.push(...names(lr.value).filter((n) => this.space.params.has(n.name)));
      }
      if (x.kind === "if") {
        visit(x.whenTrue);
        visit(x.whenFalse);
      }
      if (x.kind === "paren") visit(x.inner);
    };
    visit(optimizer);
    for (const n of lrNames) this.report.add("W004", n.span, { n: n.name, cond: when });
  }

  /** W001: an optimizer's `lr` read straight from a hyperparameter whose range goes above 1. */
  private learningRateWarning(e: AstExpr): void {
    const visit = (x: AstExpr): void => {
      if (x.kind === "call" && x.callee in OPTIMIZERS) {
        const lr = x.args.find((a) => a.name === "lr") ?? x.args.find((a) => a.name === undefined);
        if (lr?.value.kind === "name") {
          const p = this.space.params.get(lr.value.name)?.spec;
          const high =
            p?.kind === "float" || p?.kind === "int"
              ? p.high
              : p?.kind === "categorical"
                ? Math.max(...p.choices.filter((c) => typeof c === "number"))
                : undefined;
          if (high !== undefined && high > 1)
            this.report.add("W001", lr.value.span, { n: lr.value.name, high });
        }
      }
      if (x.kind === "if") {
        visit(x.whenTrue);
        visit(x.whenFalse);
      }
      if (x.kind === "paren") visit(x.inner);
    };
    visit(e);
  }

  private evaluate(d: DeclOf<"evaluate">): EvaluateTrial | undefined {
    if (d.module !== undefined) {
      const abs = isAbsolute(d.module) ? d.module : join(this.dir, d.module);
      const span = d.moduleSpan ?? d.span;
      if (![".mjs", ".js", ".ts", ".cjs"].includes(extname(abs)))
        this.report.add("E093", span, {
          what: `the objective module \`${d.module}\` must be a .mjs, .js or .ts file`,
        });
      else if (!existsSync(abs) || !statSync(abs).isFile())
        this.report.add("E093", span, { what: `no module \`${d.module}\` (paths are relative to the spec)` });
      for (const p of this.space.space) this.exprs.used.add(p.name);
      return { kind: "evaluate", module: abs };
    }
    const call = d.builtin!;
    const fn = TEST_FUNCTIONS[call.callee];
    if (!fn) {
      this.report.add(
        "E023",
        call.calleeSpan,
        {
          kind: "test function",
          f: call.callee,
          best: didYouMean(call.callee, Object.keys(TEST_FUNCTIONS)),
          list: Object.keys(TEST_FUNCTIONS).join(", "),
        },
        { hint: 'a user objective is a string path: evaluate "./objective.mjs"' },
      );
      return undefined;
    }
    const spec: FunctionSpec = fn.dims
      ? { args: [] }
      : {
          args: [{ name: "dim", type: "int", required: true, min: fn.metrics.length > 1 ? 2 : 1 }],
          positional: 1,
        };
    const args = this.catalogueCall(
      call,
      "test function",
      { [call.callee]: spec },
      this.valueCtx("evaluate"),
    );
    if (!args) return undefined;
    let dims = fn.dims;
    if (dims === undefined) {
      const dim = args.dim;
      if (dim?.op !== "lit" || typeof dim.value !== "number") {
        if (dim) this.report.add("E034", call.span, { n: "dim" });
        return undefined;
      }
      dims = dim.value;
    }
    const wanted = Array.from({ length: dims }, (_, i) => `x${i + 1}`);
    const missing = wanted.filter((n) => !this.space.params.has(n));
    if (missing.length > 0 && this.get("space"))
      this.report.add(
        "E065",
        call.span,
        { f: call.callee, names: missing.map((n) => `\`${n}\``).join(", ") },
        {
          hint: `e.g. ${missing[0]} = uniform(-5, 5)`,
        },
      );
    for (const n of wanted) {
      this.exprs.used.add(n);
      const p = this.space.params.get(n);
      if (
        p &&
        (p.spec.kind === "categorical" || p.spec.kind === "fixed") &&
        this.exprs.paramType(n) !== "number"
      )
        this.report.add("E030", p.span, {
          f: call.callee,
          a: n,
          want: "a number",
          got: article(this.exprs.paramType(n)),
        });
    }
    return { kind: "evaluate", builtin: { name: call.callee, args } };
  }

  // ---- goals (E07x) ----

  private objectives(trial: TrainerTrial | EvaluateTrial | undefined): ObjectiveSpec[] {
    const decl = this.get("objectives") ?? this.get("objective");
    if (!decl) {
      this.report.add("E073", FIRST);
      return [];
    }
    const available: string[] | undefined =
      trial?.kind === "trainer"
        ? TRAINER_METRICS
        : trial?.kind === "evaluate" && trial.builtin
          ? TEST_FUNCTIONS[trial.builtin.name]!.metrics
          : this.get("evaluate")?.builtin
            ? TEST_FUNCTIONS[this.get("evaluate")!.builtin!.callee]?.metrics
            : this.get("evaluate")
              ? undefined
              : TRAINER_METRICS;
    const out: ObjectiveSpec[] = [];
    const seen = new Map<string, Span>();
    if (decl.goals.length === 0) this.report.add("E073", decl.keywordSpan);
    for (const g of decl.goals) {
      if (seen.has(g.metric)) {
        this.report.add("E074", g.metricSpan, { m: g.metric });
        continue;
      }
      seen.set(g.metric, g.metricSpan);
      if (available && !available.includes(g.metric)) {
        this.report.add("E070", g.metricSpan, {
          m: g.metric,
          best: didYouMean(g.metric, available),
          list: available.join(", "),
        });
        continue;
      }
      if (
        g.metric === "val_perplexity" &&
        trial?.kind === "trainer" &&
        !["text", "pairs"].includes(trial.data.reader)
      )
        this.report.add("E072", g.metricSpan, { m: g.metric, what: "text or pairs data" });
      if (g.metric.startsWith("test_")) this.report.add("W009", g.metricSpan, { m: g.metric });
      out.push({ metric: g.metric, direction: g.direction });
    }
    return out;
  }

  // ---- strategy, pruner, validation (E08x) ----

  /** Options bound, constant and in their domain (E084); defaults filled from the catalogue. */
  private options(
    call: AstCall,
    kind: string,
    table: Record<string, FunctionSpec>,
  ): Record<string, Value> | undefined {
    const spec = table[call.callee];
    const args = this.catalogueCall(call, kind, table, this.valueCtx(kind), "E084");
    if (!spec || !args) return undefined;
    const out: Record<string, Value> = {};
    // Leading unnamed arguments bind to the first `spec.positional` options, in order.
    const unnamed = call.args.filter((x) => x.name === undefined);
    for (const [i, a] of spec.args.entries()) {
      const given =
        call.args.find((x) => x.name === a.name) ?? (i < (spec.positional ?? 0) ? unnamed[i] : undefined);
      if (given) {
        const v = constant(given.value, a.name, this.report);
        if (v !== undefined) out[a.name] = v as Value;
      } else if (a.default !== undefined) out[a.name] = a.default;
    }
    return out;
  }

  private strategy(
    objectives: ObjectiveSpec[],
    trial: TrainerTrial | EvaluateTrial | undefined,
  ): StrategySpec | undefined {
    const d = this.get("strategy");
    if (!d) return { name: "tpe", options: this.defaults(STRATEGIES.tpe!) };
    const options = this.options(d.call, "strategy", STRATEGIES);
    if (!options) return undefined;
    const name = d.call.callee as StrategyName;
    const span = d.call.span;
    if (name === "grid" && options.points === 0) {
      const continuous = this.space.space.find((p) => p.kind === "normal" || (p.kind === "float" && !p.step));
      if (continuous) this.report.add("E080", span, { n: continuous.name });
    }
    if (objectives.length > 1 && SINGLE_OBJECTIVE.includes(name))
      this.report.add("E081", span, { s: name, k: objectives.length });
    if (name === "nsga2" && objectives.length < 2 && (this.get("objective") || this.get("objectives")))
      this.report.add("E082", span);
    if (EPOCH_STRATEGIES.includes(name)) {
      if (trial?.kind === "evaluate" && trial.builtin)
        this.report.add("E083", span, {
          what: `\`${name}\` stops trials by epochs, but \`${trial.builtin.name}\` reports no steps; use random, tpe or bayes`,
        });
      const epochs = trial?.kind === "trainer" ? trial.train.epochs : undefined;
      if (epochs && epochs.op === "lit" && epochs.value !== options.max_epochs)
        this.report.add("E083", this.get("train")!.settings.find((s) => s.name === "epochs")!.value.span, {
          what: `\`train.epochs\` = ${epochs.value} conflicts with max_epochs = ${options.max_epochs} of \`${name}\``,
        });
      if (
        typeof options.min_epochs === "number" &&
        typeof options.max_epochs === "number" &&
        options.min_epochs > options.max_epochs
      )
        this.report.add("E084", span, {
          s: name,
          o: "min_epochs",
          range: `at most max_epochs (${options.max_epochs})`,
          v: options.min_epochs,
        });
    }
    if (
      name === "evolution" &&
      typeof options.elitism === "number" &&
      typeof options.population === "number" &&
      options.elitism >= options.population
    )
      this.report.add("E084", span, {
        s: name,
        o: "elitism",
        range: `below population (${options.population})`,
        v: options.elitism,
      });
    return { name, options };
  }

  private defaults(spec: FunctionSpec): Record<string, Value> {
    const out: Record<string, Value> = {};
    for (const a of spec.args) if (a.default !== undefined) out[a.name] = a.default;
    return out;
  }

  private pruner(strategy: StrategySpec | undefined): PrunerSpec | undefined {
    const d = this.get("pruner");
    if (!d) return undefined;
    const options = this.options(d.call, "pruner", PRUNERS);
    if (!options) return undefined;
    if (strategy && EPOCH_STRATEGIES.includes(strategy.name))
      this.report.add("W008", d.call.span, { s: strategy.name });
    return { name: "median", options };
  }

  private validation(trial: TrainerTrial | EvaluateTrial | undefined): ValidationSpec | undefined {
    const d = this.get("validation");
    const dataValidation = trial?.kind === "trainer" ? trial.data.args.validation : undefined;
    if (!d) {
      const fraction =
        dataValidation?.op === "lit" && typeof dataValidation.value === "number"
          ? dataValidation.value
          : undefined;
      return fraction === undefined
        ? { kind: "holdout", options: {} }
        : { kind: "holdout", fraction, options: {} };
    }
    if (trial?.kind === "evaluate")
      this.report.add("E032", d.keywordSpan, { kind: "declaration", f: "validation", decl: "evaluate" });
    if (dataValidation) this.report.add("E066", d.keywordSpan);
    const options = this.options(d.call, "validation scheme", VALIDATIONS);
    if (!options) return undefined;
    if (d.call.callee === "kfold") {
      const { k, shuffle, ...rest } = options;
      return { kind: "kfold", k: k as number, shuffle: shuffle === true, options: rest };
    }
    const { fraction, ...rest } = options;
    return typeof fraction === "number"
      ? { kind: "holdout", fraction, options: rest }
      : { kind: "holdout", options: rest };
  }

  // ---- budget and storage (E09x) ----

  private budget(strategy: StrategySpec | undefined): BudgetSpec | undefined {
    const d = this.get("budget");
    if (!d) return undefined;
    const seen = this.settings(d.settings, BUDGET_SETTINGS, "budget");
    const out: BudgetSpec = { parallel: 1 };
    for (const [name, s] of seen) {
      const spec = BUDGET_SETTINGS[name]!;
      const v = constant(s.value, name, this.report);
      if (v === undefined) continue;
      const isDuration = s.value.kind === "dur" || (names(s.value).length === 0 && containsDuration(s.value));
      if (spec.type === "duration" && !isDuration) {
        this.report.add("E035", s.value.span, { what: `\`${name}\` expects a duration such as \`2h\`` });
        continue;
      }
      if (spec.type !== "duration" && isDuration) {
        this.report.add("E035", s.value.span, {
          what: `a duration cannot be used here: \`${name}\` is a count`,
        });
        continue;
      }
      if (typeof v !== "number") {
        this.report.add("E030", s.value.span, {
          f: "budget",
          a: name,
          want: describeWant(spec.type),
          got: JSON.stringify(v),
        });
        continue;
      }
      if (spec.type === "int" && !Number.isInteger(v)) {
        this.report.add("E030", s.value.span, {
          f: "budget",
          a: name,
          want: "an integer",
          got: show(s.value),
        });
        continue;
      }
      const min = spec.min ?? 0;
      if (v < min || (spec.type === "duration" && v <= 0)) {
        this.report.add("E046", s.value.span, {
          f: "budget",
          a: name,
          range: spec.type === "duration" ? "positive" : `at least ${min}`,
          got: `got ${show(s.value)}`,
        });
        continue;
      }
      if (name === "trials") out.trials = v;
      if (name === "time") out.timeSeconds = v;
      if (name === "parallel") out.parallel = v;
      if (name === "max_failed") out.maxFailed = v;
      if (name === "trial_timeout") out.trialTimeoutSeconds = v;
    }
    if (!seen.has("trials") && !seen.has("time")) {
      this.report.add("E090", d.keywordSpan);
      return undefined;
    }
    if (out.trials !== undefined && out.parallel > out.trials)
      this.report.add("W006", seen.get("parallel")!.value.span, { p: out.parallel, t: out.trials });
    if (strategy?.name === "grid" && out.trials !== undefined) {
      const points = typeof strategy.options.points === "number" ? strategy.options.points : 0;
      let size = 1;
      for (const p of this.space.space) {
        if (p.kind === "categorical") size *= p.choices.length;
        else if (p.kind === "int") size *= Math.floor((p.high - p.low) / p.step) + 1;
        else if (p.kind === "float" && p.step && points === 0)
          size *= Math.floor((p.high - p.low) / p.step + 1e-9) + 1;
        else if (p.kind !== "fixed") size *= Math.max(points, 1);
      }
      if (size > out.trials)
        this.report.add("W005", this.get("strategy")!.call.span, { g: size, t: out.trials });
    }
    return out;
  }

  private storage(): string | undefined {
    const d = this.get("storage");
    const study = this.get("study")?.name ?? "study";
    // The study name becomes a file name: anything but letters, digits, `.`, `-` and `_` becomes `_`.
    if (!d) return `sqlite:${join(this.dir, ".hpo", `${study.replace(/[^A-Za-z0-9._-]/g, "_")}.db`)}`;
    const url = d.url;
    if (url === "memory:") return url;
    if (/^postgres(ql)?:\/\/.+/.test(url)) return url;
    if (url.startsWith("sqlite:") && url.length > "sqlite:".length) {
      const p = url.slice("sqlite:".length);
      return `sqlite:${isAbsolute(p) ? p : join(this.dir, p)}`;
    }
    this.report.add("E091", d.urlSpan);
    return undefined;
  }

  // ---- the space as a whole (slow checks: enumeration and sampling) ----

  private analyse(seed: number, trial: TrainerTrial | EvaluateTrial | undefined): void {
    const { space, params, constraints } = this.space;
    for (const p of space) {
      if (!p.condition) continue;
      const info = params.get(p.name)!;
      const never = this.exprs.proveActive(p.name, []);
      if (never === "unprovable") continue;
      // proveActive found a config where the parameter is absent; check whether it is ever present.
      const ever = this.everActive(p.name);
      if (!ever)
        this.report.add("E051", info.span, {
          n: p.name,
          cond: info.conditionAst ? show(info.conditionAst) : "",
        });
    }
    if (constraints.length > 0 && space.length > 0) this.satisfiability(seed);
    if (trial?.kind === "trainer" && this.report.errorCount === 0 && needsShapes(trial)) this.shapes(trial);
    if (trial && this.get("space")) {
      const readByOthers = new Set<string>();
      for (const q of space) if (q.condition) for (const n of freeNames(q.condition)) readByOthers.add(n);
      for (const k of constraints) for (const n of freeNames(k.expr)) readByOthers.add(n);
      for (const p of space) {
        if (!this.exprs.used.has(p.name) && !readByOthers.has(p.name))
          this.report.add("W003", params.get(p.name)!.span, { n: p.name });
      }
    }
  }

  /**
   * E052/W007 by seeded sampling (or full enumeration when small). Constraints that share no parameter
   * are independent, so each group is checked on its own parameters only: the pass rate of the whole
   * is the product of the groups' rates.
   */
  private satisfiability(seed: number): void {
    const { space, constraints } = this.space;
    this.byName ??= new Map(space.map((p) => [p.name, p]));
    const byName = this.byName;
    const groups: { names: Set<string>; members: typeof constraints }[] = [];
    for (const k of constraints) {
      const names = activityClosure(byName, namesRead(k.expr));
      const overlapping = groups.filter((g) => [...names].some((n) => g.names.has(n)));
      const merged = { names, members: [k] };
      for (const g of overlapping) {
        for (const n of g.names) merged.names.add(n);
        merged.members.push(...g.members);
        groups.splice(groups.indexOf(g), 1);
      }
      groups.push(merged);
    }
    let passRate = 1;
    for (const g of groups) {
      const { configs } = configurations(
        space.filter((p) => g.names.has(p.name)),
        seed,
        1000,
      );
      const pass = configs.filter((c) => g.members.every((k) => holds(k.expr, c))).length;
      if (pass === 0) {
        const culprit = g.members.find((k) => !configs.some((c) => holds(k.expr, c))) ?? g.members[0]!;
        this.report.add("E052", culprit.span, { k: configs.length, c: show(culprit.ast) });
        return;
      }
      passRate *= pass / configs.length;
    }
    if (passRate < 0.01)
      this.report.add("W007", constraints[0]!.span, { pct: ((1 - passRate) * 100).toFixed(1) });
  }

  private everActive(name: string): boolean {
    const { space } = this.space;
    this.byName ??= new Map(space.map((p) => [p.name, p]));
    const involved = activityClosure(this.byName, [name]);
    // Same configurations as `configurations(sub-space, 0, 5000)`: the enumeration when it is exact.
    const all = this.exprs.enumerations.get(involved, 5000);
    const { configs } = all?.exact
      ? all
      : configurations(
          space.filter((x) => involved.has(x.name)),
          0,
          5000,
        );
    return configs.some((c) => name in c);
  }

  /** E063/E064: shapes and layer requirements over the configurations the constraints allow. */
  private shapes(trial: TrainerTrial): void {
    const model = trial.model;
    const image: Record<string, [number, number]> = {
      mnist: [28, 28],
      fashion_mnist: [28, 28],
      cifar10: [32, 32],
    };
    const configs = this.configsFor();
    const modelDecl = this.get("model")!;
    for (const c of configs) {
      try {
        if (model.kind === "template") {
          const args: Record<string, Value> = {};
          for (const [k, e] of Object.entries(model.args)) args[k] = evaluate(e, c);
          if (
            model.name === "transformer" &&
            typeof args.heads === "number" &&
            typeof args.d_model === "number" &&
            args.d_model % args.heads !== 0
          ) {
            const span = modelDecl.template!.calleeSpan;
            this.report.add(
              "E064",
              span,
              {
                f: "transformer",
                req: "d_model divisible by heads",
                assignment: describeAssignment(
                  c,
                  new Set([...readsOf(model.args.heads), ...readsOf(model.args.d_model)]),
                ),
              },
              {
                hint: constraintHint(model.args.d_model, model.args.heads),
              },
            );
            return;
          }
          if (model.name === "cnn" && image[trial.data.reader] && typeof args.blocks === "number") {
            const pool = typeof args.pool === "number" ? args.pool : 2;
            const size = image[trial.data.reader]![0] / pool ** args.blocks;
            if (pool > 1 && size < 1) {
              this.report.add("E063", modelDecl.template!.calleeSpan, {
                problem: `${args.blocks} conv blocks with pooling ${pool} shrink a ${image[trial.data.reader]![0]}×${image[trial.data.reader]![1]} image below 1×1`,
                assignment: describeAssignment(c, readsOf(model.args.blocks)),
              });
              return;
            }
          }
          continue;
        }
        const layers = unroll(model.layers, c);
        let hw: [number, number] | undefined = image[trial.data.reader];
        for (const l of layers) {
          if (l.name === "input" && Array.isArray(l.args.shape) && l.args.shape.length === 3)
            hw = [Number(l.args.shape[0]), Number(l.args.shape[1])];
          if (
            (l.name === "transformer_encoder" ||
              l.name === "transformer_decoder" ||
              l.name === "attention") &&
            typeof l.args.d_model === "number" &&
            typeof l.args.heads === "number" &&
            l.args.d_model % l.args.heads !== 0
          ) {
            this.report.add("E064", modelDecl.keywordSpan, {
              f: l.name,
              req: "d_model divisible by heads",
              assignment: describeAssignment(c),
            });
            return;
          }
          if (!hw) continue;
          if (l.name === "flatten" || l.name === "globalavgpool" || l.name === "dense") {
            hw = undefined;
            continue;
          }
          const valid = l.args.padding !== "same";
          const stride = typeof l.args.stride === "number" ? l.args.stride : 1;
          if (l.name === "conv2d" && typeof l.args.kernel === "number") {
            const k = l.args.kernel;
            hw = hw.map((s) => Math.floor(((valid ? s - k + 1 : s) + stride - 1) / stride)) as [
              number,
              number,
            ];
          } else if (l.name === "maxpool2d" || l.name === "avgpool2d") {
            const p = typeof l.args.pool === "number" ? l.args.pool : 2;
            const st = typeof l.args.stride === "number" ? l.args.stride : p;
            hw = hw.map((s) => (valid ? Math.floor((s - p) / st) + 1 : Math.ceil(s / st))) as [
              number,
              number,
            ];
          } else continue;
          if (hw[0] < 1 || hw[1] < 1) {
            this.report.add("E063", modelDecl.keywordSpan, {
              problem: `the image shrinks to ${Math.max(hw[0], 0)}×${Math.max(hw[1], 0)} at \`${l.name}\``,
              assignment: describeAssignment(c),
            });
            return;
          }
        }
      } catch (err) {
        if (!(err instanceof ExprError)) throw err;
      }
    }
  }
}

/** Shape checks only matter for image layers, attention and the cnn/transformer templates. */
function needsShapes(trial: TrainerTrial): boolean {
  const m = trial.model;
  if (m.kind === "template") return m.name === "cnn" || m.name === "transformer";
  const SHAPED = new Set([
    "conv2d",
    "maxpool2d",
    "avgpool2d",
    "attention",
    "transformer_encoder",
    "transformer_decoder",
  ]);
  const visit = (ls: LayerSpec[]): boolean =>
    ls.some((l) => (l.kind === "layer" ? SHAPED.has(l.name) : visit(l.body)));
  return visit(m.layers);
}

/** When a schedule expression is a `cyclic(…)` call: "the schedule is cyclic", or the branch condition. */
function cyclicCondition(e: AstExpr): string | undefined {
  if (e.kind === "paren") return cyclicCondition(e.inner);
  if (e.kind === "call")
    return e.callee === "cyclic"
      ? "the schedule is `cyclic`, which sets the rate from min_lr and max_lr"
      : undefined;
  if (e.kind !== "if") return undefined;
  const yes = cyclicCondition(e.whenTrue);
  if (yes !== undefined) return `${show(e.cond)} (the schedule is then \`cyclic\`)`;
  const no = cyclicCondition(e.whenFalse);
  if (no !== undefined) return `not (${show(e.cond)}) (the schedule is then \`cyclic\`)`;
  return undefined;
}

/** A compact structural key of an expression (positions left out), for caches. */
function exprKey(e: Expr): string {
  const args = e.args ? `(${e.args.map(exprKey).join(",")})` : "";
  const kwargs = e.kwargs
    ? `{${Object.entries(e.kwargs)
        .map(([k, v]) => `${k}=${exprKey(v)}`)
        .join(",")}}`
    : "";
  const leaf = e.op === "lit" ? JSON.stringify(e.value) : e.op === "param" || e.op === "call" ? e.name : "";
  return `${e.op}:${leaf}${args}${kwargs}`;
}

function readsOf(e: Expr | undefined): Set<string> {
  return e ? freeNames(e) : new Set();
}

function constraintHint(dModel: Expr | undefined, heads: Expr | undefined): string | undefined {
  if (dModel?.op === "param" && heads?.op === "param")
    return `add \`constraint ${dModel.name} % ${heads.name} == 0\` to space`;
  return undefined;
}

function containsDuration(e: AstExpr): boolean {
  if (e.kind === "dur") return true;
  if (e.kind === "binary") return containsDuration(e.left) || containsDuration(e.right);
  if (e.kind === "paren") return containsDuration(e.inner);
  if (e.kind === "unary") return containsDuration(e.operand);
  return false;
}

function fmtNum(n: number): string {
  return Number(n.toPrecision(6)).toString();
}
