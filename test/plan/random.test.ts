import { permutation, rngFor, STREAM, trialSeed } from "../../src/plan/random.js";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { HpoError } from "../../src/util/errors.js";

const draws = (r: { uniform(): number }, n: number) => Array.from({ length: n }, () => r.uniform());

test("the same seed and stream give the same sequence", () => {
  assert.equal(draws(rngFor(42, 3, 1), 50), draws(rngFor(42, 3, 1), 50));
});

test("any change of seed or stream gives a different sequence", () => {
  const base = draws(rngFor(42, 3, 1), 5);
  for (const other of [
    rngFor(43, 3, 1),
    rngFor(42, 4, 1),
    rngFor(42, 3, 2),
    rngFor(42, 3),
    rngFor(42, 3, 1, 0),
    rngFor(42, 1, 3),
  ])
    assert.not.equal(draws(other, 5), base);
});

test("uniform draws lie in [0, 1) with mean 1/2 and variance 1/12", () => {
  const xs = draws(rngFor(7), 100_000);
  assert.ok(xs.every((x) => x >= 0 && x < 1));
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length;
  assert.ok(Math.abs(mean - 0.5) < 0.005, `mean ${mean}`);
  assert.ok(Math.abs(variance - 1 / 12) < 0.002, `variance ${variance}`);
});

test("normal draws have mean 0 and variance 1", () => {
  const r = rngFor(11);
  const xs = Array.from({ length: 100_000 }, () => r.normal());
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length;
  assert.ok(Math.abs(mean) < 0.015, `mean ${mean}`);
  assert.ok(Math.abs(variance - 1) < 0.02, `variance ${variance}`);
});

test("int(n) covers 0..n-1 evenly", () => {
  const r = rngFor(5);
  const counts = new Array(6).fill(0);
  for (let i = 0; i < 60_000; i++) counts[r.int(6)]++;
  for (const c of counts) assert.ok(Math.abs(c - 10_000) < 400, `count ${c}`);
  assert.throws(
    () => r.int(0),
    (e: unknown) => e instanceof HpoError,
  );
  assert.throws(
    () => r.int(2.5),
    (e: unknown) => e instanceof HpoError,
  );
});

test("rejects a seed that is not a finite number", () => {
  assert.throws(
    () => rngFor(Number.NaN),
    (e: unknown) => e instanceof HpoError,
  );
  assert.throws(
    () => rngFor(1, Number.POSITIVE_INFINITY),
    (e: unknown) => e instanceof HpoError,
  );
});

test("large, negative and fractional seeds are distinct keys", () => {
  const seqs = [2 ** 40, -(2 ** 40), 0.5, 1.5, 2 ** 40 + 1].map((s) => draws(rngFor(s), 3).join());
  assert.is(new Set(seqs).size, seqs.length);
});

test("trial seeds are 32-bit, differ between trials and studies, and repeat for the same inputs", () => {
  const seeds = new Set(Array.from({ length: 1000 }, (_, i) => trialSeed(1, i)));
  assert.is(seeds.size, 1000);
  assert.is(trialSeed(1, 5), trialSeed(1, 5));
  assert.is.not(trialSeed(1, 5), trialSeed(2, 5));
  for (const s of seeds) assert.ok(Number.isInteger(s) && s >= 0 && s < 2 ** 32);
});

test("every stream purpose has its own key", () => {
  const keys = Object.values(STREAM);
  assert.is(new Set(keys).size, keys.length);
});

test("a permutation holds every index once and depends only on its stream", () => {
  const p = permutation(50, rngFor(4, STREAM.dataSplit));
  assert.equal(
    [...p].sort((a, b) => a - b),
    Array.from({ length: 50 }, (_, i) => i),
  );
  assert.equal(p, permutation(50, rngFor(4, STREAM.dataSplit)));
  assert.not.equal(p, permutation(50, rngFor(4, STREAM.dataTest)));
});

test.run();
