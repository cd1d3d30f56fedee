// A typed objective for examples/typed-objective.hpo: its parameters' type is generated from the spec
// (`hpo types typed-objective.hpo -o typed-objective.params.ts`), so a renamed or retyped
// hyperparameter is a type error here and a W011 warning in `hpo check`.
import type { Metrics, Params } from "./typed-objective.params.js";
import type { TrialContext } from "hpo";

export default async function objective(params: Params, ctx: TrialContext): Promise<Metrics> {
  // One multiplicative stage per member of the family: the array has `stages` entries.
  const gain = params.rate.reduce((g, r) => g * r, 1);
  const bend = params.shape === "ridge" ? Math.abs(params.x - params.tilt) : (params.x - 0.5) ** 2;
  let loss = bend + 1 - gain;
  let steps = 0;
  for (let step = 1; step <= 5; step++) {
    if (ctx.signal.aborted) throw new Error(`trial ${ctx.trial} stopped`);
    loss = bend + 1 / step - gain;
    steps = step;
    await ctx.report(step, { loss, steps });
    if (ctx.shouldPrune()) break;
  }
  return { loss, steps, stages: params.stages };
}
