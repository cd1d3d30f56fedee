import { test } from "uvu";
import * as assert from "uvu/assert";
import { dominates, nonDominated } from "../../src/plan/pareto.js";

const MIN2 = ["minimize", "minimize"] as const;

test("dominates: at least as good everywhere and strictly better somewhere, per direction", () => {
  assert.ok(dominates([1, 2], [2, 2], MIN2));
  assert.not.ok(dominates([1, 2], [1, 2], MIN2));
  assert.not.ok(dominates([1, 3], [2, 2], MIN2));
  assert.ok(dominates([1, 3], [2, 2], ["minimize", "maximize"]));
});

test("nonDominated keeps the front in the given order, duplicates included, directions respected", () => {
  const points = [
    [1, 5],
    [2, 2],
    [3, 3], // dominated by (2, 2)
    [5, 1],
    [2, 2], // a duplicate: also on the front
  ];
  const front = (dirs: readonly ("minimize" | "maximize")[]) =>
    nonDominated(
      points.map((v, i) => ({ i, v })),
      (p) => p.v,
      dirs,
    ).map((p) => p.i);
  assert.equal(front(MIN2), [0, 1, 3, 4]);
  // Maximizing the second objective: (1, 5) dominates every other point.
  assert.equal(front(["minimize", "maximize"]), [0]);
  assert.equal(front(["minimize"]), [0]);
  assert.equal(
    nonDominated([], (p: number[]) => p, MIN2),
    [],
  );
});

test.run();
