import { availableParallelism } from "node:os";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { KERNEL_THREADS_ENV, kernelThreadShare } from "../../src/native/threads.js";
import type { ObjectiveSource } from "../../src/study/objective.js";
import {
  DEFAULT_TRIAL_MEMORY_MB,
  type Isolation,
  PoolRunner,
  TRIAL_YOUNG_GENERATION_MB,
} from "../../src/study/runner.js";
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

test("a trial worker thread gets the trial memory and the larger young generation", async () => {
  const limits: ObjectiveSource = { ...source, from: new URL(`file://${fixture("heap-limits.mjs")}`).href };
  const runner = new PoolRunner(limits, "thread", 512, 1);
  const outcome = await runner.run({ id: 0, trial: 0, params: {}, seed: 0 }, { onReport: async () => false });
  await runner.close();
  assert.is(outcome.kind, "returned");
  const got = (outcome as { value: { maxOldGenerationSizeMb: number; maxYoungGenerationSizeMb: number } })
    .value;
  assert.is(got.maxOldGenerationSizeMb, 512);
  assert.is(got.maxYoungGenerationSizeMb, TRIAL_YOUNG_GENERATION_MB);
  assert.ok(TRIAL_YOUNG_GENERATION_MB < DEFAULT_TRIAL_MEMORY_MB);
});

test.run();
