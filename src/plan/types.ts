/**
 * The Plan: the typed, JSON-serializable contract between the .hpo front end and everything after it
 * (study runtime, strategies, trainer, storage, report). Everything after the compiler reads a Plan,
 * never the AST or the text. A stored study keeps its Plan, so a resumed or remote worker runs
 * exactly what was planned. It holds no source positions: diagnostics read those from the AST.
 * See docs/language.md.
 */

import type { PrunerName, ReaderName, TemplateName } from "./catalog.js";

/** A literal value of the language once evaluated. Durations are numbers of seconds. */
export type Value = number | string | boolean | Value[] | CallValue;

/**
 * A call that stays symbolic after evaluation, e.g. `sgd(lr = 0.1)` or `cosine(warmup = 2)`:
 * the trainer interprets it. `args` holds positional arguments, `kwargs` named ones.
 */
export interface CallValue {
  call: string;
  args: Value[];
  kwargs: Record<string, Value>;
}

/**
 * An expression, evaluated per trial when it reads a hyperparameter (see src/plan/expr.ts).
 * - `lit`: `value` holds a number, string or boolean (durations are seconds, `unit: "s"`)
 * - `param`: `name` is a hyperparameter (or the loop variable of a `repeat`)
 * - `list`: `args` are the elements
 * - `call`: `name` is the function; `args` positional, `kwargs` named. Built-ins (min max abs round
 *   floor ceil log exp sqrt pow len) are computed; any other name stays a symbolic CallValue.
 * - unary `neg`, `not`; binary `+ - * / % ** == != < <= > >= and or in`; `if` with args [cond, then, else]
 * - `index`: `name` is a parameter family, `args` [the index]: reads the member `name[index]`
 */
export interface Expr {
  op: ExprOp;
  args?: Expr[];
  kwargs?: Record<string, Expr>;
  value?: number | string | boolean;
  unit?: "s";
  name?: string;
}

export type ExprOp =
  | "lit"
  | "param"
  | "list"
  | "call"
  | "neg"
  | "not"
  | "+"
  | "-"
  | "*"
  | "/"
  | "%"
  | "**"
  | "=="
  | "!="
  | "<"
  | "<="
  | ">"
  | ">="
  | "and"
  | "or"
  | "in"
  | "if"
  | "index";

/** A categorical or fixed value. */
export type Scalar = number | string | boolean;

interface ParamBase {
  name: string;
  /** Present for conditional parameters: the parameter exists only in trials where it is true. */
  condition?: Expr;
  /**
   * Set on the members of a family `units[num_layers] = …`: each member is an ordinary (conditional)
   * parameter named `units[0]`, `units[1]`, … (see familyMember), present when `num_layers > index`.
   */
  family?: { name: string; index: number };
}

export type ParamSpec = ParamBase &
  (
    | { kind: "float"; low: number; high: number; log: boolean; step?: number }
    | { kind: "int"; low: number; high: number; log: boolean; step: number }
    | { kind: "categorical"; choices: Scalar[]; ordered: boolean }
    | { kind: "normal"; mean: number; sd: number }
    | { kind: "fixed"; value: Scalar }
  );

/** A trial's hyperparameters: one entry per *active* parameter (inactive conditional ones are absent). */
export type Params = Record<string, Scalar>;

export interface DataSpec {
  reader: ReaderName;
  /** Reader arguments, paths already resolved relative to the spec file. */
  args: Record<string, Expr>;
}

export type LayerSpec =
  | { kind: "layer"; name: string; args: Record<string, Expr>; condition?: Expr }
  | { kind: "repeat"; count: Expr; variable: string; body: LayerSpec[]; condition?: Expr };

export type ModelSpec =
  | { kind: "template"; name: TemplateName; args: Record<string, Expr> }
  | {
      kind: "layers";
      layers: LayerSpec[];
      /** Set when the output layer was left out: the trainer adds the one the data needs. */
      autoOutput: boolean;
    };

/** The `train { … }` block: every setting is an expression. */
export type TrainSpec = Record<string, Expr>;

export interface TrainerTrial {
  kind: "trainer";
  data: DataSpec;
  model: ModelSpec;
  train: TrainSpec;
}

export interface EvaluateTrial {
  kind: "evaluate";
  /** Absolute path of a user module (.js/.mjs/.ts) whose default export is the objective. */
  module?: string;
  /** A built-in test function (branin, hartmann6, rosenbrock, …) with its arguments. */
  builtin?: { name: string; args: Record<string, Expr> };
}

export type Direction = "minimize" | "maximize";

export interface ObjectiveSpec {
  /** The metric's name, or an objective expression's text (`val_loss + 0.02 * log10(params)`). */
  metric: string;
  direction: Direction;
  /**
   * Set for an objective expression: computed over the metrics a trial reports (each a `param` read),
   * per epoch too where all its inputs are reported per epoch (src/plan/trial.ts goalValue).
   */
  expr?: Expr;
}

export type StrategyName =
  | "grid"
  | "random"
  | "qmc"
  | "tpe"
  | "bayes"
  | "evolution"
  | "cmaes"
  | "nsga2"
  | "sha"
  | "hyperband"
  | "asha"
  | "pbt";

/** A strategy and its options, defaults filled in by the compiler. */
export interface StrategySpec {
  name: StrategyName;
  options: Record<string, Value>;
}

export interface PrunerSpec {
  name: PrunerName;
  options: Record<string, Value>;
}

export type ValidationSpec =
  | { kind: "holdout"; fraction?: number; options: Record<string, Value> }
  | { kind: "kfold"; k: number; shuffle: boolean; options: Record<string, Value> };

/** Limits of a study. Durations are in seconds. At least one of `trials` and `timeSeconds` is set. */
export interface BudgetSpec {
  trials?: number;
  timeSeconds?: number;
  parallel: number;
  maxFailed?: number;
  trialTimeoutSeconds?: number;
}

export interface Plan {
  version: 1;
  study: string;
  seed: number;
  source: { file: string; sha256: string };
  space: ParamSpec[];
  constraints: Expr[];
  trial: TrainerTrial | EvaluateTrial;
  objectives: ObjectiveSpec[];
  strategy: StrategySpec;
  pruner?: PrunerSpec;
  validation: ValidationSpec;
  budget: BudgetSpec;
  /** `sqlite:PATH` (absolute), `memory:` or `postgresql://…`. */
  storage: string;
}

/**
 * A trainer trial with one configuration's values filled in: what `resolve(plan, params)` (src/plan/
 * resolve.ts) returns. Repeats are unrolled (the loop variable substituted), layers whose condition is
 * false are dropped, and every expression is a concrete Value (calls such as `adam(lr = 0.01)` stay
 * CallValues for the trainer to interpret).
 */
export interface ResolvedTrainer {
  kind: "trainer";
  data: { reader: DataSpec["reader"]; args: Record<string, Value> };
  model:
    | { kind: "template"; name: TemplateName; args: Record<string, Value> }
    | { kind: "layers"; layers: { name: string; args: Record<string, Value> }[]; autoOutput: boolean };
  train: Record<string, Value>;
  validation: ValidationSpec;
  /** The study seed: the data's split (and test part) are drawn from it unless `shuffle_seed` is set. */
  seed: number;
}

/** An evaluate trial with its built-in function's arguments evaluated. */
export interface ResolvedEvaluate {
  kind: "evaluate";
  module?: string;
  builtin?: { name: string; args: Record<string, Value> };
}

export type ResolvedTrial = ResolvedTrainer | ResolvedEvaluate;
