import { rngFor } from "../../src/plan/random.js";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { satisfiesConstraints } from "../../src/space/index.js";
import { Sobol } from "../../src/strategies/sobol.js";
import { HpoError } from "../../src/util/errors.js";
import { bin, int, ref, uniform } from "../space/helpers.js";
import { best, make, objectiveFn, objectiveSpace, runStudy } from "./helpers.js";

test("unscrambled points equal SciPy's Sobol (Joe–Kuo directions), near and far in the sequence", () => {
  // scipy.stats.qmc.Sobol(d, scramble=False, bits=32), fast_forward(i).random(1)
  const s = new Sobol(8);
  assert.equal(Array.from(s.point(5)), [0.875, 0.875, 0.125, 0.375, 0.875, 0.625, 0.875, 0.375]);
  assert.equal(Array.from(s.point(13)), [0.8125, 0.6875, 0.8125, 0.0625, 0.4375, 0.9375, 0.5625, 0.5625]);
  assert.equal(
    Array.from(s.point(100000)),
    [
      0.06107330322265625, 0.10758209228515625, 0.9435806274414062, 0.6208114624023438, 0.6055526733398438,
      0.9656753540039062, 0.06101226806640625, 0.03574371337890625,
    ],
  );
  const wide = new Sobol(1024);
  assert.equal(
    Array.from(wide.point(70000)).slice(1016),
    [
      0.7663803100585938, 0.9275588989257812, 0.7287826538085938, 0.28887176513671875, 0.01006317138671875,
      0.8034896850585938, 0.11940765380859375, 0.5422897338867188,
    ],
  );
  assert.throws(
    () => new Sobol(1025),
    (e: unknown) => e instanceof HpoError,
  );
});

test("scrambled points keep the net property: 2^k points fill every dyadic cell of each 2-D projection", () => {
  const s = new Sobol(6, rngFor(3, 2));
  const n = 256; // 16 × 16 cells, one point each
  for (const [a, b] of [
    [0, 1],
    [2, 5],
    [3, 4],
  ] as const) {
    const cells = new Set<number>();
    for (let i = 0; i < n; i++) {
      const x = s.point(i);
      cells.add(Math.floor(x[a]! * 16) * 16 + Math.floor(x[b]! * 16));
    }
    assert.is(cells.size, 256, `dims ${a},${b}`);
  }
});

/** Centered L2-discrepancy (Hickernell 1998), lower is more uniform. */
function centeredDiscrepancy(points: number[][]): number {
  const n = points.length;
  const d = points[0]!.length;
  let a = 0;
  for (const x of points) {
    let prod = 1;
    for (const v of x) prod *= 1 + 0.5 * Math.abs(v - 0.5) - 0.5 * (v - 0.5) ** 2;
    a += prod;
  }
  let b = 0;
  for (const x of points)
    for (const y of points) {
      let prod = 1;
      for (let k = 0; k < d; k++)
        prod *= 1 + 0.5 * Math.abs(x[k]! - 0.5) + 0.5 * Math.abs(y[k]! - 0.5) - 0.5 * Math.abs(x[k]! - y[k]!);
      b += prod;
    }
  return (13 / 12) ** d - (2 / n) * a + b / (n * n);
}

test("qmc has lower discrepancy than random on every seed", async () => {
  const space = [uniform("a", 0, 1), uniform("b", 0, 1), uniform("c", 0, 1), uniform("d", 0, 1)];
  const coords = (h: { params: Record<string, unknown> }[]) =>
    h.map((t) => ["a", "b", "c", "d"].map((k) => t.params[k] as number));
  for (let seed = 1; seed <= 10; seed++) {
    const q = await runStudy(make("qmc", space, {}, seed), () => 0, 128);
    const r = await runStudy(make("random", space, {}, seed), () => 0, 128);
    const dq = centeredDiscrepancy(coords(q));
    const dr = centeredDiscrepancy(coords(r));
    assert.ok(dq < dr / 2, `seed ${seed}: qmc ${dq} vs random ${dr}`);
  }
});

test("same seed, same sequence; another seed, another scramble; unscrambled is seed-free", async () => {
  const space = [uniform("a", 0, 1), int("k", 1, 5)];
  const run = async (seed: number, options = {}) =>
    (await runStudy(make("qmc", space, options, seed), () => 0, 20, 3)).map((t) => t.params);
  assert.equal(await run(4), await run(4));
  assert.not.equal(await run(4), await run(5));
  assert.equal(await run(4, { scramble: false }), await run(5, { scramble: false }));
  const plain = await run(1, { scramble: false });
  assert.equal(plain[0], { a: 0.5, k: 3 });
});

test("skips points that break a constraint", async () => {
  const space = [int("a", 1, 8), int("b", 1, 8)];
  const constraints = [bin("<", ref("a"), ref("b"))];
  const h = await runStudy(make("qmc", space, {}, 1, { constraints }), () => 0, 50);
  assert.is(h.length, 50);
  assert.ok(h.every((t) => satisfiesConstraints(constraints, t.params)));
});

test("finds a value near branin's optimum (0.398) in 200 trials", async () => {
  const h = await runStudy(make("qmc", objectiveSpace("branin"), {}, 1), objectiveFn("branin"), 200);
  assert.ok(best(h) < 2, `best ${best(h)}`);
});

test.run();
