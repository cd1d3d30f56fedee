import type { Test } from "uvu";
import * as assert from "uvu/assert";
import type { Storage } from "../../src/storage/types.js";
import { rejects, testPlan } from "../helpers/runtime-plans.js";

/**
 * The behaviour every Storage implementation must show (Optuna keeps one such suite for all its
 * storages). `open` gives a fresh storage; `unique` makes study names that do not clash between runs.
 */
export function storageConformance(
  test: Test,
  open: () => Promise<Storage>,
  unique = (s: string) => s,
): void {
  const worker = "host:1";

  test("creates a study, keeps its Plan, and refuses a duplicate name", async () => {
    const s = await open();
    try {
      const name = unique("alpha");
      const plan = testPlan({ study: name });
      const study = await s.createStudy(name, plan);
      assert.equal(study.plan, plan);
      assert.equal((await s.getStudy(name))?.plan, plan);
      assert.is(await s.getStudy(unique("nope")), undefined);
      await rejects(() => s.createStudy(name, plan), /already exists/);
      assert.ok((await s.listStudies()).some((x) => x.name === name));
    } finally {
      await s.close();
    }
  });

  test("numbers trials 0, 1, 2 … and keeps params, values, attributes and errors", async () => {
    const s = await open();
    try {
      const study = await s.createStudy(unique("beta"), testPlan());
      const a = await s.createTrial(study.id, { params: { x1: 1.5, opt: "sgd", flag: true }, worker });
      const b = await s.createTrial(study.id, { params: { x1: 2 }, worker, attributes: { retryOf: 0 } });
      assert.is(a?.number, 0);
      assert.is(b?.number, 1);
      assert.is(a?.state, "running");
      assert.ok(
        await s.finishTrial(a!.id, {
          state: "complete",
          values: [0.25],
          attributes: { metrics: { value: 0.25 } },
        }),
      );
      assert.ok(await s.finishTrial(b!.id, { state: "failed", error: "boom" }));
      const trials = await s.getTrials(study.id);
      assert.is(trials.length, 2);
      assert.equal(trials[0]?.params, { x1: 1.5, opt: "sgd", flag: true });
      assert.equal(trials[0]?.values, [0.25]);
      assert.equal(trials[0]?.attributes, { metrics: { value: 0.25 } });
      assert.is(trials[0]?.state, "complete");
      assert.ok(trials[0]?.finishedAt !== undefined);
      assert.is(trials[1]?.error, "boom");
      assert.equal(trials[1]?.attributes, { retryOf: 0 });
      assert.is(trials[1]?.values, undefined);
    } finally {
      await s.close();
    }
  });

  test("a finished trial cannot be finished again", async () => {
    const s = await open();
    try {
      const study = await s.createStudy(unique("gamma"), testPlan());
      const t = (await s.createTrial(study.id, { params: {}, worker }))!;
      assert.ok(
        await s.finishTrial(t.id, { state: "failed", error: "abandoned", attributes: { abandoned: true } }),
      );
      assert.not.ok(await s.finishTrial(t.id, { state: "complete", values: [1] }));
      assert.is((await s.getTrial(t.id))?.state, "failed");
    } finally {
      await s.close();
    }
  });

  test("keeps intermediate values in step order, one per step", async () => {
    const s = await open();
    try {
      const study = await s.createStudy(unique("delta"), testPlan());
      const t = (await s.createTrial(study.id, { params: {}, worker }))!;
      await s.reportIntermediate(t.id, 2, 0.5);
      await s.reportIntermediate(t.id, 1, 0.75);
      await s.reportIntermediate(t.id, 2, 0.4);
      assert.equal((await s.getTrial(t.id))?.intermediate, [
        { step: 1, value: 0.75 },
        { step: 2, value: 0.4 },
      ]);
      assert.equal((await s.getTrials(study.id))[0]?.intermediate.length, 2);
    } finally {
      await s.close();
    }
  });

  test("refuses a trial beyond the limit, not counting abandoned trials", async () => {
    const s = await open();
    try {
      const study = await s.createStudy(unique("epsilon"), testPlan());
      const t0 = (await s.createTrial(study.id, { params: {}, worker }, 2))!;
      await s.createTrial(study.id, { params: {}, worker }, 2);
      assert.is(await s.createTrial(study.id, { params: {}, worker }, 2), undefined);
      await s.finishTrial(t0.id, { state: "failed", error: "worker died", attributes: { abandoned: true } });
      const t2 = await s.createTrial(study.id, { params: {}, worker }, 2);
      assert.is(t2?.number, 2);
    } finally {
      await s.close();
    }
  });

  test("heartbeats move only running trials", async () => {
    const s = await open();
    try {
      const study = await s.createStudy(unique("zeta"), testPlan());
      const a = (await s.createTrial(study.id, { params: {}, worker }))!;
      const b = (await s.createTrial(study.id, { params: {}, worker }))!;
      await s.finishTrial(b.id, { state: "complete", values: [1] });
      const before = (await s.getTrial(b.id))!.heartbeat;
      await s.heartbeat([a.id, b.id], a.heartbeat + 60_000);
      assert.is((await s.getTrial(a.id))?.heartbeat, a.heartbeat + 60_000);
      assert.is((await s.getTrial(b.id))?.heartbeat, before);
      assert.is((await s.getTrial(a.id))?.worker, worker);
    } finally {
      await s.close();
    }
  });

  test("renames a study so a new one can take its name", async () => {
    const s = await open();
    try {
      const name = unique("eta");
      await s.createStudy(name, testPlan());
      await s.renameStudy(name, `${name}.old`);
      assert.is(await s.getStudy(name), undefined);
      assert.ok(await s.getStudy(`${name}.old`));
      await s.createStudy(name, testPlan({ seed: 9 }));
      assert.is((await s.getStudy(name))?.plan.seed, 9);
    } finally {
      await s.close();
    }
  });

  test("concurrent trial creation never repeats a number", async () => {
    const s = await open();
    try {
      const study = await s.createStudy(unique("theta"), testPlan());
      const made = await Promise.all(
        Array.from({ length: 20 }, () => s.createTrial(study.id, { params: {}, worker })),
      );
      const numbers = made.map((t) => t!.number).sort((a, b) => a - b);
      assert.equal(
        numbers,
        Array.from({ length: 20 }, (_, i) => i),
      );
    } finally {
      await s.close();
    }
  });
}
