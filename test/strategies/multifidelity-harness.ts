import type { Direction, ObjectiveSpec, Params } from "../../src/plan/types.js";
import { createStrategy } from "../../src/strategies/index.js";
import type { Proposal, Strategy, TrialView } from "../../src/strategies/types.js";
import { uniform } from "../space/helpers.js";

/**
 * A synthetic learning curve: the loss of configuration x after `epochs` epochs falls from 1 + its
 * asymptote towards the asymptote (x − 0.3)², so early rungs rank configurations roughly as the last.
 */
export const curve = (p: Params, epochs: number) => ((p.x as number) - 0.3) ** 2 + 1 / (1 + epochs);

export const space = [uniform("x", 0, 1)];

export function mf(
  name: "sha" | "hyperband" | "asha",
  options: Record<string, number | string> = {},
  seed = 1,
  extra: { direction?: Direction; trials?: number } = {},
): Strategy {
  const objectives: ObjectiveSpec[] = [{ metric: "loss", direction: extra.direction ?? "minimize" }];
  return createStrategy(
    { name, options },
    {
      space,
      constraints: [],
      objectives,
      options: {},
      seed,
      ...(extra.trials ? { budget: { trials: extra.trials, parallel: 1 } } : {}),
    },
  );
}

/** The trial the study records for a proposal once trained to its resource. */
export function complete(number: number, p: Proposal, value: number): TrialView {
  return {
    number,
    state: "complete",
    params: p.params,
    values: [value],
    intermediate: [],
    fidelity: p.fidelity,
  };
}

/**
 * A synchronous study: asks for `batch` proposals, trains them all (value = f at their resource),
 * repeats until `trials` trials exist or the strategy has nothing to propose.
 */
export async function runSync(
  strategy: Strategy,
  trials: number,
  batch = 1,
  f: (p: Params, epochs: number) => number = curve,
): Promise<TrialView[]> {
  const history: TrialView[] = [];
  while (history.length < trials) {
    const asked = await strategy.ask(
      { trials: history, nextNumber: history.length },
      Math.min(batch, trials - history.length),
    );
    if (asked.length === 0)
      throw new Error(`the strategy waited with no trial running (after ${history.length})`);
    for (const p of asked) history.push(complete(history.length, p, f(p.params, p.fidelity!.resource)));
  }
  return history;
}

/**
 * An asynchronous study with `workers` workers: a trial takes as long as the epochs it adds (its
 * resource minus its parent's), and a worker asks for one proposal as soon as it is free.
 */
export async function runAsync(
  strategy: Strategy,
  trials: number,
  workers: number,
  f: (p: Params, epochs: number) => number = curve,
): Promise<{ history: TrialView[]; asks: number[] }> {
  const history: TrialView[] = [];
  const ends = new Map<number, number>();
  const asks: number[] = [];
  let now = 0;
  while (history.length < trials || ends.size > 0) {
    while (ends.size < workers && history.length < trials) {
      const [p] = await strategy.ask({ trials: history, nextNumber: history.length }, 1);
      asks.push(p ? 1 : 0);
      if (!p) break;
      const from = p.fidelity!.resumedFrom;
      const done = from === undefined ? 0 : history[from]!.fidelity!.resource;
      history.push({
        number: history.length,
        state: "running",
        params: p.params,
        intermediate: [],
        fidelity: p.fidelity,
      });
      ends.set(history.length - 1, now + p.fidelity!.resource - done);
    }
    if (ends.size === 0)
      throw new Error(`the strategy waited with no trial running (after ${history.length})`);
    // Finish the earliest running trial (ties: the lowest number), deterministically.
    const [n, end] = [...ends.entries()].sort((a, b) => a[1] - b[1] || a[0] - b[0])[0]!;
    now = end;
    ends.delete(n);
    const t = history[n]!;
    history[n] = { ...t, state: "complete", values: [f(t.params, t.fidelity!.resource)] };
  }
  return { history, asks };
}

export const at = (h: TrialView[], resource: number) => h.filter((t) => t.fidelity?.resource === resource);
export const value = (t: TrialView) => t.values![0]!;
