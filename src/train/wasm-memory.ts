/**
 * The wasm backend's memory limit. TensorFlow.js's wasm backend addresses 32 bits: about 4 GB for
 * every tensor of a worker together, and when an allocation fails the WebAssembly instance aborts
 * ("memory access out of bounds", then "Aborted()" on every later call), so one oversized model
 * would also fail every later trial of its worker. So a model whose weights, gradients and optimizer
 * state alone need more than WASM_STATE_BUDGET is refused before training (the rest of the memory is
 * left to activations), and an abort that happens anyway is recognized, reported with what to do,
 * and the worker's later trials move to the cpu backend (see trainTrial).
 */
import { HpoError } from "../util/errors.js";

/** Bytes the weights, gradients and optimizer slots of a wasm-trained model may take. */
export const WASM_STATE_BUDGET = 3 * 2 ** 30;

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

/** Throws an HpoError naming the sizes when a model's training state would not fit the wasm memory. */
export function checkWasmFits(params: number, slots: number, models: number, optimizer: string): void {
  const bytes = trainingStateBytes(params, slots, models);
  if (bytes <= WASM_STATE_BUDGET) return;
  const gb = (b: number) => (b / 2 ** 30).toFixed(1);
  throw new HpoError(
    `this model has ${params.toLocaleString("en-US")} trainable parameters: their weights, gradients and ` +
      `${optimizer}'s state${models > 1 ? ` in ${models} folds` : ""} need ${gb(bytes)} GB, more than the ` +
      `${gb(WASM_STATE_BUDGET)} GB hpo allows them on the wasm backend (4 GB in all, activations included); ` +
      "train models this size on a native backend (@tensorflow/tfjs-node) or narrow the space",
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
