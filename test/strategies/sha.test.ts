import { test } from "uvu";
import * as assert from "uvu/assert";
import type { Proposal, TrialView } from "../../src/strategies/types.js";
import { shaPlan } from "../../src/strategies/sha.js";
import { HpoError } from "../../src/util/errors.js";
import { at, complete, curve, mf, runSync, value } from "./multifidelity-harness.js";

const o = (min_epochs: number, max_epochs: number, eta: number) => ({ min_epochs, max_epochs, eta });

test("rung schedule of sha(1, 27, 3): 27×1, 9×3, 3×9, 1×27 epochs", () => {
  assert.equal(shaPlan(o(1, 27, 3)), { sizes: [27, 9, 3, 1], resources: [1, 3, 9, 27] });
  assert.equal(shaPlan(o(1, 81, 3)), { sizes: [81, 27, 9, 3, 1], resources: [1, 3, 9, 27, 81] });
  assert.equal(shaPlan(o(2, 16, 2)), { sizes: [8, 4, 2, 1], resources: [2, 4, 8, 16] });
  // max/min not a power of η: the top rung is max_epochs, the others R·η^(i−s) rounded.
  assert.equal(shaPlan(o(1, 10, 3)), { sizes: [9, 3, 1], resources: [1, 3, 10] });
  assert.equal(shaPlan(o(5, 5, 3)), { sizes: [1], resources: [5] });
});

test("a study budget smaller than a bracket shrinks the bottom rung so one bracket completes", () => {
  assert.equal(shaPlan(o(1, 27, 3), 10), { sizes: [6, 2, 1, 1], resources: [1, 3, 9, 27] });
  assert.equal(shaPlan(o(1, 27, 3), 40).sizes, [27, 9, 3, 1]);
  assert.equal(shaPlan(o(1, 27, 3), 1000).sizes, [27, 9, 3, 1]);
});

test("a bracket: the best third of each rung continues its own checkpoint, then a new bracket", async () => {
  const h = await runSync(mf("sha"), 41);
  const bottom = h.slice(0, 27);
  for (const t of bottom) assert.equal(t.fidelity, { resource: 1 });
  let previous = bottom;
  let start = 27;
  for (const [size, resource] of [
    [9, 3],
    [3, 9],
    [1, 27],
  ] as const) {
    const rung = h.slice(start, start + size);
    const best = [...previous].sort((a, b) => value(a) - value(b)).slice(0, size);
    assert.equal(
      rung.map((t) => t.fidelity!.resumedFrom),
      best.map((t) => t.number),
      `rung at ${resource} epochs continues the best ${size}`,
    );
    for (const t of rung) {
      assert.is(t.fidelity!.resource, resource);
      assert.equal(t.params, h[t.fidelity!.resumedFrom!]!.params);
    }
    previous = rung;
    start += size;
  }
  assert.is(start, 40);
  assert.equal(h[40]!.fidelity, { resource: 1 }, "the next bracket starts with a new configuration");
  assert.not.equal(h[40]!.params, h[0]!.params);
});

test("batch asks: the whole bottom rung at once; a rung with running trials makes the study wait", async () => {
  const s = mf("sha");
  const first = await s.ask({ trials: [], nextNumber: 0 }, 100);
  assert.is(first.length, 27);
  const trials: TrialView[] = first.map((p, i) => complete(i, p, curve(p.params, 1)));
  trials[5] = { ...trials[5]!, state: "running", values: undefined };
  assert.equal(await s.ask({ trials, nextNumber: 27 }, 4), [], "rung 0 not finished: wait");
  trials[5] = complete(5, first[5]!, curve(first[5]!.params, 1));
  const promoted = await s.ask({ trials, nextNumber: 27 }, 4);
  assert.is(promoted.length, 4, "four workers, nine promotions due");
  const rest = await s.ask(
    { trials: [...trials, ...promoted.map((p, i) => running(27 + i, p))], nextNumber: 31 },
    100,
  );
  assert.is(rest.length, 5, "the five promotions left, no more");
  const due = new Set([...promoted, ...rest].map((p) => p.fidelity!.resumedFrom));
  assert.is(due.size, 9);
});

test("pruned and failed trials rank worst and are never promoted; maximize promotes the largest", async () => {
  const s = mf("sha", {}, 1, { direction: "maximize" });
  const first = await s.ask({ trials: [], nextNumber: 0 }, 27);
  const trials: TrialView[] = first.map((p, i) => complete(i, p, i));
  // The largest values would be 18…26; 26 failed and 25 was pruned.
  trials[26] = { ...trials[26]!, state: "failed", values: undefined };
  trials[25] = { ...trials[25]!, state: "pruned", values: undefined, intermediate: [{ step: 1, value: 99 }] };
  const promoted = await s.ask({ trials, nextNumber: 27 }, 27);
  assert.equal(
    promoted.map((p) => p.fidelity!.resumedFrom),
    [24, 23, 22, 21, 20, 19, 18, 17, 16],
  );
});

test("too few completed trials: only the completed ones go on, and the bracket still finishes", async () => {
  const s = mf("sha", { min_epochs: 1, max_epochs: 9, eta: 3 });
  const first = await s.ask({ trials: [], nextNumber: 0 }, 9);
  const trials: TrialView[] = first.map((p, i) =>
    i < 2 ? complete(i, p, i) : { ...complete(i, p, 0), state: "failed", values: undefined },
  );
  const promoted = await s.ask({ trials, nextNumber: 9 }, 9);
  assert.equal(
    promoted.map((p) => p.fidelity!.resumedFrom),
    [0, 1],
  );
  trials.push(...promoted.map((p, i) => complete(9 + i, p, 5 - i)));
  const top = await s.ask({ trials, nextNumber: 11 }, 9);
  assert.equal(
    top.map((p) => p.fidelity),
    [{ resource: 9, resumedFrom: 10 }],
  );
  trials.push(complete(11, top[0]!, 0));
  const next = await s.ask({ trials, nextNumber: 12 }, 2);
  assert.equal(
    next.map((p) => p.fidelity),
    [{ resource: 1 }, { resource: 1 }],
    "a new bracket",
  );
});

test("same seed, same trials; another seed, other configurations; a resumed history continues the same way", async () => {
  const a = await runSync(mf("sha", {}, 7), 60, 5);
  const b = await runSync(mf("sha", {}, 7), 60, 5);
  assert.equal(a, b);
  const c = await runSync(mf("sha", {}, 8), 60, 5);
  assert.not.equal(
    c.map((t) => t.params),
    a.map((t) => t.params),
  );
  // A fresh strategy shown the first 33 trials (a resumed study) proposes what the first one did.
  const again = await mf("sha", {}, 7).ask({ trials: a.slice(0, 33), nextNumber: 33 }, 3);
  assert.equal(again, a.slice(33, 36).map(proposalOf));
});

test("finds the configuration with the best learning curve", async () => {
  const h = await runSync(mf("sha"), 40, 3);
  const top = at(h, 27);
  assert.is(top.length, 1);
  const bestAtOne = Math.min(...at(h, 1).map((t) => ((t.params.x as number) - 0.3) ** 2));
  assert.is(((top[0]!.params.x as number) - 0.3) ** 2, bestAtOne, "the best of the 27 reaches max_epochs");
});

test("options are checked", () => {
  assert.throws(
    () => mf("sha", { min_epochs: 10, max_epochs: 5 }),
    (e: unknown) => e instanceof HpoError && /max_epochs/.test(e.message),
  );
  assert.throws(
    () => mf("sha", { eta: 1 }),
    (e: unknown) => e instanceof HpoError && /eta/.test(e.message),
  );
  assert.throws(
    () => mf("sha", { sampler: "tpe" }),
    (e: unknown) => e instanceof HpoError && /sampler/.test(e.message),
  );
  assert.throws(
    () => mf("sha", { min_epochs: 1.5 }),
    (e: unknown) => e instanceof HpoError && /min_epochs/.test(e.message),
  );
});

function running(number: number, p: Proposal): TrialView {
  return { number, state: "running", params: p.params, intermediate: [], fidelity: p.fidelity };
}

function proposalOf(t: TrialView): Proposal {
  return { params: t.params, fidelity: t.fidelity };
}

test.run();
