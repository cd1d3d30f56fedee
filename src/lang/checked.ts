/**
 * The checked AST: the declarations (the first of each kind), the space's parameter table and the
 * facts several checks and the compiler share, computed once and read-only afterwards. Building it is
 * the "resolve" phase: the space table reports its own problems (E014, E021, E03x, E04x, …) as it
 * is made; every other check reads this object (src/lang/checks/).
 */
import { dirname, resolve as resolvePath } from "node:path";
import type { ObjectiveSpec } from "../plan/types.js";
import type { AstFile, Decl, DeclKind, Span } from "./ast.js";
import { READERS, TEMPLATES, TEST_FUNCTIONS, TRAINER_METRICS } from "../plan/catalog.js";
import { ExprChecker } from "./exprcheck.js";
import { freeNames } from "../plan/expr.js";
import { lower } from "./lower.js";
import { type Reporter, TOO_DEEP, isStackOverflow } from "./report.js";
import { checkSpace, constant, type SpaceResult } from "./space.js";
import { SpaceValues } from "./values.js";

export type DeclOf<K extends DeclKind> = Extract<Decl, { kind: K }>;

export interface CompileContext {
  file: string;
  sha256: string;
  /** Skip the slow checks (satisfiability E052/W007, never-active E051, shapes E063/E064): for editors. */
  fast?: boolean;
}

/** What kind of trial the declarations describe, as far as they are well formed. */
export interface TrialFacts {
  kind?: "trainer" | "evaluate";
  /**
   * Every part present and every function known: a trainer with data, model and train, a known reader
   * and template; or an `evaluate` with a module or a known test function.
   */
  complete: boolean;
  /** The data reader, when it is a known one. */
  reader?: string;
  /** The built-in test function, when it is a known one. */
  builtin?: string;
}

export interface CheckedAst {
  readonly ast: AstFile;
  readonly file: string;
  readonly sha256: string;
  /** The spec's folder: relative paths in it resolve from here. */
  readonly dir: string;
  readonly fast: boolean;
  /** The first declaration of each kind (repeats are E012, unknown words E013). */
  readonly decls: ReadonlyMap<DeclKind, Decl>;
  readonly space: SpaceResult;
  /** The expression checker over the space (names, types, guards); checks report through it. */
  readonly exprs: ExprChecker;
  readonly values: SpaceValues;
  /** The study seed: the declared one when it is a non-negative integer constant, else 0. */
  readonly seed: number;
  readonly trial: TrialFacts;
  /** The metrics goals may name; undefined for a user module, which may report any. */
  readonly metrics: readonly string[] | undefined;
  /** The goals that name a known metric, each once, in order. */
  readonly goals: readonly ObjectiveSpec[];
}

/** The first line of the file: where problems of the file as a whole are reported. */
export const FIRST: Span = { line: 1, col: 1, endLine: 1, endCol: 2, offset: 0, endOffset: 1 };

/** The declaration of a kind, typed. */
export function decl<K extends DeclKind>(c: Pick<CheckedAst, "decls">, kind: K): DeclOf<K> | undefined {
  return c.decls.get(kind) as DeclOf<K> | undefined;
}

/** Builds the checked AST; the space's problems go to `report`. */
export function resolve(ast: AstFile, ctx: CompileContext, report: Reporter): CheckedAst {
  const decls = new Map<DeclKind, Decl>();
  for (const d of ast.decls) if (d.kind !== "unknown" && !decls.has(d.kind)) decls.set(d.kind, d);
  const spaceDecl = decls.get("space") as DeclOf<"space"> | undefined;
  let space: SpaceResult = {
    params: new Map(),
    families: new Map(),
    space: [],
    constraints: [],
    declared: new Set(),
  };
  try {
    space = checkSpace(spaceDecl?.items ?? [], report);
  } catch (err) {
    if (isStackOverflow(err)) report.add("E017", spaceDecl?.span ?? FIRST, TOO_DEEP);
    else
      report.add("E000", spaceDecl?.span ?? FIRST, {
        check: "space",
        error: err instanceof Error ? err.message : String(err),
      });
  }
  const exprs = new ExprChecker(space.params, space.space, report, space.declared, space.families);
  const seed = seedOf(decls.get("seed") as DeclOf<"seed"> | undefined);
  const trial = trialFacts(decls);
  const metrics = metricsOf(decls, trial);
  return {
    ast,
    file: ctx.file,
    sha256: ctx.sha256,
    dir: dirname(resolvePath(ctx.file)),
    fast: ctx.fast === true,
    decls,
    space,
    exprs,
    values: new SpaceValues(space, exprs.enumerations, seed),
    seed,
    trial,
    metrics,
    goals: goalsOf(decls, metrics),
  };
}

/** The seed's value: a constant non-negative integer, else 0 (the seed check says why). */
function seedOf(d: DeclOf<"seed"> | undefined): number {
  if (!d) return 0;
  const v = constant(d.value, "seed");
  return typeof v === "number" && Number.isInteger(v) && v >= 0 ? v : 0;
}

function trialFacts(decls: ReadonlyMap<DeclKind, Decl>): TrialFacts {
  const evaluate = decls.get("evaluate") as DeclOf<"evaluate"> | undefined;
  if (evaluate) {
    const builtin =
      evaluate.builtin && evaluate.builtin.callee in TEST_FUNCTIONS ? evaluate.builtin.callee : undefined;
    return { kind: "evaluate", complete: evaluate.module !== undefined || builtin !== undefined, builtin };
  }
  const data = decls.get("data") as DeclOf<"data"> | undefined;
  const model = decls.get("model") as DeclOf<"model"> | undefined;
  const train = decls.get("train");
  if (!data && !model && !train) return { complete: false };
  const reader = data && data.call.callee in READERS ? data.call.callee : undefined;
  const modelKnown = model !== undefined && (!model.template || model.template.callee in TEMPLATES);
  return { kind: "trainer", complete: reader !== undefined && modelKnown && train !== undefined, reader };
}

function metricsOf(decls: ReadonlyMap<DeclKind, Decl>, trial: TrialFacts): readonly string[] | undefined {
  if (trial.kind !== "evaluate") return TRAINER_METRICS;
  const evaluate = decls.get("evaluate") as DeclOf<"evaluate">;
  return evaluate.builtin ? TEST_FUNCTIONS[evaluate.builtin.callee]?.metrics : undefined;
}

function goalsOf(
  decls: ReadonlyMap<DeclKind, Decl>,
  metrics: readonly string[] | undefined,
): ObjectiveSpec[] {
  const d = (decls.get("objectives") ?? decls.get("objective")) as DeclOf<"objective"> | undefined;
  const seen = new Set<string>();
  const out: ObjectiveSpec[] = [];
  for (const g of d?.goals ?? []) {
    if (seen.has(g.metric)) continue;
    seen.add(g.metric);
    if (g.expr) {
      const expr = lower(g.expr);
      if (metrics && ![...freeNames(expr)].every((n) => metrics.includes(n))) continue;
      out.push({ metric: g.metric, direction: g.direction, expr });
      continue;
    }
    if (metrics && !metrics.includes(g.metric)) continue;
    out.push({ metric: g.metric, direction: g.direction });
  }
  return out;
}
