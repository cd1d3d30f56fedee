/**
 * Which hyperparameters may change while one model trains on: what population-based training may
 * perturb or resample between rounds, its checkpoint (weights and optimizer slots) carried over.
 *
 * A parameter qualifies when every place the Plan reads it says how the same weights are trained,
 * never what the weights are:
 * - the arguments of the `optimizer` and `schedule` calls (lr, momentum, decay…), not which function
 *   is called (an `if` choosing between `sgd(…)` and `adam(…)` fixes the names its condition reads:
 *   another optimizer has other slots);
 * - `batch_size` and `gradient_clip`;
 * - dropout probabilities (a `dropout` layer's `rate`, a template's or layer's `dropout`): dropout
 *   has no weights.
 * Anything else (layer sizes, counts, activations, the data, the loss, early stopping, another
 * parameter's condition) would need another model or change what the checkpoint means: such
 * parameters stay as the member inherited them.
 */
import { freeNames } from "./expr.js";
import type { Expr, LayerSpec, Plan } from "./types.js";

/** Train settings read afresh each step: any parameter in them may change. */
const TRAINING_SETTINGS: ReadonlySet<string> = new Set(["batch_size", "gradient_clip"]);
/** Train settings that are calls: their arguments may change, the function called may not. */
const CALL_SETTINGS: ReadonlySet<string> = new Set(["optimizer", "schedule"]);

/**
 * The names, in space order, of the parameters that may change between rounds of one trainer
 * model; undefined for a plan without the built-in trainer (a strategy then treats every parameter
 * as free to change, as on a math function).
 */
export function explorableParams(plan: Plan): string[] | undefined {
  if (plan.trial.kind !== "trainer") return undefined;
  const free = new Set<string>();
  const fixed = new Set<string>();
  const { data, model, train } = plan.trial;
  for (const [name, e] of Object.entries(train)) {
    if (TRAINING_SETTINGS.has(name)) freeNames(e, free);
    else if (CALL_SETTINGS.has(name)) callArguments(e, free, fixed);
    else freeNames(e, fixed);
  }
  for (const e of Object.values(data.args)) freeNames(e, fixed);
  if (model.kind === "template")
    for (const [arg, e] of Object.entries(model.args)) freeNames(e, arg === "dropout" ? free : fixed);
  else layers(model.layers, free, fixed);
  for (const p of plan.space) if (p.condition) freeNames(p.condition, fixed);
  return plan.space
    .filter((p) => p.kind !== "fixed" && free.has(p.name) && !fixed.has(p.name))
    .map((p) => p.name);
}

/** A call setting: its arguments are free; a choice between calls fixes what chooses. */
function callArguments(e: Expr, free: Set<string>, fixed: Set<string>): void {
  if (e.op === "call") {
    for (const a of e.args ?? []) freeNames(a, free);
    for (const a of Object.values(e.kwargs ?? {})) freeNames(a, free);
  } else if (e.op === "if" && e.args?.length === 3) {
    freeNames(e.args[0]!, fixed);
    callArguments(e.args[1]!, free, fixed);
    callArguments(e.args[2]!, free, fixed);
  } else freeNames(e, fixed);
}

function layers(list: readonly LayerSpec[], free: Set<string>, fixed: Set<string>): void {
  for (const l of list) {
    if (l.condition) freeNames(l.condition, fixed);
    if (l.kind === "repeat") {
      freeNames(l.count, fixed);
      layers(l.body, free, fixed);
      continue;
    }
    for (const [arg, e] of Object.entries(l.args))
      freeNames(e, arg === "dropout" || (l.name === "dropout" && arg === "rate") ? free : fixed);
  }
}
