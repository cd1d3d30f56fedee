/**
 * The compiler: a pure function from a checked AST to the Plan. It reports nothing; `compile` is run
 * only on a file without errors, and the pieces checks also read (strategy, budget, storage, trial)
 * tolerate a file with errors by leaving out what is broken.
 */
import { isAbsolute, join } from "node:path";
import type {
  BudgetSpec,
  DataSpec,
  EvaluateTrial,
  Expr,
  LayerSpec,
  ModelSpec,
  Plan,
  PrunerSpec,
  StrategyName,
  StrategySpec,
  TrainerTrial,
  ValidationSpec,
} from "../plan/types.js";
import type { LayerItem } from "./ast.js";
import {
  budgetValue,
  defaultOptions,
  knownSettings,
  lowerCallArgs,
  optionValues,
  testFunctionArgs,
  testFunctionDims,
} from "./bind.js";
import {
  BUDGET_SETTINGS,
  LAYERS,
  PRUNERS,
  READERS,
  STRATEGIES,
  TEMPLATES,
  TEST_FUNCTIONS,
  TRAIN_SETTINGS,
  VALIDATIONS,
} from "../plan/catalog.js";
import { type CheckedAst, type DeclOf, decl } from "./checked.js";
import { lower } from "./lower.js";
import { hasError } from "./space.js";
import { defaultStorageUrl, parseStorageUrl, resolveStorageUrl } from "../plan/storage-url.js";

export type { CompileContext } from "./checked.js";

/** The Plan of a checked AST without errors (undefined only if a part is missing all the same). */
export function compile(c: CheckedAst): Plan | undefined {
  const study = decl(c, "study");
  const budgetDecl = decl(c, "budget");
  const trial = compileTrial(c);
  const strategy = strategySpec(c);
  const validation = validationSpec(c);
  const budget = budgetDecl && budgetSpec(budgetDecl);
  const storage = storageUrl(c);
  if (!study || !trial || !strategy || !validation || !budget || !storage) return undefined;
  const plan: Plan = {
    version: 1,
    study: study.name,
    seed: c.seed,
    source: { file: c.file, sha256: c.sha256 },
    space: c.space.space,
    constraints: c.space.constraints.map((k) => k.expr),
    trial,
    objectives: [...c.goals],
    strategy,
    validation,
    budget,
    storage,
  };
  const pruner = prunerSpec(c);
  if (pruner) plan.pruner = pruner;
  return plan;
}

/** The trial: the built-in trainer's data, model and train, or an objective to evaluate. */
export function compileTrial(c: CheckedAst): TrainerTrial | EvaluateTrial | undefined {
  const evaluate = decl(c, "evaluate");
  if (evaluate) return evaluateTrial(c, evaluate);
  const data = decl(c, "data");
  const model = decl(c, "model");
  const train = decl(c, "train");
  const dataSpec = data && dataSpecOf(c, data);
  const modelSpec = model && modelSpecOf(model);
  if (!dataSpec || !modelSpec || !train) return undefined;
  return { kind: "trainer", data: dataSpec, model: modelSpec, train: trainSpecOf(train) };
}

function evaluateTrial(c: CheckedAst, d: DeclOf<"evaluate">): EvaluateTrial | undefined {
  if (d.module !== undefined)
    return { kind: "evaluate", module: isAbsolute(d.module) ? d.module : join(c.dir, d.module) };
  const call = d.builtin!;
  const fn = TEST_FUNCTIONS[call.callee];
  if (!fn || testFunctionDims(call, fn) === undefined) return undefined;
  return { kind: "evaluate", builtin: { name: call.callee, args: testFunctionArgs(call, fn) } };
}

/** The reader and its arguments; `path` and `test` file names made absolute. */
function dataSpecOf(c: CheckedAst, d: DeclOf<"data">): DataSpec | undefined {
  const spec = READERS[d.call.callee];
  if (!spec) return undefined;
  const args = lowerCallArgs(d.call, spec);
  for (const key of ["path", "test"]) {
    const e = args[key];
    if (e?.op === "lit" && typeof e.value === "string")
      args[key] = { ...e, value: isAbsolute(e.value) ? e.value : join(c.dir, e.value) };
  }
  return { reader: d.call.callee as DataSpec["reader"], args };
}

function modelSpecOf(d: DeclOf<"model">): ModelSpec | undefined {
  if (d.template) {
    const spec = TEMPLATES[d.template.callee];
    if (!spec) return undefined;
    const args = lowerCallArgs(d.template, spec);
    return { kind: "template", name: d.template.callee as "mlp", args };
  }
  const layers = layerSpecs(d.layers ?? []);
  const last = (d.layers ?? []).at(-1);
  const autoOutput = !(last && last.kind === "layer" && last.call.callee === "dense" && !last.condition);
  return { kind: "layers", layers, autoOutput };
}

function layerSpecs(items: LayerItem[]): LayerSpec[] {
  const out: LayerSpec[] = [];
  for (const item of items) {
    const condition = item.condition && !hasError(item.condition) ? lower(item.condition) : undefined;
    let spec: LayerSpec;
    if (item.kind === "repeat")
      spec = {
        kind: "repeat",
        count: lower(item.count),
        variable: "i",
        body: layerSpecs(item.body),
      };
    else {
      const layer = LAYERS[item.call.callee];
      if (!layer) continue;
      spec = {
        kind: "layer",
        name: item.call.callee,
        args: lowerCallArgs(item.call, layer),
      };
    }
    if (condition) spec.condition = condition;
    out.push(spec);
  }
  return out;
}

function trainSpecOf(d: DeclOf<"train">): Record<string, Expr> {
  const out: Record<string, Expr> = {};
  for (const [name, s] of knownSettings(d.settings, TRAIN_SETTINGS))
    if (!hasError(s.value)) out[name] = lower(s.value);
  return out;
}

/** The strategy with its options (tpe with its defaults when none is declared); undefined if unknown. */
export function strategySpec(c: CheckedAst): StrategySpec | undefined {
  const d = decl(c, "strategy");
  if (!d) return { name: "tpe", options: defaultOptions(STRATEGIES.tpe!) };
  const options = optionValues(d.call, STRATEGIES);
  return options && { name: d.call.callee as StrategyName, options };
}

function prunerSpec(c: CheckedAst): PrunerSpec | undefined {
  const d = decl(c, "pruner");
  const options = d && optionValues(d.call, PRUNERS);
  return options && { name: "median", options };
}

/** The validation fraction given in `data` (`validation = 0.2`), when the trainer runs. */
export function dataValidationFraction(c: CheckedAst): Expr | undefined {
  const data = decl(c, "data");
  if (c.trial.kind !== "trainer" || !c.trial.complete || !data) return undefined;
  return lowerCallArgs(data.call, READERS[data.call.callee]!).validation;
}

function validationSpec(c: CheckedAst): ValidationSpec | undefined {
  const d = decl(c, "validation");
  if (!d) {
    const v = dataValidationFraction(c);
    return v?.op === "lit" && typeof v.value === "number"
      ? { kind: "holdout", fraction: v.value, options: {} }
      : { kind: "holdout", options: {} };
  }
  const options = optionValues(d.call, VALIDATIONS);
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

/** The budget's valid settings; undefined without `trials` or `time` (E090). */
export function budgetSpec(d: DeclOf<"budget">): BudgetSpec | undefined {
  const seen = knownSettings(d.settings, BUDGET_SETTINGS);
  if (!seen.has("trials") && !seen.has("time")) return undefined;
  const out: BudgetSpec = { parallel: 1 };
  for (const [name, s] of seen) {
    const r = budgetValue(name, BUDGET_SETTINGS[name]!, s.value);
    if (!r || !("value" in r)) continue;
    if (name === "trials") out.trials = r.value;
    if (name === "time") out.timeSeconds = r.value;
    if (name === "parallel") out.parallel = r.value;
    if (name === "max_failed") out.maxFailed = r.value;
    if (name === "trial_timeout") out.trialTimeoutSeconds = r.value;
  }
  return out;
}

/** The number of grid points over the space (continuous ranges get `points` each). */
export function gridSize(c: CheckedAst, strategy: StrategySpec): number {
  const points = typeof strategy.options.points === "number" ? strategy.options.points : 0;
  let size = 1;
  for (const p of c.space.space) {
    if (p.kind === "categorical") size *= p.choices.length;
    else if (p.kind === "int") size *= Math.floor((p.high - p.low) / p.step) + 1;
    else if (p.kind === "float" && p.step && points === 0)
      size *= Math.floor((p.high - p.low) / p.step + 1e-9) + 1;
    else if (p.kind !== "fixed") size *= Math.max(points, 1);
  }
  return size;
}

/**
 * The storage URL, relative sqlite paths resolved from the spec's folder; without a `storage`
 * declaration, `.hpo/<study>.db` beside the spec. Undefined for a URL hpo cannot open (E091).
 */
export function storageUrl(c: CheckedAst): string | undefined {
  const d = decl(c, "storage");
  if (!d) return defaultStorageUrl(c.dir, decl(c, "study")?.name ?? "study");
  return "error" in parseStorageUrl(d.url) ? undefined : resolveStorageUrl(d.url, c.dir);
}
