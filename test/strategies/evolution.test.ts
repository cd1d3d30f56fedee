import { rngFor } from "../../src/plan/random.js";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { BUILTIN_OBJECTIVES } from "../../src/objectives/index.js";
import type { Expr, ParamSpec } from "../../src/plan/types.js";
import { sampleConfiguration } from "../../src/space/index.js";
import { createEvolution, populationSize, stepSize } from "../../src/strategies/evolution.js";
import { boxSpace, init, runStrategy, vector } from "./evolution-harness.js";

const MIN = [{ metric: "value", direction: "minimize" as const }];

function best(values: number[]): number {
  return Math.min(...values);
}

for (const name of ["rastrigin", "ackley"]) {
  test(`evolution beats random search on ${name} (5-D, 200 trials) for most seeds`, async () => {
    const objective = BUILTIN_OBJECTIVES[name];
    assert.ok(objective);
    const args = { dim: 5 };
    const space = boxSpace(objective.domain(args));
    const f = (x: number[]) => objective.evaluate(x, args).value as number;
    let wins = 0;
    const seeds = [1, 2, 3, 4, 5, 6, 7];
    for (const seed of seeds) {
      const history = await runStrategy(
        createEvolution(init(space, MIN, {}, seed)),
        (p) => [f(vector(p, 5))],
        200,
      );
      const evo = best(history.map((t) => t.values?.[0] as number));
      const rng = rngFor(seed, 999);
      const random = best(
        Array.from({ length: 200 }, () => f(vector(sampleConfiguration(space, [], rng), 5))),
      );
      if (evo < random) wins++;
    }
    assert.ok(wins >= 5, `evolution won on ${wins} of ${seeds.length} seeds`);
  });
}

test("the same seed gives the same trials; another seed differs", async () => {
  const space = boxSpace([
    [-5, 5],
    [-5, 5],
  ]);
  const run = async (seed: number) =>
    (
      await runStrategy(
        createEvolution(init(space, MIN, { population: 6 }, seed)),
        (p) => [(p.x1 as number) ** 2 + (p.x2 as number) ** 2],
        40,
        3,
      )
    ).map((t) => t.params);
  assert.equal(await run(3), await run(3));
  assert.not.equal(await run(3), await run(4));
});

test("maximizes when asked: the best trial climbs toward the maximum", async () => {
  const space = boxSpace([[0, 1]]);
  const history = await runStrategy(
    createEvolution(init(space, [{ metric: "value", direction: "maximize" }], { population: 8 }, 5)),
    (p) => [-(((p.x1 as number) - 0.7) ** 2)],
    80,
  );
  const late = history.slice(60).map((t) => t.params.x1 as number);
  assert.ok(
    late.every((x) => Math.abs(x - 0.7) < 0.3),
    `late proposals ${late}`,
  );
});

test("children are valid configurations: ints on their grid, choices from the list, conditions and constraints hold", async () => {
  const param = (name: string): Expr => ({ op: "param", name });
  const lit = (value: number | string): Expr => ({ op: "lit", value });
  const space: ParamSpec[] = [
    { kind: "categorical", name: "opt", choices: ["sgd", "adam", "rmsprop"], ordered: false },
    {
      kind: "float",
      name: "momentum",
      low: 0,
      high: 0.99,
      log: false,
      condition: { op: "==", args: [param("opt"), lit("sgd")] },
    },
    { kind: "int", name: "layers", low: 1, high: 8, log: false, step: 1 },
    { kind: "float", name: "lr", low: 1e-5, high: 1e-1, log: true },
    { kind: "int", name: "width", low: 16, high: 512, log: true, step: 1 },
  ];
  // layers * width <= 1024
  const constraints: Expr[] = [
    { op: "<=", args: [{ op: "*", args: [param("layers"), param("width")] }, lit(1024)] },
  ];
  const strategy = createEvolution(init(space, MIN, { population: 8, mutation: 0.2 }, 11, constraints));
  const history = await runStrategy(
    strategy,
    (p) => [
      Math.abs(Math.log10(p.lr as number) + 3) + (p.layers as number) / 10 + (p.opt === "adam" ? 0 : 0.5),
    ],
    120,
    4,
  );
  for (const t of history) {
    const p = t.params;
    assert.ok(["sgd", "adam", "rmsprop"].includes(p.opt as string));
    assert.is("momentum" in p, p.opt === "sgd", `momentum present iff sgd: ${JSON.stringify(p)}`);
    assert.ok(Number.isInteger(p.layers) && (p.layers as number) >= 1 && (p.layers as number) <= 8);
    assert.ok(Number.isInteger(p.width) && (p.width as number) >= 16 && (p.width as number) <= 512);
    assert.ok((p.lr as number) >= 1e-5 && (p.lr as number) <= 1e-1);
    assert.ok((p.layers as number) * (p.width as number) <= 1024, `constraint broken: ${JSON.stringify(p)}`);
  }
  // It learns: adam and lr near 1e-3 dominate the late trials.
  const late = history.slice(80);
  assert.ok(late.filter((t) => t.params.opt === "adam").length > late.length / 2);
});

test("failed trials and running ones do not enter the population", async () => {
  const space = boxSpace([[0, 1]]);
  const strategy = createEvolution(init(space, MIN, { population: 3 }, 1));
  const trials = [
    { number: 0, state: "complete" as const, params: { x1: 0.1 }, values: [0.1], intermediate: [] },
    { number: 1, state: "failed" as const, params: { x1: 0.2 }, intermediate: [] },
    { number: 2, state: "running" as const, params: { x1: 0.3 }, intermediate: [] },
    { number: 3, state: "complete" as const, params: { x1: 0.4 }, values: [Number.NaN], intermediate: [] },
    { number: 4, state: "complete" as const, params: { x1: 0.5 }, values: [0.5], intermediate: [] },
  ];
  // Only two usable trials: still sampling from the prior, deterministically.
  const a = await strategy.ask({ trials, nextNumber: 5 }, 2);
  const b = await createEvolution(init(space, MIN, { population: 3 }, 1)).ask({ trials, nextNumber: 5 }, 2);
  assert.equal(a, b);
  assert.is(a.length, 2);
});

test("bad options are clear errors", () => {
  const space = boxSpace([[0, 1]]);
  assert.throws(
    () => createEvolution(init(space, MIN, { population: -1 }, 1)),
    /option `population` of `evolution` must be in \[0, 10000\], got -1/,
  );
  assert.throws(
    () => createEvolution(init(space, MIN, { elitism: 30 }, 1)),
    /option `elitism` of `evolution` must be below `population` \(20\), got 30/,
  );
  assert.throws(
    () => createEvolution(init(space, MIN, { operator: "blx" }, 1)),
    /option `operator` of `evolution` must be one of "sbx", "uniform", got "blx"/,
  );
  assert.throws(
    () => createEvolution(init(space, MIN, { crossover: 2 }, 1)),
    /option `crossover` of `evolution` must be in \[0, 1\], got 2/,
  );
  assert.throws(
    () => createEvolution(init(space, MIN, { sigma: 2 }, 1)),
    /`evolution` has no option `sigma`/,
  );
  assert.throws(
    () => createEvolution(init(space, MIN, { sigma0: 0 }, 1)),
    /option `sigma0` of `evolution` must be in \(0, 1\], got 0/,
  );
  // With a budget the automatic population is smaller: elitism must be below it.
  assert.throws(
    () => createEvolution({ ...init(space, MIN, { elitism: 5 }, 1), budget: { trials: 50, parallel: 1 } }),
    /must be below `population` \(5\), got 5/,
  );
});

test("the population is sized from the trial budget", () => {
  assert.is(populationSize(0, 50), 5);
  assert.is(populationSize(0, 100), 7);
  assert.is(populationSize(0, 200), 14);
  assert.is(populationSize(0, 10_000), 20);
  assert.is(populationSize(0, undefined), 20);
  assert.is(populationSize(9, 50), 9);
});

test("the first generation is a space-filling (Sobol) design", async () => {
  const space = boxSpace([
    [0, 1],
    [0, 1],
  ]);
  const strategy = createEvolution({
    ...init(space, MIN, { population: 8 }, 3),
    budget: { trials: 50, parallel: 1 },
  });
  const first = await strategy.ask({ trials: [], nextNumber: 0 }, 8);
  // 8 scrambled Sobol points: one in each half of each axis 4 times, one per quarter-square pair
  for (const axis of ["x1", "x2"]) {
    const low = first.filter((p) => (p.params[axis] as number) < 0.5).length;
    assert.is(low, 4, axis);
  }
});

test("the step size follows the 1/5th success rule over the history", () => {
  const scored = (costs: number[]) =>
    costs.map((c, number) => ({
      trial: { number, state: "complete" as const, params: {}, values: [c], intermediate: [] },
      costs: [c],
    }));
  // Start-up of 2, then 5 children that all failed: the step shrinks by exp(-0.2 / (0.8 (1 + 1))) each.
  const shrink = stepSize(scored([1, 2, 3, 3, 3, 3, 3]), 2, 0.25, 2);
  assert.ok(Math.abs(shrink - 0.25 * Math.exp((-0.2 / 1.6) * 5)) < 1e-12, `${shrink}`);
  // Children that each beat every earlier trial: it grows by exp(0.8 / 1.6) each.
  const grow = stepSize(scored([5, 4, 3, 2]), 2, 0.25, 2);
  assert.ok(Math.abs(grow - 0.25 * Math.exp((0.8 / 1.6) * 2)) < 1e-12, `${grow}`);
});

test("never worse than random at a small budget: Branin, 50 trials, median of 7 seeds", async () => {
  const objective = BUILTIN_OBJECTIVES.branin;
  assert.ok(objective);
  const space = boxSpace(objective.domain({}));
  const f = (x: number[]) => objective.evaluate(x, {}).value as number;
  const evo: number[] = [];
  const random: number[] = [];
  for (const seed of [1, 2, 3, 4, 5, 6, 7]) {
    const history = await runStrategy(
      createEvolution({ ...init(space, MIN, {}, seed), budget: { trials: 50, parallel: 1 } }),
      (p) => [f(vector(p, 2))],
      50,
    );
    evo.push(best(history.map((t) => t.values?.[0] as number)));
    const rng = rngFor(seed, 999);
    random.push(best(Array.from({ length: 50 }, () => f(vector(sampleConfiguration(space, [], rng), 2)))));
  }
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[3] as number;
  assert.ok(median(evo) < median(random), `evolution ${median(evo)}, random ${median(random)}`);
});

test.run();
