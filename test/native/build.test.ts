// Promises the native build makes (the CPU module never links CUDA, the CUDA one links its runtime
// statically, shipped code never exits or prints), checked on the built files and the sources.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { modulePath } from "../../src/native/load.js";
import { skipWithReason } from "../helpers/skip.js";

const nativeDir = fileURLToPath(new URL("../../../native", import.meta.url));

// The shared libraries a module asks the dynamic loader for (its DT_NEEDED entries).
function neededLibraries(path: string): string[] {
  const r = spawnSync("readelf", ["-d", path], { encoding: "utf8" });
  assert.is(r.status, 0, r.stderr);
  return [...r.stdout.matchAll(/\(NEEDED\)\s+Shared library: \[([^\]]+)\]/g)].map((m) => m[1]);
}

test("hpo_cpu.node never links CUDA", () => {
  const libs = neededLibraries(modulePath("hpo_cpu"));
  assert.ok(libs.length > 0, "readelf listed no libraries");
  assert.equal(
    libs.filter((l) => /cuda|cublas|cusolver|curand/i.test(l)),
    [],
  );
});

const cudaPath = modulePath("hpo_cuda");
if (existsSync(cudaPath)) {
  test("hpo_cuda.node links the CUDA runtime statically, so it loads without CUDA libraries", () => {
    const libs = neededLibraries(cudaPath);
    assert.equal(
      libs.filter((l) => /cudart|cublas|cusolver|curand|libcuda\.so/i.test(l)),
      [],
    );
  });
} else {
  skipWithReason(test, "hpo_cuda.node links the CUDA runtime statically", "hpo was built without CUDA");
}

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === "dev" ? [] : sources(path);
    return /\.(h|hpp|cpp|cc|cu|cuh)$/.test(name) ? [path] : [];
  });
}

test("shipped native code never calls exit, abort or printf (only native/dev/ may)", () => {
  const offenders: string[] = [];
  for (const file of sources(nativeDir)) {
    readFileSync(file, "utf8")
      .split("\n")
      .forEach((line, i) => {
        const code = line.replace(/\/\/.*$/, "");
        if (/(^|[^\w.>:])(std::)?(exit|_exit|abort|printf|fprintf|puts)\s*\(/.test(code)) {
          offenders.push(`${file.slice(nativeDir.length + 1)}:${i + 1}: ${line.trim()}`);
        }
      });
  }
  assert.equal(offenders, []);
});

test.run();
