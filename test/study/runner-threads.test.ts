import { availableParallelism } from "node:os";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { KERNEL_THREADS_ENV, kernelThreadShare } from "../../src/native/threads.js";
import type { ObjectiveSource } from "../../src/study/objective.js";
import { type Isolation, PoolRunner } from "../../src/study/runner.js";
import { fixture } from "../helpers/runtime-deps.js";

const source: ObjectiveSource = {
  kind: "factory",
  from: new URL(`file://${fixture("threads.mjs")}`).href,
  name: "makeObjective",
  arg: {},
};

/** The budgets the workers of a pool running `parallel` trials at once were given. */
async function budgets(isolate: Isolation, parallel: number): Promise<number[]> {
  const runner = new PoolRunner(source, isolate, undefined, parallel);
  const hooks = { onReport: async () => false };
  const outcomes = await Promise.all(
    Array.from({ length: parallel }, (_, id) => runner.run({ id, trial: id, params: {}, seed: id }, hooks)),
  );
  await runner.close();
  return outcomes.map((o) => (o.kind === "returned" ? (o.value as { threads: number }).threads : -1));
}

test("each worker thread or process gets its share of the cores for its native kernels", async () => {
  const cores = availableParallelism();
  for (const isolate of ["thread", "process"] as const) {
    assert.equal(await budgets(isolate, 1), [kernelThreadShare(cores, 1)], isolate);
    assert.equal(
      await budgets(isolate, 2),
      [kernelThreadShare(cores, 2), kernelThreadShare(cores, 2)],
      isolate,
    );
  }
});

test("HPO_KERNEL_THREADS set by the user is every worker's budget", async () => {
  const before = process.env[KERNEL_THREADS_ENV];
  process.env[KERNEL_THREADS_ENV] = "3";
  try {
    assert.equal(await budgets("thread", 2), [3, 3]);
  } finally {
    if (before === undefined) delete process.env[KERNEL_THREADS_ENV];
    else process.env[KERNEL_THREADS_ENV] = before;
  }
});

test.run();
