import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import type { ObjectiveSource } from "../../src/study/objective.js";
import type { TrialOutcome } from "../../src/plan/trial.js";
import { PoolRunner } from "../../src/study/runner.js";
import { fixture } from "../helpers/runtime-deps.js";

const from = new URL(`file://${fixture("sharing.mjs")}`).href;

function source(log: string, share = "share"): ObjectiveSource {
  return { kind: "factory", from, name: "makeObjective", arg: { log }, share: { from, name: share } };
}

async function runFour(runner: PoolRunner): Promise<number[]> {
  const hooks = { onReport: async () => false };
  const job = (id: number) => ({ id, trial: id, params: {}, seed: id });
  const counts: number[] = [];
  for (const pair of [
    [0, 1],
    [2, 3],
  ]) {
    const outcomes: TrialOutcome[] = await Promise.all(pair.map((id) => runner.run(job(id), hooks)));
    for (const o of outcomes) {
      assert.is(o.kind, "returned");
      if (o.kind === "returned") counts.push((o.value as { count: number }).count);
    }
  }
  await runner.close();
  return counts.sort((a, b) => a - b);
}

test("worker threads get what `share` returned once, as the same shared memory", async () => {
  const log = join(mkdtempSync(join(tmpdir(), "hpo-share-")), "calls");
  assert.equal(await runFour(new PoolRunner(source(log), "thread")), [1, 2, 3, 4]);
  assert.is(readFileSync(log, "utf8"), "true\n", "share ran once");
});

test("worker processes get nothing shared; `share` still runs once (e.g. to fill a disk cache)", async () => {
  const log = join(mkdtempSync(join(tmpdir(), "hpo-share-")), "calls");
  assert.equal(await runFour(new PoolRunner(source(log), "process")), [-1, -1, -1, -1]);
  assert.is(readFileSync(log, "utf8"), "false\n");
});

test("a failing or missing `share` shares nothing and the trials still run", async () => {
  const log = join(mkdtempSync(join(tmpdir(), "hpo-share-")), "calls");
  assert.equal(await runFour(new PoolRunner(source(log, "nope"), "thread")), [-1, -1, -1, -1]);
  const unwritable = join(log, "no", "such", "folder");
  assert.equal(await runFour(new PoolRunner(source(unwritable), "thread")), [-1, -1, -1, -1]);
});

test("closing the pool during a long `share` stops its trials and ends the share thread", async () => {
  const log = join(mkdtempSync(join(tmpdir(), "hpo-share-")), "calls");
  const runner = new PoolRunner(source(log, "slowShare"), "thread");
  const pending = runner.run({ id: 1, trial: 1, params: {}, seed: 1 }, { onReport: async () => false });
  await new Promise((r) => setTimeout(r, 200));
  await runner.close();
  assert.equal(await pending, { kind: "stopped" });
  assert.equal(await runner.run({ id: 2, trial: 2, params: {}, seed: 2 }, { onReport: async () => false }), {
    kind: "stopped",
  });
});

test.run();
