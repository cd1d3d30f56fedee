import { mkdtempSync, readdirSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { cachedData, shareLoaded } from "../../src/data/cache.js";
import type { LoadedData } from "../../src/data/types.js";

function sample(): LoadedData {
  return {
    train: {
      task: "classification",
      n: 3,
      inputShape: [2, 2, 1],
      x: Float32Array.from({ length: 12 }, (_, i) => i / 7),
      y: Float32Array.from([0, 2, 1]),
      numClasses: 3,
      labels: ["a", "b", "c"],
    },
    test: {
      task: "translation",
      n: 1,
      inputShape: [3],
      x: Float32Array.from([4, 5, 2]),
      y: Float32Array.from([6, 2, 0]),
      decoderInput: Float32Array.from([1, 6, 2]),
      targetLen: 3,
      vocabSize: 7,
      numClasses: 8,
      features: ["f"],
      numericColumns: [0],
    },
    source: "toy files",
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

function withDir(fn: (dir: string) => void) {
  const dir = mkdtempSync(join(tmpdir(), "hpo-cache-"));
  try {
    fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("cached data are decoded once and read back exactly, every field of both parts", () =>
  withDir((dir) => {
    const { calls, build } = builder();
    const first = cachedData(dir, "toy", "toy@1", build);
    const second = cachedData(dir, "toy", "toy@1", build);
    assert.is(calls.count, 1, "built once");
    const want = sample();
    for (const part of ["train", "test"] as const) {
      const got = second[part];
      const exp = want[part];
      assert.ok(got && exp);
      assert.equal(
        { ...got, x: [...got.x], y: [...got.y], decoderInput: got.decoderInput && [...got.decoderInput] },
        {
          ...exp,
          x: [...exp.x],
          y: [...exp.y],
          decoderInput: exp.decoderInput && [...exp.decoderInput],
        },
      );
    }
    assert.is(second.source, "toy files");
    assert.is.not(second.train.x, first.train.x);
    assert.equal(readdirSync(dir), ["toy.hpodata"], "no temporary files left");
  }));

test("asked for shared memory, every array is a view of one SharedArrayBuffer, on a hit and on a miss", () =>
  withDir((dir) => {
    const { build } = builder();
    for (let i = 0; i < 2; i++) {
      const d = cachedData(dir, "toy", "toy@1", build, { shared: true });
      const buffers = new Set(
        [d.train.x, d.train.y, d.test?.x, d.test?.y, d.test?.decoderInput].map((a) => a?.buffer),
      );
      assert.is(buffers.size, 1);
      assert.ok([...buffers][0] instanceof SharedArrayBuffer);
      assert.equal([...(d.test?.decoderInput ?? [])], [1, 6, 2]);
    }
    assert.not.ok(cachedData(dir, "toy", "toy@1", build).train.x.buffer instanceof SharedArrayBuffer);
  }));

test("shareLoaded copies into shared memory once, and keeps data that are shared already", () => {
  const shared = shareLoaded(sample());
  assert.ok(shared.train.x.buffer instanceof SharedArrayBuffer);
  assert.equal([...shared.train.y], [0, 2, 1]);
  assert.is(shareLoaded(shared), shared);
});

test("another key, a truncated file or garbage is rebuilt instead of read", () =>
  withDir((dir) => {
    const { calls, build } = builder();
    cachedData(dir, "toy", "toy@1", build);
    cachedData(dir, "toy", "toy@2", build);
    assert.is(calls.count, 2, "a new version is decoded again");
    truncateSync(join(dir, "toy.hpodata"), 30);
    assert.is(cachedData(dir, "toy", "toy@2", build).train.n, 3);
    assert.is(calls.count, 3, "a truncated file is decoded again");
    writeFileSync(join(dir, "toy.hpodata"), "not a cache file");
    assert.equal(Array.from(cachedData(dir, "toy", "toy@2", build).train.y), [0, 2, 1]);
    assert.is(calls.count, 4);
    cachedData(dir, "toy", "toy@2", build);
    assert.is(calls.count, 4, "and then read from the rewritten file");
  }));

test("an unwritable cache folder only costs the decode", () =>
  withDir((parent) => {
    // A file where the folder should be: mkdir fails whoever runs the test (root included).
    writeFileSync(join(parent, "blocked"), "");
    const { calls, build } = builder();
    assert.is(cachedData(join(parent, "blocked"), "toy", "toy@1", build).train.n, 3);
    assert.ok(
      cachedData(join(parent, "blocked"), "toy", "toy@1", build, { shared: true }).train.x.buffer instanceof
        SharedArrayBuffer,
    );
    assert.is(calls.count, 2);
  }));

test.run();
