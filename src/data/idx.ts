/**
 * MNIST and Fashion-MNIST in the IDX format: big-endian magic 0x00000803 for images (n × 28 × 28
 * unsigned bytes) and 0x00000801 for labels.
 */
import { HpoError } from "../util/errors.js";
import { findFile, readBytes } from "./files.js";
import type { Dataset, LoadedData } from "./types.js";

/** Parses an IDX unsigned-byte file: its dimensions and data. */
export function parseIdx(buf: Buffer, path: string): { dims: number[]; data: Uint8Array } {
  if (buf.length < 4) throw new HpoError(`${path}: truncated IDX file (${buf.length} bytes)`);
  if (buf[0] !== 0 || buf[1] !== 0)
    throw new HpoError(
      `${path}: wrong IDX magic number 0x${buf.readUInt32BE(0).toString(16).padStart(8, "0")}`,
    );
  if (buf[2] !== 0x08)
    throw new HpoError(`${path}: IDX data type 0x${buf[2].toString(16)} is not unsigned byte`);
  const rank = buf[3];
  if (rank < 1 || rank > 4) throw new HpoError(`${path}: IDX rank ${rank} is not 1 to 4`);
  if (buf.length < 4 + 4 * rank) throw new HpoError(`${path}: truncated IDX header`);
  const dims = Array.from({ length: rank }, (_, i) => buf.readUInt32BE(4 + 4 * i));
  const size = dims.reduce((a, b) => a * b, 1);
  const start = 4 + 4 * rank;
  if (buf.length < start + size)
    throw new HpoError(
      `${path}: truncated IDX file: header says ${size} bytes of data, found ${buf.length - start}`,
    );
  return { dims, data: new Uint8Array(buf.buffer, buf.byteOffset + start, size) };
}

function readSet(imagesPath: string, labelsPath: string): Dataset {
  const img = parseIdx(readBytes(imagesPath), imagesPath);
  const lab = parseIdx(readBytes(labelsPath), labelsPath);
  if (img.dims.length !== 3)
    throw new HpoError(`${imagesPath}: expected 3 IDX dimensions, found ${img.dims.length}`);
  if (lab.dims.length !== 1)
    throw new HpoError(`${labelsPath}: expected 1 IDX dimension, found ${lab.dims.length}`);
  const [n, h, w] = img.dims;
  if (lab.dims[0] !== n)
    throw new HpoError(`${labelsPath}: ${lab.dims[0]} labels for ${n} images in ${imagesPath}`);
  const x = new Float32Array(n * h * w);
  for (let i = 0; i < x.length; i++) x[i] = img.data[i] / 255;
  const y = Float32Array.from(lab.data);
  let max = 0;
  for (const v of lab.data) max = Math.max(max, v);
  return { task: "classification", n, inputShape: [h, w, 1], x, y, numClasses: Math.max(10, max + 1) };
}

/** The IDX files of `dir`: training images and labels (required) and the `t10k-*` test files, if present. */
export function idxFiles(dir: string): { train: [string, string]; test?: [string, string] } {
  const trainImages = findFile(dir, ["train-images-idx3-ubyte", "train-images.idx3-ubyte"]);
  const trainLabels = findFile(dir, ["train-labels-idx1-ubyte", "train-labels.idx1-ubyte"]);
  if (!trainImages || !trainLabels)
    throw new HpoError(`no IDX training files (train-images-idx3-ubyte, train-labels-idx1-ubyte) in ${dir}`, {
      hint: "run `hpo data fetch mnist --from official` (or fashion_mnist) or point `path` at the folder holding them",
    });
  const testImages = findFile(dir, ["t10k-images-idx3-ubyte", "t10k-images.idx3-ubyte"]);
  const testLabels = findFile(dir, ["t10k-labels-idx1-ubyte", "t10k-labels.idx1-ubyte"]);
  return {
    train: [trainImages, trainLabels],
    ...(testImages && testLabels ? { test: [testImages, testLabels] as [string, string] } : {}),
  };
}

/** Reads `train-*` and (when present) `t10k-*` IDX files from `dir`. */
export function readIdxDir(dir: string): LoadedData {
  const files = idxFiles(dir);
  return {
    train: readSet(...files.train),
    test: files.test ? readSet(...files.test) : undefined,
    source: dir,
  };
}
