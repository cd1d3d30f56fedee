#!/usr/bin/env node
// Builds the native addon with cmake-js into build/Release: hpo_cpu.node always, hpo_cuda.node when a
// CUDA compiler is found. HPO_CUDA=AUTO|ON|OFF (env) chooses; AUTO by default. HPO_BUILD_JOBS sets the
// parallelism (default: the number of cores, at most 4).
//
// A build folder configured for another source folder (a moved or copied checkout) is configured
// afresh instead of failing; a failed build ends with its cause (the last lines of the tools' output
// and the full log in build/native-build.log), even where npm hides a script's output.
import { spawn } from "node:child_process";
import { cpus } from "node:os";
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { staleCacheReason } from "./lib/cmake-cache.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
process.chdir(root);
const require = createRequire(import.meta.url);
const mode = (process.env.HPO_CUDA ?? "AUTO").toUpperCase();
if (!["AUTO", "ON", "OFF"].includes(mode)) {
  console.error(`hpo: HPO_CUDA must be AUTO, ON or OFF, got "${process.env.HPO_CUDA}"`);
  process.exit(2);
}
const jobs = String(process.env.HPO_BUILD_JOBS ?? Math.min(4, cpus().length));
let cmakeJs;
try {
  cmakeJs = require.resolve("cmake-js/bin/cmake-js");
} catch {
  console.error(
    "hpo: cannot build the native addon: the cmake-js package is not installed (npm install first)",
  );
  process.exit(1);
}

const stale = staleCacheReason("build", root);
if (stale) {
  console.error(`hpo: ${stale}; configuring afresh`);
  rmSync("build/CMakeCache.txt", { force: true });
  rmSync("build/CMakeFiles", { recursive: true, force: true });
}

// Configure every time (a few seconds): `cmake-js build` alone keeps the cached HPO_CUDA of an earlier
// configuration, so switching between ON and OFF would silently do nothing.
const configure = [cmakeJs, "configure", "--out", "build", `--CDHPO_CUDA=${mode}`];
// nvcc is often installed without being on PATH.
if (mode !== "OFF" && !process.env.CUDACXX && existsSync("/usr/local/cuda/bin/nvcc")) {
  configure.push("--CDCMAKE_CUDA_COMPILER=/usr/local/cuda/bin/nvcc");
}

const log = [];
// Runs a step with its output shown live and kept for the failure report.
function step(name, args) {
  return new Promise((done) => {
    const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
    child.stdout.on("data", (d) => {
      process.stdout.write(d);
      log.push(String(d));
    });
    child.stderr.on("data", (d) => {
      process.stderr.write(d);
      log.push(String(d));
    });
    child.on("error", (err) => {
      log.push(`${err.message}\n`);
      done({ name, status: 1 });
    });
    child.on("close", (status, signal) => done({ name, status: status ?? 1, signal }));
  });
}

let result = await step("configure", configure);
if (result.status === 0)
  result = await step("build", [cmakeJs, "build", "--out", "build", "--parallel", jobs]);
// A CUDA module left over from an earlier build would otherwise be loaded with stale code.
if (result.status === 0 && mode === "OFF") rmSync("build/Release/hpo_cuda.node", { force: true });
if (result.status !== 0) {
  const text = log.join("");
  mkdirSync("build", { recursive: true });
  writeFileSync("build/native-build.log", text);
  const lines = text.split("\n").filter((l) => l.trim() !== "");
  const cause = lines.filter((l) => /error|not found|cannot|could not|failed/i.test(l)).slice(-8);
  console.error(
    `\nhpo: the native build failed at its ${result.name} step (${result.signal ?? `exit ${result.status}`}).`,
  );
  console.error("hpo: its cause, as the tools reported it:");
  for (const l of cause.length ? cause : lines.slice(-15)) console.error(`     ${l}`);
  console.error(`hpo: the full output is in ${root}build/native-build.log.`);
  if (/cmake.*not found|CMake executable is not found|ENOENT/i.test(text))
    console.error("hpo: cmake was not found: install cmake ≥ 3.18 (and a C++17 compiler).");
  console.error(
    "hpo: a source build needs cmake ≥ 3.18 and a C++17 compiler; HPO_CUDA=OFF skips the CUDA module.",
  );
  console.error(
    "     Users of the npm package need none of this: the prebuilt @hpo/native-<platform> package holds the addon.",
  );
  process.exit(result.status || 1);
}
