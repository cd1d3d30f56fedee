// A user objective for examples/user-objective.hpo: a noisy quadratic "training run" that reports one
// value per step (so a pruner can stop it), honours the abort signal, and uses the trial's seed.
export default async function objective(params, ctx) {
  const { x, y, shape } = params;
  // A deterministic stream from the trial's seed: the same trial gives the same curve.
  let state = ctx.seed >>> 0;
  const noise = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return (state / 4294967296 - 0.5) * 0.01;
  };
  const target = shape === "bowl" ? (x - 1) ** 2 + (y + 2) ** 2 : Math.abs(x - 1) + Math.abs(y + 2);
  let loss = target + 1;
  for (let step = 1; step <= 10; step++) {
    if (ctx.signal.aborted) throw new Error(`trial ${ctx.trial} stopped`);
    loss = target + 1 / step + noise();
    await ctx.report(step, { loss });
    if (await ctx.shouldPrune()) break;
  }
  return { loss, distance: Math.hypot(x - 1, y + 2) };
}
