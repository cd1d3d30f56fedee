import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { platformKey } from "../../src/native/platform.js";

const loadJs = fileURLToPath(new URL("../../src/native/load.js", import.meta.url));
const packageJson = fileURLToPath(new URL("../../../package.json", import.meta.url));
const garbage = join(mkdtempSync(join(tmpdir(), "hpo-load-")), "garbage.node");
writeFileSync(garbage, "this is not a shared object\n");

/** Runs `body` (an async function body with `load` in scope) in a child with `env`; returns its JSON. */
function inChild(env: Record<string, string>, body: string, from = loadJs): unknown {
  const script = `const load = await import(${JSON.stringify(from)}); const out = await (async () => { ${body} })(); console.log(JSON.stringify(out));`;
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
    encoding: "utf8",
    env: { ...process.env, HPO_DISABLE_CUDA: "", ...env },
  });
  assert.is(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

test("the CPU module loads and reports its build", () => {
  const info = inChild({}, "return load.loadCpu().buildInfo();") as { napiVersion: number };
  assert.is(info.napiVersion, 9);
});

test("HPO_NATIVE_CPU_PATH pointing at a missing file is an HpoError with a hint", () => {
  const out = inChild(
    { HPO_NATIVE_CPU_PATH: "/nonexistent/hpo_cpu.node" },
    "try { load.loadCpu(); return null } catch (e) { return { name: e.name, message: e.message, hint: e.hint } }",
  );
  assert.equal(out, {
    name: "HpoError",
    message: "the native addon is not built (no /nonexistent/hpo_cpu.node)",
    hint: "HPO_NATIVE_CPU_PATH names a file that does not exist; unset it to use a source build or the prebuilt package",
  });
});

test("HPO_NATIVE_CPU_PATH pointing at a file that is not an addon explains the failed load", () => {
  const run = (path: string) =>
    inChild(
      { HPO_NATIVE_CPU_PATH: path },
      "try { load.loadCpu(); return null } catch (e) { return { name: e.name, message: e.message } }",
    ) as { name: string; message: string };
  const notElf = run(garbage);
  assert.is(notElf.name, "HpoError");
  assert.match(notElf.message, /^the native addon .*garbage\.node could not be loaded: /);
  const notOurs = run(packageJson);
  assert.is(notOurs.name, "HpoError");
  assert.is(notOurs.message, `${packageJson} is not hpo's CPU addon (it has no buildInfo())`);
});

test("a missing or broken CUDA module falls back to the CPU with the reason", () => {
  const missing = inChild(
    { HPO_NATIVE_CUDA_PATH: "/nonexistent/hpo_cuda.node" },
    `const s = load.cudaStatus(); return { s, device: load.resolveDevice("auto") };`,
  );
  assert.equal(missing, {
    s: {
      built: false,
      available: false,
      reason: "HPO_NATIVE_CUDA_PATH names a file that does not exist (/nonexistent/hpo_cuda.node)",
    },
    device: "cpu",
  });
  const broken = inChild(
    { HPO_NATIVE_CUDA_PATH: garbage },
    `const s = load.cudaStatus(); let thrown; try { load.resolveDevice("cuda") } catch (e) { thrown = e.message } return { s, thrown };`,
  ) as { s: { built: boolean; available: boolean; reason: string }; thrown: string };
  assert.is(broken.s.built, true);
  assert.is(broken.s.available, false);
  assert.match(broken.s.reason, /^the CUDA module failed to load: /);
  assert.is(broken.thrown, `CUDA is not available: ${broken.s.reason}`);
});

test("HPO_DISABLE_CUDA=1 keeps the CUDA module unloaded and device cpu never touches it", () => {
  const out = inChild(
    { HPO_DISABLE_CUDA: "1" },
    `return { s: load.cudaStatus(), device: load.resolveDevice("cpu") };`,
  ) as { s: { available: boolean; reason: string }; device: string };
  assert.equal(out.s.available, false);
  assert.is(out.s.reason, "disabled by HPO_DISABLE_CUDA=1");
  assert.is(out.device, "cpu");
});

test("an installed hpo loads the platform package's addon, and names the package when it is missing", () => {
  // hpo as npm installs it from the tarball (no build/, no .git) beside its platform package.
  const project = mkdtempSync(join(tmpdir(), "hpo-installed-"));
  const hpo = join(project, "node_modules", "hpo");
  const dist = fileURLToPath(new URL("../../src", import.meta.url));
  for (const dir of ["native", "util"])
    cpSync(join(dist, dir), join(hpo, "dist", "src", dir), { recursive: true });
  writeFileSync(join(hpo, "package.json"), JSON.stringify({ name: "hpo", version: "0.0.0", type: "module" }));
  const installedLoad = join(hpo, "dist", "src", "native", "load.js");
  const key = platformKey();
  const pkg = join(project, "node_modules", "@hpo", `native-${key}`);
  mkdirSync(pkg, { recursive: true });
  writeFileSync(join(pkg, "package.json"), JSON.stringify({ name: `@hpo/native-${key}`, version: "0.0.0" }));
  cpSync(inChild({}, "return load.modulePath('hpo_cpu');") as string, join(pkg, "hpo_cpu.node"));
  const env = { HPO_NATIVE_CPU_PATH: "", HPO_NATIVE_CUDA_PATH: "" };
  const loaded = inChild(
    env,
    "return { where: load.locateModule('hpo_cpu'), napi: load.loadCpu().buildInfo().napiVersion, cuda: load.cudaStatus().reason };",
    installedLoad,
  ) as { where: { origin: string; package: string }; napi: number; cuda: string };
  assert.is(loaded.where.origin, "prebuilt package");
  assert.is(loaded.where.package, `@hpo/native-${key}`);
  assert.is(loaded.napi, 9);
  assert.match(loaded.cuda, /^no CUDA module: /);
  rmSync(pkg, { recursive: true });
  const missing = inChild(
    env,
    "try { load.loadCpu(); return null } catch (e) { return { message: e.message, hint: e.hint } }",
    installedLoad,
  ) as { message: string; hint: string };
  assert.match(
    missing.message,
    new RegExp(`^hpo's native addon is missing: no prebuilt package @hpo/native-${key} and no source build`),
  );
  assert.match(missing.hint, /npm rebuild hpo --build-from-source/);
});

const nnJs = fileURLToPath(new URL("../../src/native/nn.js", import.meta.url));
/**
 * In a child with HPO_KERNEL_THREADS = `budget`: the threads the process gained while a product large
 * enough to run in parallel ran, and a digest of its result.
 */
function budgetedProduct(budget: string): { started: number; sum: number; first: number[] } {
  return inChild(
    { HPO_KERNEL_THREADS: budget },
    `const nn = await import(${JSON.stringify(nnJs)});
     const { readdirSync } = await import("node:fs");
     load.loadCpu();
     const n = 301;
     const a = Float32Array.from({ length: n * n }, (_, i) => Math.sin(i));
     const b = Float32Array.from({ length: n * n }, (_, i) => Math.cos(i * 0.7));
     const threads = () => readdirSync("/proc/self/task").length;
     const before = threads();
     const c = nn.matMul(a, b, { m: n, n, k: n, transposeA: false, transposeB: false, aBatches: 1, bBatches: 1,
       aIndex: Int32Array.of(0), bIndex: Int32Array.of(0) }, undefined, "cpu");
     return { started: threads() - before, sum: c.reduce((s, x) => s + x, 0), first: Array.from(c.subarray(0, 8)) };`,
  ) as { started: number; sum: number; first: number[] };
}

test("HPO_KERNEL_THREADS = 1 keeps a thread's kernels on it; results do not depend on the budget", () => {
  if (process.platform !== "linux") return; // reads /proc
  const one = budgetedProduct("1");
  assert.is(one.started, 0, "a budget of one thread starts no pool thread");
  const whole = budgetedProduct("");
  // Unlimited, the same product runs on the process-wide pool (hardware threads - 1 workers).
  if (cpus().length > 1) assert.ok(whole.started >= 1, `started ${whole.started} pool threads`);
  assert.equal(whole.first, one.first);
  assert.is(whole.sum, one.sum);
});

test("a malformed HPO_KERNEL_THREADS fails the addon's load with an HpoError naming it", () => {
  const out = inChild(
    { HPO_KERNEL_THREADS: "lots" },
    "try { load.loadCpu(); return null } catch (e) { return { name: e.name, message: e.message } }",
  ) as { name: string; message: string };
  assert.equal(out, {
    name: "HpoError",
    message: "HPO_KERNEL_THREADS must be an integer from 1 to 4096, got `lots`",
  });
});

test.run();
