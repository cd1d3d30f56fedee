/**
 * TensorFlow.js backend choice. The native bindings (`@tensorflow/tfjs-node-gpu`, then
 * `@tensorflow/tfjs-node`) are optional peer packages: their install downloads libtensorflow, so
 * they are only imported dynamically and a failed import degrades to the backends hpo ships.
 * `native` is hpo's own (`hpo-native`, src/train/native-backend.ts): the cpu backend with its heavy
 * kernels in hpo's addon, so it runs every model `cpu` runs, much faster (bench/train.ts). `auto`
 * takes tensorflow-gpu, tensorflow, native, then the portable ones: `wasm` trains a dense model about
 * 8× faster than the plain-JS `cpu` backend but has no kernels for some gradients (Conv2DBackpropFilter,
 * UnsortedSegmentSum behind embeddings), so without the addon `auto` uses wasm for a model until it
 * meets a missing kernel, then cpu for that kind of model (see trainTrial, which retries such a trial
 * on cpu).
 */
import * as tf from "@tensorflow/tfjs";
import { HpoError, describeError } from "../util/errors.js";
import { TRAINING_BACKENDS, type TrainingBackend } from "../plan/catalog.js";
import { NATIVE_BACKEND, registerNativeBackend } from "./native-backend.js";

export type BackendName = TrainingBackend;

/** The backend names a user may pass to `--backend` (`auto` = the best that loads). */
export const BACKEND_CHOICES = TRAINING_BACKENDS;

export interface BackendInfo {
  name: BackendName;
  /** The npm package that provides it. */
  package: string;
  available: boolean;
  /** Why it is not available (the import error), or a note on its use. */
  note?: string;
}

const NATIVE: { name: BackendName; pkg: string; tfName: string }[] = [
  { name: "tensorflow-gpu", pkg: "@tensorflow/tfjs-node-gpu", tfName: "tensorflow" },
  { name: "tensorflow", pkg: "@tensorflow/tfjs-node", tfName: "tensorflow" },
];

/** Imports a package by a name TypeScript does not resolve at compile time (it may be absent). */
async function importOptional(pkg: string): Promise<{ ok: true } | { ok: false; error: string }> {
  try {
    await import(pkg);
    return { ok: true };
  } catch (err) {
    const msg = err instanceof Error ? err.message.split("\n")[0] : String(err);
    return { ok: false, error: msg ?? "import failed" };
  }
}

let wasmLoaded: Promise<boolean> | undefined;
async function loadWasm(): Promise<boolean> {
  wasmLoaded ??= importOptional("@tensorflow/tfjs-backend-wasm").then((r) => r.ok);
  return wasmLoaded;
}

/** Registers hpo-native once: null when it is ready, else why not (the addon's load error). */
let nativeError: string | null | undefined;
function nativeUnavailable(): string | null {
  if (nativeError === undefined) {
    try {
      registerNativeBackend();
      nativeError = null;
    } catch (err) {
      nativeError = describeError(err);
    }
  }
  return nativeError;
}

/** What each backend is on this machine, in preference order, for `hpo doctor`. */
export async function describeBackends(): Promise<BackendInfo[]> {
  const out: BackendInfo[] = [];
  for (const n of NATIVE) {
    const r = await importOptional(n.pkg);
    out.push({
      name: n.name,
      package: n.pkg,
      available: r.ok,
      note: r.ok ? undefined : `not installed or failed to load (${r.error})`,
    });
  }
  const nativeWhy = nativeUnavailable();
  out.push({
    name: "native",
    package: "hpo's addon (build/Release/hpo_cpu.node)",
    available: nativeWhy === null,
    note:
      nativeWhy ??
      "auto's first choice without tfjs-node: the cpu kernels, with matmul, conv and pooling native",
  });
  out.push({ name: "cpu", package: "@tensorflow/tfjs", available: true, note: "portable default" });
  const wasm = await loadWasm();
  out.push({
    name: "wasm",
    package: "@tensorflow/tfjs-backend-wasm",
    available: wasm,
    note: wasm
      ? "auto's first portable choice; models needing kernels it lacks (conv2d/embedding gradients) run on cpu"
      : "failed to load",
  });
  return out;
}

/**
 * tf.setBackend, false instead of a throw: a binding built against another copy of tfjs-core
 * registers its backend there, not in ours.
 */
async function trySetBackend(name: string): Promise<boolean> {
  try {
    return await tf.setBackend(name);
  } catch {
    return false;
  }
}

let active: BackendName | undefined;
const nativeFailed = new Set<string>();

/**
 * Selects and initialises a backend: `auto` (or undefined) takes the first tfjs-node binding that
 * loads, else `native` (hpo's addon), else `wasm` (when it loads and `portable` is not "cpu"), else
 * `cpu`. Asking for a backend that cannot load is an HpoError.
 */
export async function useBackend(
  choice: string = "auto",
  portable: "wasm" | "cpu" = "wasm",
): Promise<BackendName> {
  if (!(BACKEND_CHOICES as readonly string[]).includes(choice))
    throw new HpoError(`unknown backend \`${choice}\``, {
      hint: `choose one of ${BACKEND_CHOICES.join(", ")}`,
    });
  if (active !== undefined && choice === active) return active;
  if ((active?.startsWith("tensorflow") || active === "native") && choice === "auto") return active;
  const candidates = choice === "auto" ? NATIVE : NATIVE.filter((n) => n.name === choice);
  for (const n of candidates) {
    if (nativeFailed.has(n.pkg)) continue;
    const r = await importOptional(n.pkg);
    if (r.ok && (await trySetBackend(n.tfName))) {
      active = n.name;
      tf.env().set("PROD", true);
      return active;
    }
    if (choice !== "auto")
      throw new HpoError(
        `backend \`${choice}\` is not available: ${n.pkg} ${r.ok ? "did not initialise" : r.error}`,
      );
    nativeFailed.add(n.pkg); // a failed import is not retried for every trial
  }
  if (choice === "native" || choice === "auto") {
    const why = nativeUnavailable();
    if (why === null && (await trySetBackend(NATIVE_BACKEND))) {
      active = "native";
      tf.env().set("PROD", true);
      return active;
    }
    if (choice === "native")
      throw new HpoError(`backend \`native\` is not available: ${why ?? "hpo-native did not initialise"}`, {
        hint: "build hpo's addon with `npm run build:native`, or choose --backend wasm or cpu",
      });
  }
  const target = choice === "auto" ? (portable === "wasm" && (await loadWasm()) ? "wasm" : "cpu") : choice;
  if (active === target) return active;
  if (target === "wasm" && (await loadWasm()) && (await trySetBackend("wasm"))) {
    active = "wasm";
  } else if (target === "wasm" && choice === "wasm") {
    throw new HpoError(
      "backend `wasm` is not available: @tensorflow/tfjs-backend-wasm failed to load or initialise",
    );
  } else {
    // auto: a wasm module that cannot initialise (e.g. no memory for its instance) leaves cpu
    await tf.setBackend("cpu");
    active = "cpu";
  }
  await tf.ready();
  // PROD silences the cpu backend's "install tfjs-node" banner, which would confuse `hpo run` users.
  tf.env().set("PROD", true);
  return active;
}

/** The backend selected by useBackend, if any. */
export function activeBackend(): BackendName | undefined {
  return active;
}
