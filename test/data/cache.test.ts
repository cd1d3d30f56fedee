import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdtempSync, readdirSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cachedDataset } from "../../src/data/cache.js";
import type { Dataset } from "../../src/data/types.js";

function sample(): Dataset {
  return {
    task: "classification",
    n: 3,
    inputShape: [2, 2, 1],
    x: Float32Array.from({ length: 12 }, (_, i) => i / 7),
    y: Float32Array.from([0, 2, 1]),
    numClasses: 3,
    labels: ["a", "b", "c"],
  };
}

function builder() {
  const calls = { count: 0 };
  return {
    calls,
    build: () => {
      calls.count++;
      return sample();
    },
  };
}

test("a cached dataset is decoded once and read back exactly, as a fresh copy", () => {
  const dir = mkdtempSync(join(tmpdir(), "hpo-cache-"));
  try {
    const { calls, build } = builder();
    const first = cachedDataset(dir, "toy", "toy@1", build);
    const second = cachedDataset(dir, "toy", "toy@1", build);
    assert.is(calls.count, 1, "built once");
    assert.equal(Array.from(second.x), Array.from(sample().x));
    assert.equal(Array.from(second.y), [0, 2, 1]);
    assert.equal(second.inputShape, [2, 2, 1]);
    assert.equal(second.labels, ["a", "b", "c"]);
    assert.is(second.task, "classification");
    assert.is(second.numClasses, 3);
    assert.is.not(second.x, first.x);
    assert.equal(readdirSync(dir), ["toy.f32"], "no temporary files left");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("another key, a truncated file or garbage is rebuilt instead of read", () => {
  const dir = mkdtempSync(join(tmpdir(), "hpo-cache-"));
  try {
    const { calls, build } = builder();
    cachedDataset(dir, "toy", "toy@1", build);
    cachedDataset(dir, "toy", "toy@2", build);
    assert.is(calls.count, 2, "a new version is decoded again");
    truncateSync(join(dir, "toy.f32"), 30);
    assert.is(cachedDataset(dir, "toy", "toy@2", build).n, 3);
    assert.is(calls.count, 3, "a truncated file is decoded again");
    writeFileSync(join(dir, "toy.f32"), "not a cache file");
    assert.equal(Array.from(cachedDataset(dir, "toy", "toy@2", build).y), [0, 2, 1]);
    assert.is(calls.count, 4);
    cachedDataset(dir, "toy", "toy@2", build);
    assert.is(calls.count, 4, "and then read from the rewritten file");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("an unwritable cache folder only costs the decode", () => {
  const parent = mkdtempSync(join(tmpdir(), "hpo-cache-"));
  try {
    // A file where the folder should be: mkdir fails whoever runs the test (root included).
    writeFileSync(join(parent, "blocked"), "");
    const { calls, build } = builder();
    assert.is(cachedDataset(join(parent, "blocked"), "toy", "toy@1", build).n, 3);
    assert.is(cachedDataset(join(parent, "blocked"), "toy", "toy@1", build).n, 3);
    assert.is(calls.count, 2);
  } finally {
    rmSync(parent, { recursive: true, force: true });
  }
});

test.run();
