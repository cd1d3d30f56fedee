import * as tf from "@tensorflow/tfjs";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { describeBackends, useBackend } from "../../src/train/backend.js";
import { HpoError } from "../../src/util/errors.js";

test("describes every backend in preference order; portable ones are available", async () => {
  const list = await describeBackends();
  assert.equal(
    list.map((b) => b.name),
    ["tensorflow-gpu", "tensorflow", "cpu", "wasm"],
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
  // auto without a native binding: wasm first, or cpu when the caller says wasm cannot run the model
  if (natives.length === 2) {
    assert.is(await useBackend("auto"), "wasm");
    assert.is(await useBackend("auto", "cpu"), "cpu");
  }
});

test.run();
