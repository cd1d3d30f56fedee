#!/usr/bin/env node
// Builds the native addon with cmake-js into build/Release: hpo_cpu.node always, hpo_cuda.node when a
// CUDA compiler is found. HPO_CUDA=AUTO|ON|OFF (env) chooses; AUTO by default. HPO_BUILD_JOBS sets the
// parallelism (default: the number of cores, at most 4).
import { spawnSync } from "node:child_process";
import { cpus } from "node:os";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const mode = (process.env.HPO_CUDA ?? "AUTO").toUpperCase();
if (!["AUTO", "ON", "OFF"].includes(mode)) {
  console.error(`hpo: HPO_CUDA must be AUTO, ON or OFF, got "${process.env.HPO_CUDA}"`);
  process.exit(2);
}
const jobs = String(process.env.HPO_BUILD_JOBS ?? Math.min(4, cpus().length));
const args = [
  require.resolve("cmake-js/bin/cmake-js"),
  "compile",
  "--out",
  "build",
  "--parallel",
  jobs,
  `--CDHPO_CUDA=${mode}`,
];
// nvcc is often installed without being on PATH.
if (mode !== "OFF" && !process.env.CUDACXX && existsSync("/usr/local/cuda/bin/nvcc")) {
  args.push("--CDCMAKE_CUDA_COMPILER=/usr/local/cuda/bin/nvcc");
}
const result = spawnSync(process.execPath, args, { stdio: "inherit" });
if (result.status !== 0) {
  console.error("hpo: the native build failed (see above). It needs cmake ≥ 3.18 and a C++17 compiler;");
  console.error("     set HPO_CUDA=OFF to skip the CUDA module.");
  process.exit(result.status ?? 1);
}
