import { test } from "uvu";
import * as assert from "uvu/assert";
import { BUILTIN_OBJECTIVES } from "../../src/objectives/index.js";
import { rankObjectives } from "../../src/native/evolution.js";
import { createNsga2 } from "../../src/strategies/nsga2.js";
import { boxSpace, init, runStrategy, vector } from "./evolution-harness.js";

const TWO = [
  { metric: "f1", direction: "minimize" as const },
  { metric: "f2", direction: "minimize" as const },
];

/** Hypervolume of a 2-D minimization point set against the reference point. */
function hypervolume2d(points: number[][], ref: [number, number]): number {
  const inside = points.filter((p) => (p[0] as number) < ref[0] && (p[1] as number) < ref[1]);
  inside.sort((a, b) => (a[0] as number) - (b[0] as number) || (a[1] as number) - (b[1] as number));
  let volume = 0;
  let bestY = ref[1];
  for (const [x, y] of inside as [number, number][]) {
    if (y < bestY) {
      volume += (ref[0] - x) * (bestY - y);
      bestY = y;
    }
  }
  return volume;
}

test("the hypervolume helper: the true ZDT1 front gives 0.1 + 2/3 + 0.11", () => {
  const front = Array.from({ length: 20001 }, (_, i) => [i / 20000, 1 - Math.sqrt(i / 20000)]);
  assert.ok(Math.abs(hypervolume2d(front, [1.1, 1.1]) - (0.1 + 2 / 3 + 0.11)) < 1e-4);
});

test("nsga2 on ZDT1 (dim 10, 5,000 evaluations, population 50) reaches 95% of the true front's hypervolume", async () => {
  const zdt1 = BUILTIN_OBJECTIVES.zdt1;
  assert.ok(zdt1);
  const args = { dim: 10 };
  const space = boxSpace(zdt1.domain(args));
  const history = await runStrategy(
    createNsga2(init(space, TWO, { population: 50 }, 1)),
    (p) => {
      const v = zdt1.evaluate(vector(p, 10), args);
      return [v.f1 as number, v.f2 as number];
    },
    5000,
    10,
  );
  const points = history.map((t) => t.values as number[]);
  const { rank } = rankObjectives(points);
  const front = points.filter((_, i) => rank[i] === 0);
  const hv = hypervolume2d(front, [1.1, 1.1]);
  const trueHv = 0.1 + 2 / 3 + 0.11;
  assert.ok(
    hv >= 0.95 * trueHv,
    `hypervolume ${hv.toFixed(4)} = ${((100 * hv) / trueHv).toFixed(1)}% of ${trueHv.toFixed(4)}`,
  );
});

test("the same seed gives the same trials, also with maximized objectives", async () => {
  const space = boxSpace([
    [0, 1],
    [0, 1],
  ]);
  const objectives = [
    { metric: "a", direction: "maximize" as const },
    { metric: "b", direction: "minimize" as const },
  ];
  const run = async (seed: number) =>
    (
      await runStrategy(
        createNsga2(init(space, objectives, { population: 6 }, seed)),
        (p) => [p.x1 as number, ((p.x1 as number) - 1) ** 2 + (p.x2 as number)],
        60,
        4,
      )
    ).map((t) => t.params);
  const a = await run(8);
  assert.equal(a, await run(8));
  assert.not.equal(a, await run(9));
  // Later generations move toward the front x2 = 0 (x2 averages 0.5 at random): the median over
  // seeds of the last 20 trials' mean x2, since one short run of population 6 can stall.
  const lateMeans: number[] = [];
  for (let seed = 1; seed <= 8; seed++) {
    const late = (seed === 8 ? a : await run(seed)).slice(40).map((p) => p.x2 as number);
    lateMeans.push(late.reduce((s, x) => s + x, 0) / late.length);
  }
  lateMeans.sort((x, y) => x - y);
  const median = (lateMeans[3] + lateMeans[4]) / 2;
  assert.ok(
    median < 0.25,
    `median late mean x2 ${median.toFixed(3)} (${lateMeans.map((m) => m.toFixed(2))})`,
  );
});

test("parents wait for the finished prefix: a running trial holds back later results", async () => {
  const space = boxSpace([[0, 1]]);
  const strategy = createNsga2(init(space, TWO, { population: 4 }, 3));
  const done = (number: number, x: number) => ({
    number,
    state: "complete" as const,
    params: { x1: x },
    values: [x, 1 - x],
    intermediate: [],
  });
  // Trial 0 is running: nothing counts yet, so the proposal is a prior sample, as with no history.
  const running = { number: 0, state: "running" as const, params: { x1: 0.5 }, intermediate: [] };
  const withRunning = await strategy.ask({ trials: [running, done(1, 0.2), done(2, 0.8)], nextNumber: 3 }, 1);
  const fresh = await createNsga2(init(space, TWO, { population: 4 }, 3)).ask(
    { trials: [], nextNumber: 3 },
    1,
  );
  assert.equal(withRunning, fresh);
});

test("bad settings are clear errors", () => {
  const space = boxSpace([[0, 1]]);
  assert.throws(
    () => createNsga2(init(space, [{ metric: "v", direction: "minimize" }], {}, 1)),
    /nsga2 needs 2 to 4 objectives, got 1/,
  );
  assert.throws(
    () => createNsga2(init(space, TWO, { tournament: 3 }, 1)),
    /`nsga2` has no option `tournament`/,
  );
  assert.throws(
    () => createNsga2(init(space, TWO, { eta_c: -1 }, 1)),
    /option `eta_c` of `nsga2` must be in \[0, 1000000\], got -1/,
  );
});

test.run();
