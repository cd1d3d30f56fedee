import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const loadJs = fileURLToPath(new URL("../../src/native/load.js", import.meta.url));
const packageJson = fileURLToPath(new URL("../../../package.json", import.meta.url));
const garbage = join(mkdtempSync(join(tmpdir(), "hpo-load-")), "garbage.node");
writeFileSync(garbage, "this is not a shared object\n");

/** Runs `body` (an async function body with `load` in scope) in a child with `env`; returns its JSON. */
function inChild(env: Record<string, string>, body: string): unknown {
  const script = `const load = await import(${JSON.stringify(loadJs)}); const out = await (async () => { ${body} })(); console.log(JSON.stringify(out));`;
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
    hint: "HPO_NATIVE_CPU_PATH names a file that does not exist; unset it to use build/Release",
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

test.run();
