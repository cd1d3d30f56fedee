/**
 * CIFAR-10 binary batches (the "binary version" of the dataset): records of 1 label byte and
 * 3072 pixel bytes, channel-major (1024 red, 1024 green, 1024 blue); converted to HWC [32, 32, 3].
 */
import { readdirSync } from "node:fs";
import { HpoError } from "../util/errors.js";
import { readBytes } from "./files.js";
import type { Dataset, LoadedData } from "./types.js";

const RECORD = 1 + 3072;

/** Parses concatenated CIFAR-10 binary records. */
export function parseCifarBatches(files: string[]): Dataset {
  const bufs = files.map((f) => {
    const b = readBytes(f);
    if (b.length === 0 || b.length % RECORD !== 0)
      throw new HpoError(
        `${f}: not a CIFAR-10 binary batch (${b.length} bytes is not a multiple of ${RECORD})`,
      );
    return { f, b };
  });
  const n = bufs.reduce((s, { b }) => s + b.length / RECORD, 0);
  const x = new Float32Array(n * 3072);
  const y = new Float32Array(n);
  let i = 0;
  for (const { f, b } of bufs) {
    for (let r = 0; r < b.length / RECORD; r++, i++) {
      const off = r * RECORD;
      const label = b[off];
      if (label > 9) throw new HpoError(`${f}: record ${r} has label ${label}, CIFAR-10 labels are 0 to 9`);
      y[i] = label;
      for (let p = 0; p < 1024; p++)
        for (let c = 0; c < 3; c++) x[i * 3072 + p * 3 + c] = b[off + 1 + c * 1024 + p] / 255;
    }
  }
  return { task: "classification", n, inputShape: [32, 32, 3], x, y, numClasses: 10 };
}

/** The batch files of a CIFAR-10 folder: data_batch_*.bin (training) and test_batch.bin, if present. */
export function cifar10Files(dir: string): { train: string[]; test?: string } {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    throw new HpoError(`CIFAR-10 folder not found: ${dir}`, { hint: "run `hpo data fetch cifar10`" });
  }
  const train = names.filter((n) => /^data_batch_\d+\.bin$/.test(n)).sort();
  if (train.length === 0) throw new HpoError(`no CIFAR-10 batches (data_batch_N.bin) in ${dir}`);
  return {
    train: train.map((n) => `${dir}/${n}`),
    ...(names.includes("test_batch.bin") ? { test: `${dir}/test_batch.bin` } : {}),
  };
}

/** Reads data_batch_*.bin (training) and test_batch.bin (test, when present) from `dir`. */
export function readCifar10Dir(dir: string): LoadedData {
  const files = cifar10Files(dir);
  return {
    train: parseCifarBatches(files.train),
    test: files.test ? parseCifarBatches([files.test]) : undefined,
    source: dir,
  };
}
