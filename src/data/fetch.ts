/**
 * `hpo data fetch NAME`: downloads the official MNIST, Fashion-MNIST or CIFAR-10 files for users with
 * internet access and checks each against its published MD5 before keeping it. CIFAR-10's archive
 * is unpacked (only its data_batch_N.bin and test_batch.bin members) with a minimal tar reader.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { gunzipSync } from "node:zlib";
import { HpoError } from "../util/errors.js";

export interface RemoteFile {
  name: string;
  md5: string;
}

export interface RemoteDataset {
  base: string;
  files: RemoteFile[];
  /** The files are a .tar.gz whose binary batches are extracted. */
  archive?: boolean;
}

/** Sources and MD5s as published by the data sets' authors (and mirrored by torchvision). */
export const REMOTE: Record<"mnist" | "fashion_mnist" | "cifar10", RemoteDataset> = {
  mnist: {
    base: "https://ossci-datasets.s3.amazonaws.com/mnist/",
    files: [
      { name: "train-images-idx3-ubyte.gz", md5: "f68b3c2dcbeaaa9fbdd348bbdeb94873" },
      { name: "train-labels-idx1-ubyte.gz", md5: "d53e105ee54ea40749a09fcbcd1e9432" },
      { name: "t10k-images-idx3-ubyte.gz", md5: "9fb629c4189551a2d022fa330f9573f3" },
      { name: "t10k-labels-idx1-ubyte.gz", md5: "ec29112dd5afa0611ce80d1b7f02629c" },
    ],
  },
  fashion_mnist: {
    base: "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
    files: [
      { name: "train-images-idx3-ubyte.gz", md5: "8d4fb7e6c68d591d4c3dfef9ec88bf0d" },
      { name: "train-labels-idx1-ubyte.gz", md5: "25c81989df183df01b3e8a0aad5dffbe" },
      { name: "t10k-images-idx3-ubyte.gz", md5: "bef4ecab320f06d8554ea6380940ec79" },
      { name: "t10k-labels-idx1-ubyte.gz", md5: "bb300cfdad3c16e7a12a480ee83cd310" },
    ],
  },
  cifar10: {
    base: "https://www.cs.toronto.edu/~kriz/",
    files: [{ name: "cifar-10-binary.tar.gz", md5: "c32a1d4ab5d03f1284b67883e8d87530" }],
    archive: true,
  },
};

const md5 = (b: Uint8Array) => createHash("md5").update(b).digest("hex");

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

/**
 * Downloads `name` into `dir` (created), verifying MD5s; files already there with the right
 * checksum are kept. Returns the files written. `source` replaces the remote table (tests, mirrors).
 */
export async function fetchDataset(
  name: string,
  dir: string,
  options: { source?: RemoteDataset; log?: (line: string) => void } = {},
): Promise<string[]> {
  const source = options.source ?? REMOTE[name as keyof typeof REMOTE];
  if (!source)
    throw new HpoError(`unknown data set \`${name}\``, {
      hint: `data sets: ${Object.keys(REMOTE).join(", ")}`,
    });
  const log = options.log ?? (() => {});
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  for (const file of source.files) {
    const target = join(dir, file.name);
    let bytes: Buffer | undefined = existsSync(target) ? readFileSync(target) : undefined;
    if (bytes && md5(bytes) === file.md5) log(`${file.name}: already present, checksum ok`);
    else {
      const url = source.base + file.name;
      log(`downloading ${url}`);
      let res: Response;
      try {
        res = await fetch(url);
      } catch (err) {
        throw new HpoError(`cannot download ${url}: ${(err as Error).message}`, {
          hint: "this needs internet access; or copy the files into the folder by hand",
        });
      }
      if (!res.ok) throw new HpoError(`cannot download ${url}: HTTP ${res.status}`);
      bytes = Buffer.from(await res.arrayBuffer());
      const got = md5(bytes);
      if (got !== file.md5)
        throw new HpoError(
          `${file.name}: checksum mismatch (MD5 ${got}, expected ${file.md5}); the file was not kept`,
        );
      writeFileSync(`${target}.part`, bytes);
      renameSync(`${target}.part`, target); // never leave a half-written file under the real name
      written.push(target);
    }
    if (source.archive) {
      for (const m of untar(gunzipSync(bytes))) {
        const base = basename(m.name);
        if (!/^(data_batch_\d+|test_batch)\.bin$/.test(base)) continue;
        writeFileSync(join(dir, base), m.data);
        written.push(join(dir, base));
      }
    }
  }
  return written;
}
