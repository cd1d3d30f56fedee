import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { CACHE_MIN_BYTES, loadData } from "../../src/data/index.js";
import type { Dataset } from "../../src/data/types.js";

const dir = mkdtempSync(join(tmpdir(), "hpo-load-cache-"));
const cacheDir = join(dir, "cache");
process.env.HPO_CACHE_DIR = cacheDir;
const cached = () =>
  readdirSync(cacheDir)
    .filter((f) => f.endsWith(".hpodata"))
    .sort();

const plain = (d: Dataset) => ({
  ...d,
  x: [...d.x],
  y: [...d.y],
  decoderInput: d.decoderInput && [...d.decoderInput],
});

const csv = join(dir, "rows.csv");
writeFileSync(csv, "a,b,label\n1,2,x\n3,4,y\n5,6,x\n");
const pairs = join(dir, "p.tsv");
writeFileSync(pairs, "Go.\tVa !\nHi.\tSalut !\n");
const text = join(dir, "t.txt");
writeFileSync(text, "abcabcabd");
const idx = join(dir, "idx");
mkdirSync(idx);
{
  const head = (dims: number[]) => {
    const b = Buffer.alloc(4 + 4 * dims.length);
    b[2] = 8;
    b[3] = dims.length;
    for (const [i, d] of dims.entries()) b.writeUInt32BE(d, 4 + 4 * i);
    return b;
  };
  writeFileSync(
    join(idx, "train-images-idx3-ubyte"),
    Buffer.concat([head([2, 2, 2]), Buffer.from([0, 51, 102, 255, 1, 2, 3, 4])]),
  );
  writeFileSync(join(idx, "train-labels-idx1-ubyte"), Buffer.concat([head([2]), Buffer.from([3, 7])]));
}

test("small sources are parsed every time: no cache files", () => {
  assert.ok(CACHE_MIN_BYTES >= 1 << 16);
  loadData("csv", { path: csv, target: "label" });
  assert.throws(() => readdirSync(cacheDir));
});

test("every file reader reads its cached form back as it parsed it, once per content and arguments", () => {
  const cases: [Parameters<typeof loadData>[0], Parameters<typeof loadData>[1]][] = [
    ["csv", { path: csv, target: "label" }],
    ["pairs", { path: pairs, max_len: 4 }],
    ["text", { path: text, seq_len: 3 }],
    ["mnist", { path: idx }],
  ];
  for (const [i, [reader, args]] of cases.entries()) {
    const fresh = loadData(reader, args);
    const first = loadData(reader, args, 0, { cacheMinBytes: 0 });
    assert.is(cached().length, i + 1, `${reader}: one cache file`);
    const again = loadData(reader, args, 0, { cacheMinBytes: 0, shared: true });
    assert.is(cached().length, i + 1, `${reader}: read from its cache`);
    assert.ok(again.train.x.buffer instanceof SharedArrayBuffer);
    for (const d of [first, again]) assert.equal(plain(d.train), plain(fresh.train), reader);
  }
});

test("an edited file or other parsing arguments make another cache entry", () => {
  const before = cached().length;
  loadData("pairs", { path: pairs, max_len: 5 }, 0, { cacheMinBytes: 0 });
  assert.is(cached().length, before + 1);
  writeFileSync(pairs, "Go.\tVa !\nHi.\tSalut !\nRun!\tCours !\n");
  const edited = loadData("pairs", { path: pairs, max_len: 5 }, 0, { cacheMinBytes: 0 });
  assert.is(edited.train.n, 3);
  assert.is(cached().length, before + 2);
  // options applied after reading (validation, shuffle_seed) share the entry
  loadData("pairs", { path: pairs, max_len: 5, validation: 0.3, shuffle_seed: 4 }, 0, { cacheMinBytes: 0 });
  assert.is(cached().length, before + 2);
});

test("shared data after a limit and a test fraction are shared too", () => {
  const d = loadData("csv", { path: csv, target: "label", limit: 2, test: 0.5 }, 0, { shared: true });
  assert.is(d.train.n + (d.test?.n ?? 0), 2);
  assert.ok(d.train.x.buffer instanceof SharedArrayBuffer);
  assert.ok(d.test?.y.buffer instanceof SharedArrayBuffer);
});

test("a missing file still reads as the reader's own error", () => {
  assert.throws(() => loadData("csv", { path: join(dir, "nope.csv"), target: "a" }), /data file not found/);
  assert.throws(() => loadData("mnist", { path: join(dir, "none") }), /no IDX training files/);
});

test.run();
