import { test } from "uvu";
import * as assert from "uvu/assert";
import { loadCpu } from "../../src/native/load.js";
import { HpoError } from "../../src/util/errors.js";
import {
  type EvolutionOperators,
  type GeneSpec,
  Population,
  rankObjectives,
} from "../../src/native/evolution.js";
import {
  CATEGORICAL,
  CONTINUOUS,
  INTEGER,
  LOG,
  type RefOperators,
  breedChild,
  bruteForceCrowding,
  bruteForceRanks,
  detCos2Pi,
  detExp,
  detLog,
  detPow,
  evolveReference,
  gaussianMutation,
  philox,
  polynomialMutation,
  pow,
  resetMutation,
  sbxGene,
  stepMutation,
  uniform,
} from "./evolution-reference.js";

/** A tiny deterministic generator for test inputs (not the engine's). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const TYPE_NAMES = ["continuous", "log", "integer", "categorical"] as const;

function specs(types: number[], levels: number[]): GeneSpec[] {
  return types.map((t, g) => ({ type: TYPE_NAMES[t] as GeneSpec["type"], levels: levels[g] }));
}

function toRef(op: EvolutionOperators): RefOperators {
  return {
    ...op,
    crossoverKind: op.crossoverKind === "sbx" ? 0 : 1,
    mutationKind: op.mutationKind === "polynomial" ? 0 : 1,
  };
}

function rows(flat: Float64Array, d: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < flat.length; i += d) out.push(Array.from(flat.subarray(i, i + d)));
  return out;
}

const BASE: EvolutionOperators = {
  tournament: 2,
  crossover: 1,
  mutation: 0.5,
  crossoverKind: "sbx",
  etaC: 15,
  etaM: 20,
  mutationKind: "polynomial",
  sigma: 0.1,
  elitism: 1,
};

// Snapped initial genes, as the engine stores them.
function population(n: number, types: number[], levels: number[], seed: number, rand = lcg(7)) {
  const genes: number[][] = [];
  for (let i = 0; i < n; i++)
    genes.push(
      types.map((t, g) => {
        const x = rand();
        if (t === INTEGER)
          return Math.trunc(x * ((levels[g] as number) - 1) + 0.5) / ((levels[g] as number) - 1);
        if (t === CATEGORICAL) return (Math.trunc(x * (levels[g] as number)) + 0.5) / (levels[g] as number);
        return x;
      }),
    );
  const pop = new Population({ genes: genes.flat(), size: n, types: specs(types, levels), seed });
  return { genes, pop };
}

test("the TS Philox reference and the deterministic elementary functions agree with known values", () => {
  // Random123's known-answer vectors for Philox4x32-10 (kat_vectors).
  assert.equal(philox([0, 0, 0, 0], 0, 0), [0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8]);
  assert.equal(
    philox([0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344], 0xa4093822, 0x299f31d0),
    [0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1],
  );
  const rand = lcg(3);
  for (let i = 0; i < 2000; i++) {
    const x = rand() * 50 + 1e-300;
    assert.ok(Math.abs(detLog(x) - Math.log(x)) <= 4e-16 * Math.max(1, Math.abs(Math.log(x))), `log ${x}`);
    const y = rand() * 80 - 40;
    assert.ok(Math.abs(detExp(y) / Math.exp(y) - 1) < 4e-16, `exp ${y}`);
    const v = rand();
    assert.ok(Math.abs(detCos2Pi(v) - Math.cos(2 * Math.PI * v)) < 1e-15, `cos ${v}`);
  }
  assert.is(detExp(0), 1);
  assert.ok(Math.abs(detExp(709.7) / Math.exp(709.7) - 1) < 4e-16);
  assert.ok(Math.abs(detExp(-707.9) / Math.exp(-707.9) - 1) < 4e-16);
  assert.is(detLog(1), 0);
  // pow: binary powering for whole exponents (|n| <= 64), detPow otherwise; both near Math.pow
  for (let i = 0; i < 500; i++) {
    const base = 0.05 + rand() * 3;
    for (const exponent of [1, 2, 16, -16, 21, -64, 2.5, -7.25, 65, 1 / 16]) {
      const want = base ** exponent;
      const got = pow(base, exponent);
      assert.ok(
        Math.abs(got - want) <= 5e-14 * Math.abs(want),
        `pow(${base}, ${exponent}) = ${got}, want ${want}`,
      );
    }
  }
  assert.is(pow(0, -16), Number.POSITIVE_INFINITY);
  assert.is(pow(0.5, 65), detPow(0.5, 65));
});

test("operator formulas: SBX stays between bounds and is centred on the parents; mutations move as designed", () => {
  for (let i = 0; i < 200; i++) {
    const u = uniform(1, 0, i, 0);
    const c = sbxGene(0.3, 0.6, u, 0.2, 15);
    assert.ok(c >= 0 && c <= 1);
    const m = polynomialMutation(0.5, u, 20);
    assert.ok(u <= 0.5 ? m <= 0.5 : m >= 0.5);
  }
  // beta_q = 1 at u = 0.5 (no spread): the children are the parents themselves
  assert.ok(Math.abs(sbxGene(0.3, 0.6, 0.5, 0.2, 15) - 0.3) < 1e-3);
  assert.is(stepMutation(0, 0.2, 5), 0.25); // reflected at the lower end
  assert.is(stepMutation(0.5, 0.2, 5), 0.25);
  assert.is(stepMutation(0.5, 0.7, 5), 0.75);
  assert.is(resetMutation(0.125, 0, 4), 0.375); // never the current category
  assert.is(resetMutation(0.875, 0.99, 4), 0.625);
  assert.is(
    gaussianMutation(0.5, 0.3, 0.25, 0.1),
    0.5 + 0.1 * (Math.sqrt(-2 * detLog(0.7)) * detCos2Pi(0.25)),
  );
});

const KNOWN_CASES: [string, number[], number[], Partial<EvolutionOperators>][] = [
  ["SBX + polynomial on continuous genes", [CONTINUOUS, CONTINUOUS, CONTINUOUS], [0, 0, 0], {}],
  [
    "uniform crossover + Gaussian mutation",
    [CONTINUOUS, LOG, CONTINUOUS],
    [0, 0, 0],
    { crossoverKind: "uniform", mutationKind: "gaussian", sigma: 0.2 },
  ],
  [
    "±step on integer genes, reset on categorical genes",
    [INTEGER, CATEGORICAL, INTEGER, CATEGORICAL],
    [7, 3, 2, 5],
    { mutation: 0.9 },
  ],
  ["log genes with tournament 3 and SBX", [LOG, LOG], [0, 0], { tournament: 3, etaC: 2, etaM: 5 }],
  // fractional distribution indices take the log-and-exp powers instead of binary powering
  [
    "SBX + polynomial with fractional indices",
    [CONTINUOUS, CONTINUOUS],
    [0, 0],
    { etaC: 2.5, etaM: 7.25, mutation: 0.9 },
  ],
  [
    "no crossover, full mutation",
    [CONTINUOUS, INTEGER, CATEGORICAL],
    [0, 4, 3],
    { crossover: 0, mutation: 1 },
  ],
];

for (const [name, types, levels, over] of KNOWN_CASES) {
  test(`breed: exact children for a fixed seed (${name})`, () => {
    const op = { ...BASE, ...over };
    const { genes, pop } = population(5, types, levels, 1234);
    const fitness = [0.3, Number.NaN, 0.1, 0.7, 0.2];
    const got = rows(pop.breed(fitness, op, 3, 10, 6), types.length);
    for (let c = 0; c < 6; c++)
      assert.equal(
        got[c],
        breedChild(genes, fitness, types, levels, toRef(op), 1234, 3, 10 + c),
        `child ${c}`,
      );
    pop.dispose();
  });
}

test("breed: a known child, written out (seed 42, generation 0, individual 0)", () => {
  const pop = new Population({
    genes: [0.1, 0.9, 0.4, 0.6],
    size: 2,
    types: [{ type: "continuous" }, { type: "continuous" }],
    seed: 42,
  });
  const child = pop.breed([1, 0], BASE, 0, 0, 1);
  assert.equal(
    Array.from(child),
    breedChild(
      [
        [0.1, 0.9],
        [0.4, 0.6],
      ],
      [1, 0],
      [0, 0],
      [0, 0],
      toRef(BASE),
      42,
      0,
      0,
    ),
  );
  // Parents are the population's rows; crossover of 0.1/0.4 and 0.9/0.6 lands inside the unit cube.
  assert.ok(child.every((x) => x >= 0 && x <= 1));
  pop.dispose();
});

test("evolve: one generation equals the reference, elites first, generation counter advances", async () => {
  const types = [CONTINUOUS, INTEGER, CATEGORICAL, LOG];
  const levels = [0, 6, 4, 0];
  const { genes, pop } = population(12, types, levels, 99);
  const rand = lcg(11);
  let current = genes;
  for (let gen = 0; gen < 3; gen++) {
    const fitness = current.map(() => rand());
    const op = { ...BASE, elitism: 2, tournament: 3 };
    await pop.evolve(fitness, op);
    const expected = evolveReference(current, fitness, types, levels, toRef(op), 99, gen);
    const got = rows(pop.genes(), types.length);
    assert.equal(got, expected);
    const best = fitness.indexOf(Math.min(...fitness));
    assert.equal(got[0], current[best]);
    current = got;
    assert.is(pop.generation, gen + 1);
  }
  pop.dispose();
});

test("evolve: large populations run off the main thread and give the same bits as breed", async () => {
  const n = 4000;
  const d = 20;
  const types = Array.from({ length: d }, () => CONTINUOUS);
  const { pop } = population(
    n,
    types,
    types.map(() => 0),
    5,
    lcg(9),
  );
  const fitness = Array.from({ length: n }, (_, i) => Math.sin(i));
  const before = pop.genes();
  const op = { ...BASE, elitism: 0 };
  const children = pop.breed(fitness, op, 0, 0, n);
  const promise = pop.evolve(fitness, op);
  assert.throws(() => pop.genes(), /busy/);
  await promise;
  assert.equal(pop.genes(), children);
  assert.not.equal(pop.genes(), before);
  pop.dispose();
});

test("same seed gives the same population; another seed another", async () => {
  const make = async (seed: number) => {
    const { pop } = population(30, [CONTINUOUS, INTEGER], [0, 9], seed);
    await pop.evolve(
      Array.from({ length: 30 }, (_, i) => i % 7),
      BASE,
    );
    const out = pop.genes();
    pop.dispose();
    return Array.from(out);
  };
  assert.equal(await make(1), await make(1));
  assert.not.equal(await make(1), await make(2));
});

test("rank: NSGA-II fronts and crowding match a brute-force reference on random fronts (2-4 objectives)", () => {
  const rand = lcg(21);
  for (const m of [2, 3, 4]) {
    for (let trial = 0; trial < 5; trial++) {
      const n = 40 + trial * 7;
      // Coarse values make ties and many fronts.
      const objs = Array.from({ length: n }, () =>
        Array.from({ length: m }, () => Math.round(rand() * 10) / 10 + rand() * 1e-3),
      );
      const { rank, crowding } = rankObjectives(objs);
      const expected = bruteForceRanks(objs);
      assert.equal(Array.from(rank), expected, `m=${m} trial=${trial}`);
      const expectedCrowding = bruteForceCrowding(objs, expected);
      for (let i = 0; i < n; i++) {
        const e = expectedCrowding[i] as number;
        const g = crowding[i] as number;
        assert.ok(e === g || Math.abs(e - g) < 1e-12, `crowding ${i}: ${g} vs ${e}`);
      }
    }
  }
  // NaN objectives rank last.
  const { rank } = rankObjectives([
    [0, 1],
    [Number.NaN, 0],
    [1, 0],
  ]);
  assert.equal(Array.from(rank), [0, 1, 0]);
});

test("bad arguments are clear errors, from the wrapper and from the addon itself", () => {
  const ok = { genes: [0.5, 0.5], size: 2, types: [{ type: "continuous" as const }], seed: 1 };
  assert.throws(
    () => new Population({ ...ok, size: 0 }),
    /evolution: expected size to be an integer in \[1, 1073741824\], got 0/,
  );
  assert.throws(
    () => new Population({ ...ok, genes: [0.5] }),
    /evolution: expected genes to be 2 values \(size × types.length\), got 1/,
  );
  assert.throws(
    () => new Population({ ...ok, genes: [0.5, 1.5] }),
    /evolution: expected genes\[1\] to be a number in \[0, 1\], got 1.5/,
  );
  assert.throws(
    () => new Population({ ...ok, types: [{ type: "integer" }] }),
    /evolution: expected types\[0\].levels to be an integer in \[1, 2147483647\], got undefined/,
  );
  assert.throws(
    // biome-ignore lint/suspicious/noExplicitAny: a bad type on purpose
    () => new Population({ ...ok, types: [{ type: "real" as any }] }),
    /evolution: expected types\[0\].type to be "continuous", "log", "integer" or "categorical", got "real"/,
  );
  assert.throws(() => new Population({ ...ok, seed: -1 }), /expected seed to be an integer/);
  const pop = new Population(ok);
  assert.throws(
    () => pop.evolve([1], {}),
    /evolution: expected fitness to be 2 values \(one per individual\), got 1/,
  );
  assert.throws(
    () => pop.evolve([1, 2], { tournament: 0 }),
    /evolution: expected tournament to be an integer in \[1, 1024\], got 0/,
  );
  assert.throws(
    () => pop.evolve([1, 2], { elitism: 3 }),
    /evolution: expected elitism to be an integer in \[0, 2\], got 3/,
  );
  assert.throws(
    () => pop.evolve([1, 2], { crossover: 1.5 }),
    /evolution: expected crossover to be a number in \[0, 1\], got 1.5/,
  );
  assert.throws(
    () => pop.evolve([1, 2], { crossoverKind: "one-point" as EvolutionOperators["crossoverKind"] }),
    /expected crossoverKind to be "sbx" or "uniform"/,
  );
  assert.throws(
    () => pop.rank([[1, 2, 3, 4, 5]]),
    /evolution: expected the number of objectives to be an integer in \[2, 4\], got 5/,
  );
  assert.throws(
    () => pop.rank([[1, 2], [3]]),
    /evolution: expected objectives\[1\] to be a row of 2 numbers, got 1/,
  );
  assert.throws(
    () => pop.evolve([1, 2], { mutationKind: "cauchy" as EvolutionOperators["mutationKind"] }),
    /evolution: expected mutationKind to be "polynomial" or "gaussian", got "cauchy"/,
  );
  assert.throws(
    () => pop.evolve([1, 2], { etaC: -1 }),
    /evolution: expected etaC to be a number in \[0, 1000000\], got -1/,
  );
  assert.throws(
    () => pop.evolve([1, 2], { etaM: Number.NaN }),
    /evolution: expected etaM to be a number in \[0, 1000000\], got NaN/,
  );
  assert.throws(
    () => pop.evolve([1, 2], { sigma: -0.5 }),
    /evolution: expected sigma to be a number in \[0, 1000000\], got -0.5/,
  );
  assert.throws(
    () => pop.evolve([1, 2], { mutation: 2 }),
    /evolution: expected mutation to be a number in \[0, 1\], got 2/,
  );
  assert.throws(
    () => pop.evolve(5 as unknown as number[], {}),
    /evolution: expected fitness to be an array of numbers, got 5/,
  );
  assert.throws(
    () => pop.breed([1, 2], {}, -1, 0, 1),
    /evolution: expected generation to be an integer in \[0, 4294967295\], got -1/,
  );
  assert.throws(
    () => pop.breed([1, 2], {}, 0, 0.5, 1),
    /evolution: expected first to be an integer in \[0, 4294967295\], got 0.5/,
  );
  assert.throws(
    () => pop.breed([1, 2], {}, 0, 0, -1),
    /evolution: expected count to be an integer in \[0, 16777216\], got -1/,
  );
  assert.throws(() => pop.setGenes([0.5]), /evolution: expected genes to be 2 values \(size × dim\), got 1/);
  assert.throws(
    () => pop.setGenes([0.5, -0.1]),
    /evolution: expected genes\[1\] to be a number in \[0, 1\], got -0.1/,
  );
  assert.throws(
    () => pop.rank([[1, "a" as unknown as number]]),
    /evolution: expected objectives\[0\]\[1\] to be a number, got "a"/,
  );
  assert.throws(
    () => pop.rank([]),
    /evolution: expected objectives to be a non-empty array of rows, got object/,
  );
  pop.setGenes([0.25, 0.75]);
  assert.equal(Array.from(pop.genes()), [0.25, 0.75]);
  pop.dispose();
  assert.throws(() => pop.genes(), /this Population was disposed/);

  // The addon checks again, so a direct call cannot crash the process.
  const Native = loadCpu().Population;
  const types = new Int32Array([0]);
  const levels = new Int32Array([0]);
  assert.throws(
    () => new Native([0.5], 1, 1, types, levels, 1),
    (e: Error) => e instanceof TypeError && e.message === "genes must be a Float64Array, got an Array",
  );
  assert.throws(
    () => new Native(new Float64Array(2), 1, 1, types, levels, 1),
    (e: Error) => e instanceof RangeError && e.message === "genes must have 1 elements, got 2",
  );
  assert.throws(
    () => new Native(new Float64Array(1), 1, 1, new Int32Array([7]), levels, 1),
    /types: gene 0 has an unknown type 7/,
  );
  assert.throws(
    () => new Native(new Float64Array([2]), 1, 1, types, levels, 1),
    /genes must lie in \[0, 1\]; element 0 is 2/,
  );
  assert.throws(
    () => new Native(new Float64Array(1), 1.5, 1, types, levels, 1),
    /n must be an integer from 1 to 1073741824, got 1.5/,
  );
  const raw = new Native(new Float64Array(1), 1, 1, types, levels, 1);
  assert.throws(
    () => raw.evolve(new Float64Array(1), new Float64Array([1, 0.9, 0.1, 0, 15, 20, 0, 0.1, 5])),
    /operators: elitism must be an integer in \[0, population size\]/,
  );
  assert.throws(
    () => raw.evolve(new Float64Array(1), new Float64Array([1, 0.9, 0.1, 2, 15, 20, 0, 0.1, 0])),
    /operators: crossover kind must be 0 \(sbx\) or 1 \(uniform\)/,
  );
  assert.throws(
    () => raw.evolve(new Float64Array(1), new Float64Array(3)),
    /operators must have 9 elements, got 3/,
  );
  assert.throws(() => raw.rank(new Float64Array(3), 2), /objectives must have a multiple of m = 2 elements/);
  assert.throws(
    () => raw.breed(new Float64Array(1), new Float64Array([1, 0.9, 0.1, 0, 15, 20, 0, 0.1, 0]), -1, 0, 1),
    /generation must be an integer/,
  );
  raw.dispose();
});

test("a non-object options is an HpoError, and fitness must be numbers", async () => {
  for (const bad of [null, undefined, 3, "x"])
    assert.throws(
      () => new Population(bad as never),
      (e: unknown) => e instanceof HpoError && /expected options to be an object/.test((e as Error).message),
    );
  const pop = new Population({ genes: [0.2, 0.8], size: 2, types: [{ type: "continuous" }], seed: 1 });
  for (const fitness of [
    ["1", "2"],
    [1, "abc"],
    [1, null],
    [{}, 2],
  ])
    assert.throws(
      () => pop.evolve(fitness as never),
      (e: unknown) =>
        e instanceof HpoError && /expected fitness\[\d\] to be a number/.test((e as Error).message),
      JSON.stringify(fitness),
    );
  // NaN still marks a failed individual, and typed arrays pass as they are.
  await pop.evolve([Number.NaN, 1]);
  await pop.evolve(new Float64Array([1, 2]));
  pop.dispose();
});

test.run();
