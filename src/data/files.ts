/** File access for readers: every failure becomes an HpoError naming the path. */
import { existsSync, readFileSync, statSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { HpoError } from "../util/errors.js";

/** Reads a file (gunzipping `.gz`), or throws an HpoError naming it. */
export function readBytes(path: string): Buffer {
  if (!existsSync(path)) throw new HpoError(`data file not found: ${path}`);
  if (statSync(path).isDirectory()) throw new HpoError(`expected a file, found a directory: ${path}`);
  const raw = readFileSync(path);
  if (!path.endsWith(".gz")) return raw;
  try {
    return gunzipSync(raw);
  } catch (err) {
    throw new HpoError(`${path}: not a valid gzip file (${(err as Error).message})`);
  }
}

/** The first of `names` (tried plain and gzipped) that exists under `dir`, or undefined. */
export function findFile(dir: string, names: string[]): string | undefined {
  for (const name of names) {
    for (const candidate of [`${dir}/${name}`, `${dir}/${name}.gz`])
      if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** Text of a UTF-8 file. */
export function readText(path: string): string {
  return readBytes(path).toString("utf8");
}
