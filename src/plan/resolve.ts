/**
 * A trial's concrete settings: `resolve(plan, params)` evaluates every expression of the Plan's trial
 * with one configuration, unrolls `repeat` blocks (the loop variable bound to 0…n-1), and drops layers
 * whose `when` condition is false. Calls such as `adam(lr = 0.01)` stay CallValues for the trainer.
 */
import { evaluate, ExprError, type Env } from "./expr.js";
import type { Expr, LayerSpec, Params, Plan, ResolvedTrainer, ResolvedTrial, Value } from "./types.js";

/** Evaluates the Plan's trial for one configuration; throws ExprError when an expression cannot be computed. */
export function resolve(plan: Plan, params: Params): ResolvedTrial {
  const trial = plan.trial;
  if (trial.kind === "evaluate") {
    if (!trial.builtin) return { kind: "evaluate", module: trial.module };
    return {
      kind: "evaluate",
      builtin: { name: trial.builtin.name, args: evaluateRecord(trial.builtin.args, params) },
    };
  }
  const model: ResolvedTrainer["model"] =
    trial.model.kind === "template"
      ? { kind: "template", name: trial.model.name, args: evaluateRecord(trial.model.args, params) }
      : { kind: "layers", layers: unroll(trial.model.layers, params), autoOutput: trial.model.autoOutput };
  return {
    kind: "trainer",
    data: { reader: trial.data.reader, args: evaluateRecord(trial.data.args, params) },
    model,
    train: evaluateRecord(trial.train, params),
    validation: plan.validation,
    seed: plan.seed,
  };
}

/** Evaluates every entry of a record of expressions. */
export function evaluateRecord(record: Record<string, Expr>, env: Env): Record<string, Value> {
  const out: Record<string, Value> = {};
  for (const [k, e] of Object.entries(record)) out[k] = evaluate(e, env);
  return out;
}

/** Flattens layers for one configuration: conditions applied, repeats expanded. */
export function unroll(layers: LayerSpec[], env: Env): { name: string; args: Record<string, Value> }[] {
  const out: { name: string; args: Record<string, Value> }[] = [];
  for (const layer of layers) {
    if (layer.condition && evaluate(layer.condition, env) !== true) continue;
    if (layer.kind === "layer") {
      out.push({ name: layer.name, args: evaluateRecord(layer.args, env) });
      continue;
    }
    const count = evaluate(layer.count, env);
    if (typeof count !== "number" || !Number.isInteger(count) || count < 0)
      throw new ExprError(`repeat needs a non-negative integer count, got ${String(count)}`, layer.count);
    for (let i = 0; i < count; i++) out.push(...unroll(layer.body, { ...env, [layer.variable]: i }));
  }
  return out;
}
