import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { type DoctorFacts, formatFacts, TFJS_BACKENDS, trainerAutoBackend } from "../../src/cli/doctor.js";

const bin = fileURLToPath(new URL("../../../bin/hpo.js", import.meta.url));
const hpo = (env: Record<string, string>, ...args: string[]) =>
  spawnSync(process.execPath, [bin, ...args], { encoding: "utf8", env: { ...process.env, ...env } });

test("doctor --json reports node, both addons, devices or why none, tfjs backends and storage drivers", () => {
  const r = hpo({}, "doctor", "--json");
  assert.is(r.status, 0, r.stderr);
  const f = JSON.parse(r.stdout) as DoctorFacts;
  assert.is(f.ok, true);
  assert.is(f.node.version, process.version);
  assert.is(f.node.supported, true);
  assert.is(f.addon.cpu.loaded, true);
  assert.is(f.addon.cpu.selfTest, "passed");
  assert.is(f.addon.cpu.napiVersion, 9);
  assert.type(f.addon.cuda.built, "boolean");
  if (f.addon.cuda.built) {
    assert.match(f.addon.cuda.runtimeVersion ?? "", /^\d+\.\d+$/);
    assert.ok(f.addon.cuda.architectures.includes("90-real"), f.addon.cuda.architectures.join(" "));
  }
  if (f.devices.length === 0) assert.type(f.devicesReason, "string");
  else for (const d of f.devices) assert.match(d.computeCapability, /^\d+\.\d+$/);
  assert.equal(
    f.tfjs.map((t) => t.name),
    [...TFJS_BACKENDS],
  );
  for (const t of f.tfjs) assert.ok(t.importable || (t.error ?? "").length > 0, t.name);
  // This project installs the portable packages; the native ones are optional and absent here.
  assert.ok(f.tfjs.find((t) => t.name === "@tensorflow/tfjs")?.importable);
  const sqlite = f.storage.find((s) => s.name === "better-sqlite3");
  assert.is(sqlite?.loads, true);
  assert.match(sqlite?.detail ?? "", /^SQLite \d+\.\d+/);
  assert.is(f.storage.find((s) => s.name === "pg")?.loads, true);
});

test("doctor with CUDA disabled says why there are no devices and still exits 0", () => {
  const r = hpo({ HPO_DISABLE_CUDA: "1" }, "doctor");
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /^devices {5}none: disabled by HPO_DISABLE_CUDA=1$/m);
  assert.match(r.stdout, /^cpu addon {3}ok: .*Philox self-test passed$/m);
  assert.match(r.stdout, /^result {6}the CPU path works$/m);
});

test("doctor exits 1 and says so when the CPU addon cannot be loaded", () => {
  const r = hpo({ HPO_NATIVE_CPU_PATH: "/nonexistent/hpo_cpu.node" }, "doctor", "--json");
  assert.is(r.status, 1);
  const f = JSON.parse(r.stdout) as DoctorFacts;
  assert.is(f.ok, false);
  assert.is(f.addon.cpu.loaded, false);
  assert.is(f.addon.cpu.error, "the native addon is not built (no /nonexistent/hpo_cpu.node)");
  assert.is(f.addon.cpu.origin, "environment");
});

test("the text report lists each device with memory and compute capability", () => {
  const facts: DoctorFacts = {
    ok: true,
    hpo: { version: "0.1.0" },
    node: { version: "v20.1.0", platform: "linux", arch: "x64", napi: "9", supported: true },
    addon: {
      cpu: {
        path: "/x/hpo_cpu.node",
        loaded: true,
        compiler: "gcc 12",
        napiVersion: 9,
        hardwareThreads: 8,
        selfTest: "passed",
      },
      cuda: {
        path: "/x/hpo_cuda.node",
        built: true,
        available: true,
        runtimeVersion: "13.0",
        driverVersion: "13.1",
        architectures: ["80-real", "90-real"],
      },
    },
    devices: [
      {
        index: 0,
        name: "NVIDIA H200",
        memoryBytes: 150 * 1024 ** 3,
        computeCapability: "9.0",
        multiprocessors: 132,
      },
      {
        index: 1,
        name: "NVIDIA A100",
        memoryBytes: 40 * 1024 ** 3,
        computeCapability: "8.0",
        multiprocessors: 108,
      },
    ],
    tfjs: [{ name: "@tensorflow/tfjs-node-gpu", importable: true, version: "4.22.0" }],
    storage: [{ name: "pg", loads: false, error: "Cannot find module 'pg'" }],
  };
  assert.fixture(
    formatFacts(facts),
    [
      "hpo         0.1.0",
      "node        v20.1.0 (linux x64, N-API 9)",
      "cpu addon   ok: gcc 12, N-API 9, 8 hardware threads, Philox self-test passed",
      "            /x/hpo_cpu.node",
      "cuda addon  built: CUDA runtime 13.0 (static), architectures 80-real 90-real, driver 13.1",
      "            usable",
      "devices     0: NVIDIA H200, 150.0 GiB, compute capability 9.0, 132 SMs",
      "            1: NVIDIA A100, 40.0 GiB, compute capability 8.0, 108 SMs",
      "tfjs        @tensorflow/tfjs-node-gpu: ok (4.22.0)",
      "trainer     --backend auto uses tensorflow-gpu (@tensorflow/tfjs-node-gpu)",
      "storage     pg: does not load: Cannot find module 'pg'",
      "result      the CPU path works",
      "",
    ].join("\n"),
  );
});

test("the trainer's auto backend follows what imports: native first, then wasm, then cpu", () => {
  const facts = (names: string[]) =>
    TFJS_BACKENDS.map((name) => ({ name, importable: names.includes(name) }));
  assert.match(trainerAutoBackend(facts([...TFJS_BACKENDS])), /^tensorflow-gpu/);
  assert.match(trainerAutoBackend(facts(["@tensorflow/tfjs-node", "@tensorflow/tfjs"])), /^tensorflow \(/);
  assert.match(trainerAutoBackend(facts(["@tensorflow/tfjs-backend-wasm", "@tensorflow/tfjs"])), /^wasm/);
  // hpo's own backend comes after tfjs-node and before wasm when the addon has the training kernels
  assert.match(
    trainerAutoBackend(facts(["@tensorflow/tfjs-backend-wasm", "@tensorflow/tfjs"]), true),
    /^native/,
  );
  assert.match(
    trainerAutoBackend(facts(["@tensorflow/tfjs-node", "@tensorflow/tfjs"]), true),
    /^tensorflow \(/,
  );
  assert.match(trainerAutoBackend(facts(["@tensorflow/tfjs"])), /^cpu/);
  assert.match(trainerAutoBackend(facts([])), /^none/);
});

test.run();
