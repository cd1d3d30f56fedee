/**
 * The only place that loads the native addon (no other module may): hpo_cpu.node always, hpo_cuda.node
 * when there is one. Each is looked for, in order, at
 *
 *   1. HPO_NATIVE_CPU_PATH / HPO_NATIVE_CUDA_PATH: a file named on purpose (or a broken one in tests);
 *   2. build/Release/NAME.node: a source build (`npm run build:native` in a checkout, or
 *      `npm rebuild hpo --build-from-source`), which exists only when someone asked for one;
 *   3. the prebuilt platform package (`@hpo/native-linux-x64-gnu`, `@hpo/cuda-linux-x64-gnu`, …; see
 *      platform.ts) that npm installed as an optional dependency.
 *
 * A failed load becomes a message that says which package is missing and how to build from source;
 * CUDA problems never stop the CPU path. HPO_DISABLE_CUDA=1 keeps the CUDA module unloaded.
 * HPO_KERNEL_THREADS limits the native loops of the loading thread (threads.ts).
 */
import { createRequire } from "node:module";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { packageRoot } from "../util/package.js";
import { HpoError, describeError } from "../util/errors.js";
import { currentPlatform, type ModuleName, nativePackageName, platformKey } from "./platform.js";
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

/** Where a module was found: a named file, a source build or a prebuilt package. */
export interface ModuleLocation {
  path: string;
  origin: "environment" | "source build" | "prebuilt package";
  /** The platform package it came from (origin "prebuilt package"). */
  package?: string;
}

// Resolution starts in hpo's own folder, where npm puts (or hoists above) its optional dependencies.
const fromPackage = () => createRequire(join(packageRoot(), "package.json"));

/** The module file of the platform package for this platform, when one is installed. */
function prebuiltModule(name: ModuleName): ModuleLocation | undefined {
  const pkg = nativePackageName(name, platformKey());
  try {
    return { path: fromPackage().resolve(`${pkg}/${name}.node`), origin: "prebuilt package", package: pkg };
  } catch {
    return undefined;
  }
}

/** Where `name` would be loaded from, or undefined when it is nowhere (see the order above). */
export function locateModule(name: ModuleName): ModuleLocation | undefined {
  const override = name === "hpo_cpu" ? process.env.HPO_NATIVE_CPU_PATH : process.env.HPO_NATIVE_CUDA_PATH;
  if (override) return { path: resolve(override), origin: "environment" };
  const built = join(packageRoot(), "build", "Release", `${name}.node`);
  if (existsSync(built)) return { path: built, origin: "source build" };
  return prebuiltModule(name);
}

/** The file a module is loaded from: where it was found, else where a source build puts it. */
export function modulePath(name: ModuleName): string {
  return locateModule(name)?.path ?? join(packageRoot(), "build", "Release", `${name}.node`);
}

/** In a git checkout a source build is the way; in an installed package, the platform package. */
const inCheckout = () => existsSync(join(packageRoot(), ".git"));

const BUILD_FROM_SOURCE =
  "`npm rebuild hpo --build-from-source` (or HPO_BUILD_FROM_SOURCE=1 npm rebuild hpo; needs cmake ≥ 3.18 and a C++17 compiler)";

/** What to do when `name` is nowhere: which package to install, or how to build it. */
export function missingModuleHint(name: ModuleName): string {
  if (inCheckout()) return "run `npm run build:native` (needs cmake ≥ 3.18 and a C++17 compiler)";
  const key = platformKey();
  const platform = currentPlatform();
  if (!platform || (name === "hpo_cuda" && !platform.cuda))
    return `there is no prebuilt ${name === "hpo_cpu" ? "addon" : "CUDA module"} for ${key}; build from source: ${BUILD_FROM_SOURCE}`;
  return (
    `npm did not install the optional package ${nativePackageName(name, key)} (installs with --omit=optional or ` +
    `--no-optional skip it): reinstall hpo with optional dependencies, or build from source: ${BUILD_FROM_SOURCE}`
  );
}

let cpuModule: CpuModule | undefined;
let cudaModule: CudaModule | null | undefined;
let cudaStatusCache: CudaStatus | undefined;

/** The CPU module; throws an HpoError saying how to build it when it is missing or broken. */
export function loadCpu(): CpuModule {
  if (cpuModule) return cpuModule;
  const found = locateModule("hpo_cpu");
  const path = found?.path ?? modulePath("hpo_cpu");
  if (!found || !existsSync(path)) {
    if (found?.origin === "environment")
      throw new HpoError(`the native addon is not built (no ${path})`, {
        hint: "HPO_NATIVE_CPU_PATH names a file that does not exist; unset it to use a source build or the prebuilt package",
      });
    throw new HpoError(
      `hpo's native addon is missing: no prebuilt package ${nativePackageName("hpo_cpu", platformKey())} and no source build (${path})`,
      { hint: missingModuleHint("hpo_cpu") },
    );
  }
  let mod: CpuModule;
  try {
    mod = require(path) as CpuModule;
  } catch (err) {
    throw new HpoError(`the native addon ${path} could not be loaded: ${describeError(err)}`, {
      hint: reloadHint(found),
    });
  }
  // A probe, as sharp does: a file that loads but is not our module must not be used.
  if (typeof mod?.buildInfo !== "function") {
    throw new HpoError(`${path} is not hpo's CPU addon (it has no buildInfo())`, {
      hint: reloadHint(found),
    });
  }
  // This thread's kernel budget (a study's trial worker gets its share of the cores; threads.ts).
  const budget = parseKernelThreads(process.env[KERNEL_THREADS_ENV]);
  if (budget !== undefined) mod.setThreadBudget(budget);
  cpuModule = mod;
  return cpuModule;
}

/** What to do about a module file that exists but does not load. */
function reloadHint(found: ModuleLocation): string {
  if (found.origin === "environment") return "HPO_NATIVE_CPU_PATH names this file: unset it or fix the file";
  if (found.origin === "prebuilt package")
    return `reinstall ${found.package}, or build from source: ${BUILD_FROM_SOURCE}`;
  return inCheckout() ? "rebuild it with `npm run build:native`" : `rebuild it: ${BUILD_FROM_SOURCE}`;
}

/** The CUDA module when it was built and loads, else null (see `cudaStatus()` for the reason). */
export function loadCuda(): CudaModule | null {
  if (cudaModule !== undefined) return cudaModule;
  const found = locateModule("hpo_cuda");
  const path = found?.path ?? modulePath("hpo_cuda");
  cudaModule = null;
  if (process.env.HPO_DISABLE_CUDA === "1") {
    cudaStatusCache = { built: existsSync(path), available: false, reason: "disabled by HPO_DISABLE_CUDA=1" };
    return null;
  }
  if (!found || !existsSync(path)) {
    cudaStatusCache = {
      built: false,
      available: false,
      reason:
        found?.origin === "environment"
          ? `HPO_NATIVE_CUDA_PATH names a file that does not exist (${path})`
          : inCheckout()
            ? "hpo was built without CUDA (no nvcc at build time, or HPO_CUDA=OFF)"
            : `no CUDA module: ${missingModuleHint("hpo_cuda")}`,
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
