import { test } from "uvu";
import * as assert from "uvu/assert";
import { hyperbandBracket, hyperbandPlan, samplerHistory } from "../../src/strategies/hyperband.js";
import type { TrialView } from "../../src/strategies/types.js";
import { HpoError } from "../../src/util/errors.js";
import { at, curve, mf, runSync } from "./multifidelity-harness.js";

const o = (min_epochs: number, max_epochs: number, eta: number) => ({ min_epochs, max_epochs, eta });
const table = (max: number) =>
  Array.from({ length: 5 }, (_, k) => hyperbandPlan(o(1, max, 3))(k)).map((b) =>
    b.sizes.map((n, i) => `${n}×${b.resources[i]}`).join(" "),
  );

test("brackets for R = 81, η = 3: the table of Li et al. 2018", () => {
  assert.equal(table(81), [
    "81×1 27×3 9×9 3×27 1×81",
    "34×3 11×9 3×27 1×81",
    "15×9 5×27 1×81",
    "8×27 2×81",
    "5×81",
  ]);
});

test("brackets for R = 27, η = 3 (the defaults), cycling back to s_max", () => {
  assert.equal(table(27), ["27×1 9×3 3×9 1×27", "12×3 4×9 1×27", "6×9 2×27", "4×27", "27×1 9×3 3×9 1×27"]);
  assert.equal(hyperbandBracket(o(2, 54, 3), 1), { sizes: [6, 2], resources: [18, 54] });
});

test("a run follows the brackets in order, each a successive halving of its own trials", async () => {
  const total = 40 + 17 + 8 + 4;
  const h = await runSync(mf("hyperband"), total + 2, 4);
  const bracketOf = new Map<number, number>();
  let bracket = -1;
  let newInBracket = 0;
  const sizes = [27, 12, 6, 4];
  for (const t of h) {
    if (t.fidelity!.resumedFrom === undefined) {
      if (bracket < 0 || newInBracket === sizes[bracket % 4]) {
        bracket++;
        newInBracket = 0;
      }
      newInBracket++;
      bracketOf.set(t.number, bracket);
    } else {
      const parent = h[t.fidelity!.resumedFrom]!;
      assert.ok(parent.number < t.number);
      assert.equal(t.params, parent.params);
      assert.ok(t.fidelity!.resource > parent.fidelity!.resource);
      bracketOf.set(t.number, bracketOf.get(parent.number)!);
    }
  }
  // Each bracket's trials are contiguous: the next one starts when one finishes.
  const order = h.map((t) => bracketOf.get(t.number)!);
  assert.equal(
    order,
    [...order].sort((a, b) => a - b),
  );
  const count = (b: number, r: number) =>
    h.filter((t) => bracketOf.get(t.number) === b && t.fidelity!.resource === r).length;
  assert.equal([count(0, 1), count(0, 3), count(0, 9), count(0, 27)], [27, 9, 3, 1]);
  assert.equal([count(1, 3), count(1, 9), count(1, 27)], [12, 4, 1]);
  assert.equal([count(2, 9), count(2, 27)], [6, 2]);
  assert.equal(count(3, 27), 4);
  assert.equal(
    h.slice(total).map((t) => t.fidelity),
    [{ resource: 1 }, { resource: 1 }],
    "the next iteration",
  );
  // Promotions in bracket 1 (3 → 9 epochs): the best third of its 12 at 3 epochs.
  const b1 = h.filter((t) => bracketOf.get(t.number) === 1);
  const bottom = b1.filter((t) => t.fidelity!.resource === 3);
  const best = [...bottom].sort((a, b) => a.values![0]! - b.values![0]!).slice(0, 4);
  assert.equal(
    b1.filter((t) => t.fidelity!.resource === 9).map((t) => t.fidelity!.resumedFrom),
    best.map((t) => t.number),
  );
});

test("finds the configuration with the best learning curve among those it tried; maximize too", async () => {
  const h = await runSync(mf("hyperband"), 69, 3);
  const top = at(h, 27);
  const asymptote = (t: TrialView) => ((t.params.x as number) - 0.3) ** 2;
  const bestTried = Math.min(...h.map(asymptote));
  assert.is(Math.min(...top.map(asymptote)), bestTried);
  const up = await runSync(mf("hyperband", {}, 1, { direction: "maximize" }), 69, 3, (p, e) => -curve(p, e));
  assert.is(Math.min(...at(up, 27).map(asymptote)), Math.min(...up.map(asymptote)));
});

test("same seed, same trials, for every sampler; tpe learns from one resource only", async () => {
  for (const sampler of ["random", "tpe", "qmc"]) {
    const a = await runSync(mf("hyperband", { sampler }, 3), 80, 4);
    const b = await runSync(mf("hyperband", { sampler }, 3), 80, 4);
    assert.equal(a, b, sampler);
    for (const t of a) assert.ok((t.params.x as number) >= 0 && (t.params.x as number) <= 1);
  }
  const h = await runSync(mf("hyperband"), 45, 4);
  const seen = samplerHistory(h, 3);
  assert.ok(seen.length > 0);
  assert.equal(
    new Set(seen.map((t) => t.fidelity!.resource)),
    new Set([9]),
    "9 epochs: the largest with ≥ 3",
  );
  assert.equal(samplerHistory(h.slice(0, 2), 3), []);
});

test("options are checked", () => {
  assert.throws(
    () => mf("hyperband", { sampler: "grid" }),
    (e: unknown) => e instanceof HpoError && /sampler/.test(e.message),
  );
  assert.throws(
    () => mf("hyperband", { max_epochs: 0 }),
    (e: unknown) => e instanceof HpoError && /max_epochs/.test(e.message),
  );
});

test.run();
