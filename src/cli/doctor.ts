import type { Command } from "commander";
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { cudaStatus, loadCpu, locateModule, modulePath, type CudaDevice } from "../native/load.js";
import { philoxBlock } from "../native/rng.js";
import { describeError, HpoError } from "../util/errors.js";
import { packageRoot, packageVersion } from "../util/package.js";

/** TensorFlow.js packages the trainer can use, most capable first. */
export const TFJS_BACKENDS = [
  "@tensorflow/tfjs-node-gpu",
  "@tensorflow/tfjs-node",
  "@tensorflow/tfjs-backend-wasm",
  "@tensorflow/tfjs",
] as const;

/**
 * The backend the built-in trainer's `auto` takes given what imports and whether the CPU addon has
 * the training kernels (the order of src/train/backend.ts; not imported here because it loads
 * TensorFlow.js).
 */
export function trainerAutoBackend(tfjs: DoctorFacts["tfjs"], trainingKernels = false): string {
  const ok = (name: string) => tfjs.some((t) => t.name === name && t.importable);
  if (ok("@tensorflow/tfjs-node-gpu")) return "tensorflow-gpu (@tensorflow/tfjs-node-gpu)";
  if (ok("@tensorflow/tfjs-node")) return "tensorflow (@tensorflow/tfjs-node)";
  if (trainingKernels && ok("@tensorflow/tfjs"))
    return "native (hpo-native: @tensorflow/tfjs with matmul, conv and pooling in hpo's addon)";
  if (ok("@tensorflow/tfjs-backend-wasm"))
    return "wasm (and cpu for models that need kernels wasm lacks, e.g. conv2d gradients)";
  if (ok("@tensorflow/tfjs")) return "cpu (@tensorflow/tfjs)";
  return "none: no TensorFlow.js package imports (built-in trainer studies cannot run)";
}

/** Everything `hpo doctor` reports; `--json` prints this object. */
export interface DoctorFacts {
  /** True when the CPU path works (the exit code is 0 exactly then). */
  ok: boolean;
  hpo: { version: string };
  node: { version: string; platform: string; arch: string; napi: string; supported: boolean };
  addon: {
    cpu: {
      path: string;
      /** Where it was found: a named file, a source build or a prebuilt package (none: missing). */
      origin?: string;
      loaded: boolean;
      compiler?: string;
      napiVersion?: number;
      hardwareThreads?: number;
      /** The Philox known-answer self-test: the native math gives the published result. */
      selfTest?: "passed" | "failed";
      /** What to do when it does not load. */
      hint?: string;
      /** The addon has the training kernels behind `--backend native` (native/nn). */
      trainingKernels?: boolean;
      error?: string;
    };
    cuda: {
      path: string;
      origin?: string;
      built: boolean;
      available: boolean;
      runtimeVersion?: string;
      driverVersion?: string;
      architectures: string[];
      reason?: string;
    };
  };
  /** CUDA devices found; empty with `devicesReason` when there are none. */
  devices: CudaDevice[];
  devicesReason?: string;
  tfjs: { name: string; importable: boolean; version?: string; error?: string }[];
  storage: { name: string; loads: boolean; version?: string; detail?: string; error?: string }[];
}

const require = createRequire(import.meta.url);

// The version in the package.json of installed package `name` (found from its resolved entry point).
function installedVersion(name: string): string | undefined {
  try {
    let dir = dirname(require.resolve(name));
    for (let i = 0; i < 6; i++, dir = dirname(dir)) {
      try {
        const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as {
          name?: string;
          version?: string;
        };
        if (pkg.name === name) return pkg.version;
      } catch {
        // no package.json at this level: keep walking up
      }
    }
  } catch {
    // not resolvable
  }
  return undefined;
}

function cpuFacts(): DoctorFacts["addon"]["cpu"] {
  const path = modulePath("hpo_cpu");
  const origin = locateModule("hpo_cpu")?.origin;
  try {
    const addon = loadCpu();
    const info = addon.buildInfo();
    // Random123's first known answer: counter 0, key 0.
    const block = Array.from(philoxBlock([0, 0, 0, 0], [0, 0]));
    const passed = block.join(",") === [0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8].join(",");
    const trainingKernels = typeof addon.nnMatMul === "function";
    return { path, origin, loaded: true, ...info, selfTest: passed ? "passed" : "failed", trainingKernels };
  } catch (err) {
    return {
      path,
      origin,
      loaded: false,
      error: describeError(err),
      hint: err instanceof HpoError ? err.hint : undefined,
    };
  }
}

function cudaFacts(): Pick<DoctorFacts, "devices" | "devicesReason"> & {
  cuda: DoctorFacts["addon"]["cuda"];
} {
  const status = cudaStatus();
  const info = status.info;
  const cuda: DoctorFacts["addon"]["cuda"] = {
    path: modulePath("hpo_cuda"),
    origin: locateModule("hpo_cuda")?.origin,
    built: status.built,
    available: status.available,
    runtimeVersion: info?.runtimeVersion,
    driverVersion: info?.driverVersion,
    architectures: info?.architectures ? info.architectures.split(/\s+/).filter(Boolean) : [],
    reason: status.reason,
  };
  const devices = info?.devices ?? [];
  return { cuda, devices, devicesReason: devices.length ? undefined : status.reason };
}

// Imports `name` in a child process (a backend that crashes or hangs while loading must not take
// `hpo doctor` with it) and reports whether that worked.
function probeImport(name: string, timeoutMs = 120_000): Promise<DoctorFacts["tfjs"][number]> {
  const script = `const m = await import(${JSON.stringify(name)}); const v = m.version ?? m.default?.version; process.stdout.write(JSON.stringify(typeof v === "object" ? v["tfjs-core"] ?? v["tfjs"] ?? null : v ?? null));`;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--input-type=module", "-e", script], {
      cwd: packageRoot(),
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: "2" },
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      if (code === 0) {
        let version: string | undefined;
        try {
          version = JSON.parse(out.trim().split("\n").pop() ?? "null") ?? undefined;
        } catch {
          version = undefined;
        }
        resolve({ name, importable: true, version: version ?? installedVersion(name) });
        return;
      }
      let error: string;
      if (signal) error = `importing it was stopped after ${timeoutMs / 1000} s (${signal})`;
      else if (/ERR_MODULE_NOT_FOUND|Cannot find (package|module)/.test(err) && err.includes(name))
        error = "not installed";
      else {
        const line = err.split("\n").find((l) => /Error/.test(l)) ?? err.trim().split("\n")[0] ?? "";
        error = line.trim() || `the import exited with code ${code}`;
      }
      resolve({ name, importable: false, error });
    });
  });
}

async function storageFacts(): Promise<DoctorFacts["storage"]> {
  const out: DoctorFacts["storage"] = [];
  try {
    const Database = require("better-sqlite3") as new (
      path: string,
    ) => { prepare(sql: string): { get(): unknown }; close(): void };
    const db = new Database(":memory:");
    const row = db.prepare("select sqlite_version() as v").get() as { v: string };
    db.close();
    out.push({
      name: "better-sqlite3",
      loads: true,
      version: installedVersion("better-sqlite3"),
      detail: `SQLite ${row.v}`,
    });
  } catch (err) {
    out.push({ name: "better-sqlite3", loads: false, error: describeError(err) });
  }
  try {
    const pg = (await import("pg")) as { default?: { Client?: unknown } };
    if (typeof pg.default?.Client !== "function") throw new Error("pg has no Client");
    out.push({
      name: "pg",
      loads: true,
      version: installedVersion("pg"),
      detail: "client only, no server contacted",
    });
  } catch (err) {
    out.push({ name: "pg", loads: false, error: describeError(err) });
  }
  return out;
}

/** Gathers every fact `hpo doctor` prints. Never throws: each failure is a fact. */
export async function gatherFacts(): Promise<DoctorFacts> {
  const tfjs = Promise.all(TFJS_BACKENDS.map((name) => probeImport(name)));
  const cpu = cpuFacts();
  const { cuda, devices, devicesReason } = cudaFacts();
  const major = Number(process.versions.node.split(".")[0]);
  return {
    ok: cpu.loaded && cpu.selfTest === "passed",
    hpo: { version: packageVersion() },
    node: {
      version: process.version,
      platform: process.platform,
      arch: process.arch,
      napi: process.versions.napi ?? "unknown",
      supported: major >= 20,
    },
    addon: { cpu, cuda },
    devices,
    devicesReason,
    tfjs: await tfjs,
    storage: await storageFacts(),
  };
}

const GIB = 1024 ** 3;

/** The human-readable report. */
export function formatFacts(f: DoctorFacts): string {
  const lines: string[] = [];
  const row = (label: string, text: string) => lines.push(`${label.padEnd(12)}${text}`);
  const more = (text: string) => lines.push(`${"".padEnd(12)}${text}`);
  row("hpo", f.hpo.version);
  row(
    "node",
    `${f.node.version} (${f.node.platform} ${f.node.arch}, N-API ${f.node.napi})${f.node.supported ? "" : " — hpo needs Node.js 20 or newer"}`,
  );
  const cpu = f.addon.cpu;
  if (cpu.loaded) {
    row(
      "cpu addon",
      `ok: ${cpu.compiler}, N-API ${cpu.napiVersion}, ${cpu.hardwareThreads} hardware threads, Philox self-test ${cpu.selfTest}`,
    );
  } else row("cpu addon", `NOT WORKING: ${cpu.error}`);
  if (!cpu.loaded && cpu.hint) more(`help: ${cpu.hint}`);
  more(cpu.origin ? `${cpu.path} (${cpu.origin})` : cpu.path);
  const cuda = f.addon.cuda;
  if (!cuda.built) row("cuda addon", `not built: ${cuda.reason}`);
  else {
    const runtime = cuda.runtimeVersion ? `CUDA runtime ${cuda.runtimeVersion} (static)` : "CUDA";
    const arch = cuda.architectures.length ? `, architectures ${cuda.architectures.join(" ")}` : "";
    const driver = cuda.driverVersion ? `, driver ${cuda.driverVersion}` : "";
    row("cuda addon", `built: ${runtime}${arch}${driver}`);
    if (cuda.origin) more(`${cuda.path} (${cuda.origin})`);
    more(cuda.available ? "usable" : `not usable: ${cuda.reason}`);
  }
  if (f.devices.length === 0) row("devices", `none: ${f.devicesReason}`);
  f.devices.forEach((d, i) => {
    const text = `${d.index}: ${d.name}, ${(d.memoryBytes / GIB).toFixed(1)} GiB, compute capability ${d.computeCapability}, ${d.multiprocessors} SMs`;
    if (i === 0) row("devices", text);
    else more(text);
  });
  f.tfjs.forEach((t, i) => {
    const text = `${t.name}: ${t.importable ? `ok${t.version ? ` (${t.version})` : ""}` : t.error}`;
    if (i === 0) row("tfjs", text);
    else more(text);
  });
  row("trainer", `--backend auto uses ${trainerAutoBackend(f.tfjs, f.addon.cpu.trainingKernels)}`);
  f.storage.forEach((s, i) => {
    const text = s.loads
      ? `${s.name}${s.version ? ` ${s.version}` : ""}: ok${s.detail ? ` (${s.detail})` : ""}`
      : `${s.name}: does not load: ${s.error}`;
    if (i === 0) row("storage", text);
    else more(text);
  });
  row("result", f.ok ? "the CPU path works" : "the CPU path does NOT work (see cpu addon above)");
  return `${lines.join("\n")}\n`;
}

/** `hpo doctor`: what this installation can do. Exit code 0 exactly when the CPU path works. */
export function registerDoctor(program: Command): void {
  program
    .command("doctor")
    .description("report Node, the native addon, GPUs, TensorFlow.js backends and storage drivers")
    .option("--json", "print the facts as JSON")
    .action(async (opts: { json?: boolean }) => {
      const facts = await gatherFacts();
      process.stdout.write(opts.json ? `${JSON.stringify(facts, null, 2)}\n` : formatFacts(facts));
      process.exitCode = facts.ok ? 0 : 1;
    });
}
