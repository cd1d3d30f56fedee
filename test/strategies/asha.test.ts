import { test } from "uvu";
import * as assert from "uvu/assert";
import type { Proposal, TrialView } from "../../src/strategies/types.js";
import { HpoError } from "../../src/util/errors.js";
import { at, complete, curve, mf, runAsync, runSync } from "./multifidelity-harness.js";

const running = (number: number, p: Proposal): TrialView => ({
  number,
  state: "running",
  params: p.params,
  intermediate: [],
  fidelity: p.fidelity,
});

test("never waits: every ask is answered in full, even with every trial still running", async () => {
  const s = mf("asha");
  const first = await s.ask({ trials: [], nextNumber: 0 }, 8);
  assert.is(first.length, 8);
  for (const p of first) assert.equal(p.fidelity, { resource: 1 });
  const more = await s.ask({ trials: first.map((p, i) => running(i, p)), nextNumber: 8 }, 5);
  assert.is(more.length, 5);
  const { asks } = await runAsync(mf("asha"), 120, 4);
  assert.ok(asks.every((n) => n === 1));
});

test("promotion rule: the best of the finished ⌊n/η⌋ of the highest rung that has one, else a new trial", async () => {
  const s = mf("asha");
  const p = await s.ask({ trials: [], nextNumber: 0 }, 6);
  const values = [5, 2, 7, 1, 9, 4];
  const trials: TrialView[] = p.slice(0, 2).map((q, i) => complete(i, q, values[i]!));
  let next = await s.ask({ trials, nextNumber: 6 }, 1);
  assert.equal(next[0]!.fidelity, { resource: 1 }, "two finished at rung 0: ⌊2/3⌋ = 0 promotable");
  trials.push(complete(2, p[2]!, values[2]!));
  next = await s.ask({ trials, nextNumber: 6 }, 2);
  assert.equal(
    next.map((q) => q.fidelity),
    [{ resource: 3, resumedFrom: 1 }, { resource: 1 }],
    "three finished: the best (trial 1, value 2) goes to rung 1, then nothing more is due",
  );
  assert.equal(next[0]!.params, p[1]!.params);
  trials.push(...p.slice(3).map((q, i) => complete(3 + i, q, values[3 + i]!)));
  trials.push(running(6, next[0]!));
  next = await s.ask({ trials, nextNumber: 7 }, 2);
  assert.equal(
    next.map((q) => q.fidelity),
    [{ resource: 3, resumedFrom: 3 }, { resource: 1 }],
    "six finished: top 2 are trials 3 and 1; 1 is already promoted, so 3",
  );
  // Rung 1 gets three finished trials: its best goes to rung 2 before anything on rung 0.
  trials[6] = complete(6, trials[6]! as Proposal, 0.5);
  const r1: TrialView[] = [
    complete(7, next[0]!, 0.8),
    complete(8, { params: p[5]!.params, fidelity: { resource: 3, resumedFrom: 5 } }, 0.1),
  ];
  next = await s.ask({ trials: [...trials, ...r1], nextNumber: 9 }, 1);
  assert.equal(next[0]!.fidelity, { resource: 9, resumedFrom: 8 });
});

test("maximize promotes the largest; pruned and failed trials count in n but are never promoted", async () => {
  const s = mf("asha", {}, 1, { direction: "maximize" });
  const p = await s.ask({ trials: [], nextNumber: 0 }, 6);
  const trials: TrialView[] = p.map((q, i) => complete(i, q, i));
  trials[5] = { ...trials[5]!, state: "failed", values: undefined };
  trials[4] = { ...trials[4]!, state: "pruned", values: undefined };
  const next = await s.ask({ trials, nextNumber: 6 }, 3);
  assert.equal(
    next.map((q) => q.fidelity),
    [{ resource: 3, resumedFrom: 3 }, { resource: 3, resumedFrom: 2 }, { resource: 1 }],
  );
});

test("asynchronous study with 4 workers: rungs fill as promised and the best curve reaches max_epochs", async () => {
  const { history } = await runAsync(mf("asha"), 150, 4);
  assert.ok(at(history, 27).length >= 1);
  for (const t of history) {
    const from = t.fidelity!.resumedFrom;
    if (from === undefined) assert.is(t.fidelity!.resource, 1);
    else {
      const parent = history[from]!;
      assert.is(t.fidelity!.resource, parent.fidelity!.resource * 3);
      assert.equal(t.params, parent.params);
    }
  }
  // Never more promotions out of a rung than a third of it.
  for (const r of [1, 3, 9]) assert.ok(at(history, r * 3).length <= Math.floor(at(history, r).length / 3));
  const asymptote = (t: TrialView) => ((t.params.x as number) - 0.3) ** 2;
  assert.is(Math.min(...at(history, 27).map(asymptote)), Math.min(...history.map(asymptote)));
});

test("same seed, same trials; a resumed history continues the same way", async () => {
  const a = (await runAsync(mf("asha", {}, 4), 100, 3)).history;
  const b = (await runAsync(mf("asha", {}, 4), 100, 3)).history;
  assert.equal(a, b);
  const h = await runSync(mf("asha", {}, 4), 50, 2);
  // The study asked in pairs: a fresh strategy shown the first 40 trials proposes the 41st and 42nd.
  const again = await mf("asha", {}, 4).ask({ trials: h.slice(0, 40), nextNumber: 40 }, 2);
  assert.equal(
    again,
    h.slice(40, 42).map((t) => ({ params: t.params, fidelity: t.fidelity })),
  );
  assert.ok(curve({ x: 0.3 }, 27) < curve({ x: 0.3 }, 1));
});

test("options are checked", () => {
  assert.throws(
    () => mf("asha", { eta: "3" }),
    (e: unknown) => e instanceof HpoError && /eta/.test(e.message),
  );
});

test.run();
