import { test } from "uvu";
import * as assert from "uvu/assert";
import { axis, enumerateGrid } from "../../src/strategies/grid.js";
import { HpoError } from "../../src/util/errors.js";
import { bin, choice, fixed, int, lit, normal, ref, uniform, when } from "../space/helpers.js";
import { make, runStudy } from "./helpers.js";

const isHpo = (re: RegExp) => (e: unknown) => e instanceof HpoError && re.test(e.message);

test("enumerates every discrete combination exactly once, then is exhausted", async () => {
  const space = [
    choice("opt", ["adam", "sgd"]),
    int("layers", 1, 3),
    uniform("drop", 0.1, 0.3, { step: 0.1 }),
    fixed("bs", 32),
  ];
  const h = await runStudy(make("grid", space), () => 0, 1000, 5);
  assert.is(h.length, 2 * 3 * 3);
  const keys = h.map((t) => JSON.stringify(t.params));
  assert.is(new Set(keys).size, 18);
  for (const opt of ["adam", "sgd"])
    for (const layers of [1, 2, 3])
      for (const drop of [0.1, 0.2, 0.3])
        assert.ok(keys.includes(JSON.stringify({ opt, layers, drop, bs: 32 })), `${opt} ${layers} ${drop}`);
  // in declaration order, the last parameter fastest
  assert.equal(h[0]!.params, { opt: "adam", layers: 1, drop: 0.1, bs: 32 });
  assert.equal(h[1]!.params, { opt: "adam", layers: 1, drop: 0.2, bs: 32 });
  const s = make("grid", space);
  assert.equal(await s.ask({ trials: h, nextNumber: h.length }, 4), []);
});

test("continuous parameters need points, and take them evenly (log-evenly on log scales)", () => {
  assert.throws(
    () => make("grid", [uniform("x", 0, 1)]),
    isHpo(/grid needs `points` for the continuous parameter `x`/),
  );
  assert.equal(axis(uniform("x", 0, 1), 5), [0, 0.25, 0.5, 0.75, 1]);
  assert.equal(axis(uniform("lr", 1e-4, 1, { log: true }), 5), [1e-4, 1e-3, 1e-2, 1e-1, 1]);
  assert.equal(axis(uniform("x", 2, 4), 1), [3]);
  assert.equal(axis(normal("z", 0, 1), 2).length, 2);
  assert.equal(axis(int("k", 0, 10, { step: 5 }), 0), [0, 5, 10]);
});

test("conditional parameters expand only where active", () => {
  const space = [
    choice("opt", ["adam", "sgd"]),
    when(choice("momentum", [0.5, 0.9]), bin("==", ref("opt"), lit("sgd"))),
    when(choice("nesterov", [true, false]), bin("==", ref("momentum"), lit(0.9))),
  ];
  assert.equal(enumerateGrid(space, [], 0), [
    { opt: "adam" },
    { opt: "sgd", momentum: 0.5 },
    { opt: "sgd", momentum: 0.9, nesterov: true },
    { opt: "sgd", momentum: 0.9, nesterov: false },
  ]);
});

test("constraints filter the grid", () => {
  const space = [choice("heads", [8, 16, 32]), choice("hidden", [256, 512, 1000])];
  const grid = enumerateGrid(space, [bin("==", bin("%", ref("hidden"), ref("heads")), lit(0))], 0);
  assert.is(grid.length, 7); // 1000 is divisible by 8 only
  assert.ok(grid.every((p) => p.hidden !== 1000 || p.heads === 8));
});

test("skips configurations already tried, including running ones, in batch asks", async () => {
  const s = make("grid", [int("k", 1, 6)]);
  const running = { number: 0, state: "running" as const, params: { k: 1 }, intermediate: [] };
  const failed = { number: 1, state: "failed" as const, params: { k: 3 }, intermediate: [] };
  const ps = await s.ask({ trials: [running, failed], nextNumber: 2 }, 3);
  assert.equal(
    ps.map((p) => p.params.k),
    [2, 4, 5],
  );
});

test("shuffle is a seeded permutation of the same grid", async () => {
  const space = [int("a", 1, 5), int("b", 1, 5)];
  const order = async (seed: number) =>
    (await runStudy(make("grid", space, { shuffle: true }, seed), () => 0, 100)).map((t) =>
      JSON.stringify(t.params),
    );
  const a = await order(1);
  assert.is(a.length, 25);
  assert.equal(await order(1), a);
  assert.not.equal(await order(2), a);
  const plain = (await runStudy(make("grid", space), () => 0, 100)).map((t) => JSON.stringify(t.params));
  assert.equal([...a].sort(), [...plain].sort());
});

test("a grid too large to enumerate is a clear error", () => {
  const space = [int("a", 0, 999), int("b", 0, 999), int("c", 0, 99)];
  assert.throws(() => make("grid", space), isHpo(/the grid has more than/));
});

test.run();
