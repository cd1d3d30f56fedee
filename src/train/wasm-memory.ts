/**
 * Memory a model needs to train, estimated before its first step, against what the backend has.
 * TensorFlow.js's wasm backend addresses 32 bits: 4 GB for every tensor of a worker together, and
 * when an allocation fails the WebAssembly instance aborts ("memory access out of bounds", then
 * "Aborted()" on every later call), so one oversized model would also fail every later trial of its
 * worker. The translation example's largest Transformers (6 or 8 layers of width 1024: 179M and
 * 238M parameters, 2.7 and 3.5 GB of weights, gradients and Adam moments before any activation) did
 * just that. So a model whose estimate exceeds `wasmLimits.budgetBytes` does not start on wasm: under
 * `--backend auto` it trains on the cpu backend (tensors in JavaScript memory, no 4 GB limit), with
 * `--backend wasm` its trial fails saying so. A model whose estimate exceeds what this machine has
 * (HOST_MEMORY_SHARE of its RAM) fails its trial on any backend, naming the sizes. An abort that
 * happens anyway is recognized, reported with what to do, and the worker's later trials move to the
 * cpu backend (see trainTrial).
 */
import { totalmem } from "node:os";
import { HpoError } from "../util/errors.js";

/**
 * Bytes of a wasm-trained model's estimated training memory (`budgetBytes`); the rest of the 4 GB is
 * the allocator's slack. An object so that tests can lower it instead of building 3 GB models.
 */
export const wasmLimits = { budgetBytes: 3 * 2 ** 30 };
/** The share of this machine's memory one trial's model may be estimated to need. */
export const HOST_MEMORY_SHARE = 0.75;

/** How the wasm backend reports running out of memory (and every call after that). */
export const WASM_ABORT =
  /memory access out of bounds|offset is out of bounds|Aborted\(|Cannot enlarge memory/;

const WHAT_TO_DO =
  "install @tensorflow/tfjs-node (or @tensorflow/tfjs-node-gpu) and run with --backend tensorflow " +
  "(`hpo doctor` shows which backends load), or narrow the space to smaller models";

/** Float32 bytes of `params` weights with their gradients and `slots` optimizer tensors, per model. */
export function trainingStateBytes(params: number, slots: number, models: number): number {
  return 4 * params * (2 + slots) * models;
}

/** A layer as far as the estimate looks at it (a tf.layers.Layer fits). */
interface LayerShape {
  outputShape: (number | null)[] | (number | null)[][];
}

/**
 * Float32 bytes of one training step's activations: every layer's output for a batch, kept for the
 * backward pass, and as much again for the gradients flowing back through them. Layers' inner
 * temporaries (attention scores) are not counted: it is an estimate, not a bound.
 */
export function activationBytes(layers: readonly LayerShape[], batch: number): number {
  let values = 0;
  for (const layer of layers) {
    const shapes = (Array.isArray(layer.outputShape[0]) ? layer.outputShape : [layer.outputShape]) as (
      | number
      | null
    )[][];
    for (const shape of shapes) values += shape.reduce<number>((p, d) => p * (d ?? 1), 1);
  }
  return 2 * 4 * values * batch;
}

/** What a model needs to train, for the check and its message. */
export interface TrainingMemory {
  params: number;
  /** Weights, gradients and optimizer slots of every fold's model. */
  stateBytes: number;
  /** One step's activations (one model trains at a time). */
  activationBytes: number;
  optimizer: string;
  folds: number;
  batch: number;
}

const gb = (b: number) => (b / 2 ** 30).toFixed(1);

function describe(m: TrainingMemory): string {
  return (
    `this model has ${m.params.toLocaleString("en-US")} trainable parameters: their weights, gradients and ` +
    `${m.optimizer}'s state${m.folds > 1 ? ` in ${m.folds} folds` : ""} need ${gb(m.stateBytes)} GB, and ` +
    `a batch of ${m.batch} about ${gb(m.activationBytes)} GB of activations: ` +
    `${gb(m.stateBytes + m.activationBytes)} GB in all`
  );
}

/** Raised when a model does not fit the wasm backend; `--backend auto` moves the trial to cpu. */
export class WasmTooSmall extends HpoError {}

/**
 * Throws when the model cannot train here: WasmTooSmall when `backend` is wasm and the estimate
 * exceeds its budget, an HpoError when it exceeds this machine's memory (`hostBytes`, default its RAM).
 */
export function checkTrainingMemory(
  m: TrainingMemory,
  backend: string | undefined,
  hostBytes = totalmem(),
): void {
  const need = m.stateBytes + m.activationBytes;
  const host = HOST_MEMORY_SHARE * hostBytes;
  if (need > host)
    throw new HpoError(
      `${describe(m)}, more than the ${gb(host)} GB a trial may use on this machine ` +
        `(${Math.round(HOST_MEMORY_SHARE * 100)} % of its ${gb(hostBytes)} GB)`,
      { hint: "narrow the space to smaller models or a smaller batch_size" },
    );
  if (backend === "wasm" && need > wasmLimits.budgetBytes)
    throw new WasmTooSmall(
      `${describe(m)}, more than the ${gb(wasmLimits.budgetBytes)} GB hpo allows a model on the wasm backend ` +
        "(4 GB in all); train models this size on the cpu backend (--backend auto moves them there), " +
        "a native backend (@tensorflow/tfjs-node), or narrow the space",
      { hint: WHAT_TO_DO },
    );
}

/** The error for a trial during which the wasm backend aborted. */
export function wasmAbortError(trial: number, params: number | undefined, message: string): HpoError {
  const size = params === undefined ? "" : ` (the model has ${params.toLocaleString("en-US")} parameters)`;
  return new HpoError(
    `the wasm backend ran out of its 4 GB of memory in trial ${trial}${size} and aborted (${message}); ` +
      "this worker's later trials run on the slower cpu backend; train models this size on a native " +
      "backend (@tensorflow/tfjs-node)",
    { hint: WHAT_TO_DO },
  );
}
