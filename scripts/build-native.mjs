#!/usr/bin/env node
// Builds the native addon with cmake-js into build/Release: hpo_cpu.node always, hpo_cuda.node when a
// CUDA compiler is found. HPO_CUDA=AUTO|ON|OFF (env) chooses; AUTO by default. HPO_BUILD_JOBS sets the
// parallelism (default: the number of cores, at most 4).
import { spawnSync } from "node:child_process";
import { cpus } from "node:os";
import { existsSync, rmSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const mode = (process.env.HPO_CUDA ?? "AUTO").toUpperCase();
if (!["AUTO", "ON", "OFF"].includes(mode)) {
  console.error(`hpo: HPO_CUDA must be AUTO, ON or OFF, got "${process.env.HPO_CUDA}"`);
  process.exit(2);
}
const jobs = String(process.env.HPO_BUILD_JOBS ?? Math.min(4, cpus().length));
const cmakeJs = require.resolve("cmake-js/bin/cmake-js");
// Configure every time (a few seconds): `cmake-js build` alone keeps the cached HPO_CUDA of an earlier
// configuration, so switching between ON and OFF would silently do nothing.
const configure = [cmakeJs, "configure", "--out", "build", `--CDHPO_CUDA=${mode}`];
// nvcc is often installed without being on PATH.
if (mode !== "OFF" && !process.env.CUDACXX && existsSync("/usr/local/cuda/bin/nvcc")) {
  configure.push("--CDCMAKE_CUDA_COMPILER=/usr/local/cuda/bin/nvcc");
}
let result = spawnSync(process.execPath, configure, { stdio: "inherit" });
if (result.status === 0) {
  result = spawnSync(process.execPath, [cmakeJs, "build", "--out", "build", "--parallel", jobs], {
    stdio: "inherit",
  });
}
// A CUDA module left over from an earlier build would otherwise be loaded with stale code.
if (result.status === 0 && mode === "OFF") rmSync("build/Release/hpo_cuda.node", { force: true });
if (result.status !== 0) {
  console.error("hpo: the native build failed (see above). It needs cmake ≥ 3.18 and a C++17 compiler;");
  console.error("     set HPO_CUDA=OFF to skip the CUDA module.");
  process.exit(result.status ?? 1);
}
