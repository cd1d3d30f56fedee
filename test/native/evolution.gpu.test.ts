import { test } from "uvu";
import * as assert from "uvu/assert";
import { type EvolutionOperators, type GeneSpec, Population } from "../../src/native/evolution.js";
import { cudaStatus } from "../../src/native/load.js";
import { skipWithReason } from "../helpers/skip.js";

/**
 * The CUDA path against the CPU reference, bit for bit: both run the per-gene math of
 * native/evo/evo_math.h on the same Philox counters, with FMA contraction off on both sides and
 * elementary functions built from correctly rounded operations only, so no tolerance is allowed.
 */

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const TYPES: GeneSpec[] = [
  { type: "continuous" },
  { type: "log" },
  { type: "integer", levels: 9 },
  { type: "categorical", levels: 4 },
  { type: "continuous" },
  { type: "integer", levels: 2 },
];

function pair(n: number, seed: number) {
  const rand = lcg(seed);
  const genes = Array.from({ length: n * TYPES.length }, () => rand());
  const cpu = new Population({ genes, size: n, types: TYPES, seed: 77, device: "cpu" });
  const cuda = new Population({ genes, size: n, types: TYPES, seed: 77, device: "cuda" });
  return { cpu, cuda, rand };
}

const status = cudaStatus();
if (!status.available) {
  skipWithReason(
    test,
    "CUDA evolution equals the CPU reference bit for bit",
    status.reason ?? "CUDA is unavailable",
  );
} else {
  const variants: [string, Partial<EvolutionOperators>][] = [
    ["SBX + polynomial", {}],
    ["uniform + Gaussian", { crossoverKind: "uniform", mutationKind: "gaussian", sigma: 0.15 }],
    ["tournament 5, heavy mutation", { tournament: 5, mutation: 0.8, elitism: 7 }],
  ];
  for (const [name, op] of variants) {
    test(`evolve: CUDA equals CPU bit for bit over 5 generations (${name})`, async () => {
      for (const n of [33, 5000, 20000]) {
        const { cpu, cuda, rand } = pair(n, n);
        for (let gen = 0; gen < 5; gen++) {
          const fitness = Array.from({ length: n }, (_, i) => (i % 97 === 0 ? Number.NaN : rand()));
          await cpu.evolve(fitness, op);
          await cuda.evolve(fitness, op);
          assert.equal(cuda.genes(), cpu.genes(), `n=${n} generation ${gen}`);
        }
        assert.is(cuda.generation, 5);
        cpu.dispose();
        cuda.dispose();
      }
    });
  }

  test("breed: CUDA equals CPU bit for bit", () => {
    const { cpu, cuda, rand } = pair(200, 3);
    const fitness = Array.from({ length: 200 }, () => rand());
    assert.equal(cuda.breed(fitness, {}, 4, 1000, 300), cpu.breed(fitness, {}, 4, 1000, 300));
    cpu.dispose();
    cuda.dispose();
  });

  test("rank: device non-dominated sorting equals the CPU's (2-4 objectives, small and large fronts)", () => {
    const { cpu, cuda } = pair(2, 1);
    const rand = lcg(5);
    for (const m of [2, 3, 4]) {
      for (const k of [50, 3000]) {
        const objs = Array.from({ length: k }, (_, i) =>
          Array.from({ length: m }, () => (i % 211 === 0 ? Number.NaN : Math.round(rand() * 50) / 50)),
        );
        const a = cpu.rank(objs);
        const b = cuda.rank(objs);
        assert.equal(b.rank, a.rank, `m=${m} k=${k}`);
        assert.equal(b.crowding, a.crowding);
      }
    }
    cpu.dispose();
    cuda.dispose();
  });

  test("device memory errors and disposal surface as JS errors", () => {
    const { cuda } = pair(4, 2);
    cuda.dispose();
    assert.throws(() => cuda.genes(), /this Population was disposed/);
  });
}

test.run();
