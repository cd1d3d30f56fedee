/**
 * Checkpoints of a trial's training state, so that a multi-fidelity strategy (sha, hyperband, asha)
 * can promote a trial and continue it from its saved weights instead of retraining: every fold's
 * model weights (trainable and not, e.g. batch-norm statistics) and optimizer slots, and the epoch,
 * step and early-stopping state. Layout: DIR/state.json (metadata and tensor shapes) + DIR/tensors.bin
 * (the values, float32/int32, in order); both written under temporary names and then renamed.
 */
import * as tf from "@tensorflow/tfjs";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { HpoError } from "../util/errors.js";

export interface CheckpointMeta {
  /** Epochs completed. */
  epoch: number;
  /** Optimizer steps completed (cyclic schedules continue from here). */
  step: number;
  best: number;
  stale: number;
  /** The last reported metrics. */
  last: Record<string, number>;
}

interface TensorSpec {
  name?: string;
  shape: number[];
  dtype: "float32" | "int32";
}

interface StateFile {
  version: 1;
  meta: CheckpointMeta;
  folds: { weights: TensorSpec[]; optimizer: TensorSpec[] }[];
}

export interface Trainable {
  model: tf.LayersModel;
  optimizer: tf.Optimizer;
}

/** Writes the state of `folds` to `dir`. */
export async function saveCheckpoint(dir: string, meta: CheckpointMeta, folds: Trainable[]): Promise<void> {
  const chunks: Buffer[] = [];
  const add = (t: tf.Tensor, name?: string): TensorSpec => {
    const dtype = t.dtype === "int32" ? "int32" : "float32";
    const values = dtype === "int32" ? Int32Array.from(t.dataSync()) : Float32Array.from(t.dataSync());
    chunks.push(Buffer.from(values.buffer));
    return { name, shape: t.shape, dtype };
  };
  const state: StateFile = { version: 1, meta, folds: [] };
  for (const f of folds) {
    const weights = f.model.getWeights().map((t) => add(t));
    const named = await f.optimizer.getWeights();
    const optimizer = named.map((w) => add(w.tensor, w.name));
    // getWeights makes a fresh scalar for the iteration count; the slots are the optimizer's own.
    for (const w of named) if (w.name === "iter") w.tensor.dispose();
    state.folds.push({ weights, optimizer });
  }
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "tensors.bin.part"), Buffer.concat(chunks));
  writeFileSync(join(dir, "state.json.part"), JSON.stringify(state));
  renameSync(join(dir, "tensors.bin.part"), join(dir, "tensors.bin"));
  renameSync(join(dir, "state.json.part"), join(dir, "state.json"));
}

/**
 * Restores `folds` from `dir` and returns the saved metadata, or undefined when `dir` holds no
 * checkpoint. A checkpoint that does not match the model (another architecture) is an HpoError.
 */
export async function loadCheckpoint(dir: string, folds: Trainable[]): Promise<CheckpointMeta | undefined> {
  const statePath = join(dir, "state.json");
  if (!existsSync(statePath)) return undefined;
  let state: StateFile;
  let bin: Buffer;
  try {
    state = JSON.parse(readFileSync(statePath, "utf8")) as StateFile;
    bin = readFileSync(join(dir, "tensors.bin"));
  } catch (err) {
    throw new HpoError(`checkpoint ${dir} is unreadable: ${(err as Error).message}`);
  }
  if (state.version !== 1 || state.folds.length !== folds.length)
    throw new HpoError(
      `checkpoint ${dir} holds ${state.folds.length} fold(s), the trial trains ${folds.length}`,
    );
  let off = 0;
  const take = (s: TensorSpec): tf.Tensor => {
    const n = s.shape.reduce((a, b) => a * b, 1);
    const bytes = bin.subarray(off, off + 4 * n);
    if (bytes.length !== 4 * n) throw new HpoError(`checkpoint ${dir}: tensors.bin is truncated`);
    off += 4 * n;
    const copy = new Uint8Array(bytes); // aligned copy
    const values = s.dtype === "int32" ? new Int32Array(copy.buffer) : new Float32Array(copy.buffer);
    return tf.tensor(values, s.shape, s.dtype);
  };
  for (const [i, f] of folds.entries()) {
    const saved = state.folds[i];
    const current = f.model.getWeights();
    if (
      saved.weights.length !== current.length ||
      saved.weights.some((w, j) => w.shape.join("x") !== current[j].shape.join("x"))
    )
      throw new HpoError(`checkpoint ${dir} was saved from another model (weight shapes differ)`);
    const weights = saved.weights.map(take);
    f.model.setWeights(weights);
    tf.dispose(weights);
    const slots = saved.optimizer.map((s) => ({ name: s.name ?? "", tensor: take(s) }));
    await f.optimizer.setWeights(slots);
    tf.dispose(slots.map((s) => s.tensor));
  }
  // JSON has no Infinity: a best score not yet set comes back as null.
  return { ...state.meta, best: state.meta.best ?? Number.POSITIVE_INFINITY };
}
