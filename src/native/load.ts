/**
 * The only place that loads the native addon (no other module may): build/Release/
 * hpo_cpu.node always, hpo_cuda.node when it was built. A failed load becomes a message that says what
 * to do; CUDA problems never stop the CPU path.
 *
 * HPO_NATIVE_CPU_PATH and HPO_NATIVE_CUDA_PATH, when set, name the module files to load instead (a
 * prebuilt module, or a deliberately broken one in tests). HPO_DISABLE_CUDA=1 keeps the CUDA module
 * unloaded. HPO_KERNEL_THREADS limits the native loops of the loading thread (threads.ts).
 */
import { createRequire } from "node:module";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { packageRoot } from "../util/package.js";
import { HpoError, describeError } from "../util/errors.js";
import { KERNEL_THREADS_ENV, parseKernelThreads } from "./threads.js";

const require = createRequire(import.meta.url);

/** The CPU module's exports; each area adds its functions (see native/registry.h). */
// biome-ignore lint/suspicious/noExplicitAny: the addon's surface is typed by the wrappers in src/native/.
export type CpuModule = Record<string, any> & {
  buildInfo(): { compiler: string; napiVersion: number; hardwareThreads: number };
};

export interface CudaDevice {
  index: number;
  name: string;
  memoryBytes: number;
  computeCapability: string;
  multiprocessors: number;
}

export interface CudaDeviceInfo {
  available: boolean;
  reason?: string;
  runtimeVersion: string;
  driverVersion?: string;
  architectures: string;
  devices: CudaDevice[];
}

// biome-ignore lint/suspicious/noExplicitAny: see CpuModule.
export type CudaModule = Record<string, any> & { deviceInfo(): CudaDeviceInfo };

/** Whether CUDA can be used, and why not when it cannot. */
export interface CudaStatus {
  built: boolean;
  available: boolean;
  reason?: string;
  info?: CudaDeviceInfo;
}

/** Where a module is loaded from: the environment override when set, else build/Release/NAME.node. */
export function modulePath(name: "hpo_cpu" | "hpo_cuda"): string {
  const override = name === "hpo_cpu" ? process.env.HPO_NATIVE_CPU_PATH : process.env.HPO_NATIVE_CUDA_PATH;
  if (override) return resolve(override);
  return join(packageRoot(), "build", "Release", `${name}.node`);
}

let cpuModule: CpuModule | undefined;
let cudaModule: CudaModule | null | undefined;
let cudaStatusCache: CudaStatus | undefined;

/** The CPU module; throws an HpoError saying how to build it when it is missing or broken. */
export function loadCpu(): CpuModule {
  if (cpuModule) return cpuModule;
  const path = modulePath("hpo_cpu");
  if (!existsSync(path)) {
    const hint = process.env.HPO_NATIVE_CPU_PATH
      ? "HPO_NATIVE_CPU_PATH names a file that does not exist; unset it to use build/Release"
      : "run `npm run build:native` (needs cmake and a C++17 compiler)";
    throw new HpoError(`the native addon is not built (no ${path})`, { hint });
  }
  let mod: CpuModule;
  try {
    mod = require(path) as CpuModule;
  } catch (err) {
    throw new HpoError(`the native addon ${path} could not be loaded: ${describeError(err)}`, {
      hint: "rebuild it with `npm run build:native`",
    });
  }
  // A probe, as sharp does: a file that loads but is not our module must not be used.
  if (typeof mod?.buildInfo !== "function") {
    throw new HpoError(`${path} is not hpo's CPU addon (it has no buildInfo())`, {
      hint: "rebuild it with `npm run build:native`",
    });
  }
  // This thread's kernel budget (a study's trial worker gets its share of the cores; threads.ts).
  const budget = parseKernelThreads(process.env[KERNEL_THREADS_ENV]);
  if (budget !== undefined) mod.setThreadBudget(budget);
  cpuModule = mod;
  return cpuModule;
}

/** The CUDA module when it was built and loads, else null (see `cudaStatus()` for the reason). */
export function loadCuda(): CudaModule | null {
  if (cudaModule !== undefined) return cudaModule;
  const path = modulePath("hpo_cuda");
  cudaModule = null;
  if (process.env.HPO_DISABLE_CUDA === "1") {
    cudaStatusCache = { built: existsSync(path), available: false, reason: "disabled by HPO_DISABLE_CUDA=1" };
    return null;
  }
  if (!existsSync(path)) {
    cudaStatusCache = {
      built: false,
      available: false,
      reason: process.env.HPO_NATIVE_CUDA_PATH
        ? `HPO_NATIVE_CUDA_PATH names a file that does not exist (${path})`
        : "hpo was built without CUDA (no nvcc at build time, or HPO_CUDA=OFF)",
    };
    return null;
  }
  try {
    const mod = require(path) as CudaModule;
    if (typeof mod?.deviceInfo !== "function")
      throw new Error(`${path} is not hpo's CUDA addon (no deviceInfo())`);
    const info = mod.deviceInfo();
    cudaStatusCache = { built: true, available: info.available, reason: info.reason, info };
    if (info.available) cudaModule = mod;
  } catch (err) {
    cudaStatusCache = {
      built: true,
      available: false,
      reason: `the CUDA module failed to load: ${describeError(err)}`,
    };
  }
  return cudaModule;
}

/** Whether the CUDA path is usable here, with the reason when it is not. */
export function cudaStatus(): CudaStatus {
  loadCuda();
  return cudaStatusCache as CudaStatus;
}

export type Device = "cpu" | "cuda" | "auto";

/** Resolves a requested device: "auto" picks CUDA when usable; "cuda" throws with the reason when not. */
export function resolveDevice(requested: Device): "cpu" | "cuda" {
  if (requested === "cpu") return "cpu";
  const status = cudaStatus();
  if (status.available) return "cuda";
  if (requested === "cuda") throw new HpoError(`CUDA is not available: ${status.reason}`);
  return "cpu";
}
