import { spawnSync } from "node:child_process";
import * as tf from "@tensorflow/tfjs";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { describeBackends, useBackend } from "../../src/train/backend.js";
import { HpoError } from "../../src/util/errors.js";

test("describes every backend in preference order; portable ones are available", async () => {
  const list = await describeBackends();
  assert.equal(
    list.map((b) => b.name),
    ["tensorflow-gpu", "tensorflow", "native", "cpu", "wasm"],
  );
  const cpu = list.find((b) => b.name === "cpu");
  assert.ok(cpu?.available);
  assert.ok(list.find((b) => b.name === "wasm")?.available);
  for (const native of list.slice(0, 2)) {
    // Not installable here (their install downloads libtensorflow): reported, not thrown.
    if (!native.available) assert.match(native.note ?? "", /not installed or failed to load/);
  }
});

test("selects the asked backend and explains one that cannot load", async () => {
  assert.is(await useBackend("cpu"), "cpu");
  assert.is(tf.getBackend(), "cpu");
  assert.is(await useBackend("wasm"), "wasm");
  assert.is(tf.getBackend(), "wasm");
  const natives = (await describeBackends()).filter((b) => b.name.startsWith("tensorflow") && !b.available);
  for (const b of natives) {
    try {
      await useBackend(b.name);
      assert.unreachable("should throw");
    } catch (err) {
      assert.instance(err, HpoError);
      assert.match(
        (err as Error).message,
        new RegExp(`backend \`${b.name}\` is not available: ${b.package}`),
      );
    }
  }
  try {
    await useBackend("webgpu");
    assert.unreachable("should throw");
  } catch (err) {
    assert.instance(err, HpoError);
    assert.match((err as Error).message, /unknown backend `webgpu`/);
  }
  // auto without a tfjs-node binding: hpo's native backend (it runs every model, so also when the
  // caller says wasm cannot run the model)
  if (natives.length === 2) {
    assert.is(await useBackend("auto"), "native");
    assert.is(tf.getBackend(), "hpo-native");
    assert.is(await useBackend("auto", "cpu"), "native");
  }
  assert.is(await useBackend("native"), "native");
  assert.ok((await describeBackends()).find((b) => b.name === "native")?.available);
});

test("without the addon, auto falls back to wasm then cpu and `native` explains why", () => {
  // A child process: the addon is loaded once per process, and here it must be missing.
  const script = `
    const { useBackend, describeBackends } = await import(${JSON.stringify(new URL("../../src/train/backend.js", import.meta.url).href)});
    const native = (await describeBackends()).find((b) => b.name === "native");
    const out = { available: native.available, note: native.note, auto: await useBackend("auto"), autoCpu: await useBackend("auto", "cpu") };
    try { await useBackend("native"); } catch (err) { out.error = err.message; out.hint = err.hint; }
    console.log(JSON.stringify(out));`;
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
    env: { ...process.env, HPO_NATIVE_CPU_PATH: "/nonexistent/hpo_cpu.node" },
    encoding: "utf8",
  });
  assert.is(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout.trim().split("\n").pop() as string);
  assert.is(out.available, false);
  assert.match(out.note, /the native addon is not built/);
  if (out.auto !== "tensorflow" && out.auto !== "tensorflow-gpu") {
    assert.is(out.auto, "wasm");
    assert.is(out.autoCpu, "cpu");
  }
  assert.match(out.error, /^backend `native` is not available: the native addon is not built/);
});

test.run();
