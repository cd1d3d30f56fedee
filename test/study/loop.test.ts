import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { MemoryStorage } from "../../src/storage/memory.js";
import { SqliteStorage } from "../../src/storage/sqlite.js";
import { MAX_RETRIES } from "../../src/study/liveness.js";
import { runStudy, type StudyEvent } from "../../src/study/loop.js";
import type { Expr } from "../../src/plan/types.js";
import { rejects, testPlan } from "../helpers/runtime-plans.js";
import { fixture, listStrategy, testDeps, thresholdPruner } from "../helpers/runtime-deps.js";

const dir = mkdtempSync(join(tmpdir(), "hpo-loop-"));
const moduleTrial = (name: string) => ({ kind: "evaluate" as const, module: fixture(name) });

test("runs a study to its trial budget, storing every result", async () => {
  const storage = new MemoryStorage();
  const r = await runStudy({
    plan: testPlan({ trial: moduleTrial("quadratic.mjs"), budget: { trials: 6, parallel: 2 } }),
    storage,
    deps: testDeps(),
  });
  assert.is(r.reason, "trials");
  assert.is(r.ran, 6);
  assert.equal(
    r.trials.map((t) => t.number),
    [0, 1, 2, 3, 4, 5],
  );
  for (const t of r.trials) {
    assert.is(t.state, "complete");
    const x1 = t.params["x1"] as number;
    const x2 = t.params["x2"] as number;
    assert.ok(Math.abs(t.values![0]! - ((x1 - 1) ** 2 + (x2 - 2) ** 2)) < 1e-12);
    assert.equal(t.attributes["metrics"], { value: t.values![0] });
  }
});

test("the same seed gives the same sequence of configurations", async () => {
  const run = async (seed: number) =>
    (
      await runStudy({
        plan: testPlan({ seed, trial: moduleTrial("quadratic.mjs"), budget: { trials: 5 } }),
        storage: new MemoryStorage(),
        deps: testDeps(),
      })
    ).trials.map((t) => t.params);
  const a = await run(3);
  assert.equal(await run(3), a);
  assert.not.equal(await run(4), a);
});

for (const isolate of ["thread", "process"] as const) {
  test(`a throwing, NaN, crashing, hanging or blocking trial fails alone (${isolate})`, async () => {
    const r = await runStudy({
      plan: testPlan({
        trial: moduleTrial("faulty.mjs"),
        budget: { trials: 7, parallel: 3, trialTimeoutSeconds: 0.5 },
      }),
      storage: new MemoryStorage(),
      deps: testDeps(),
      isolate,
    });
    const by = (n: number) => r.trials[n]!;
    assert.is(r.trials.length, 7);
    for (const n of [0, 6]) assert.is(by(n).state, "complete");
    assert.is(by(1).state, "failed");
    assert.is(by(1).error, "deliberate failure");
    assert.is(by(2).error, "the objective returned NaN");
    assert.match(by(3).error ?? "", /exited with code 7/);
    assert.is(by(4).error, "timed out after 0.5 s");
    assert.is(by(5).error, "timed out after 0.5 s");
  });
}

test("an objective returning a non-number or a missing metric fails with a message", async () => {
  const plan = testPlan({ objectives: [{ metric: "loss", direction: "minimize" }], budget: { trials: 3 } });
  const results: unknown[] = ["oops", { accuracy: 1 }, { loss: 0.5, accuracy: 1 }];
  const r = await runStudy({
    plan,
    storage: new MemoryStorage(),
    deps: testDeps(),
    objective: (_p, ctx) => results[ctx.trial] as number,
  });
  assert.match(r.trials[0]!.error ?? "", /returned the string "oops", not a number/);
  assert.match(r.trials[1]!.error ?? "", /no number for metric `loss`/);
  assert.equal(r.trials[2]!.values, [0.5]);
  assert.equal(r.trials[2]!.attributes["metrics"], { loss: 0.5, accuracy: 1 });
});

test("the pruner stops trials whose intermediate values are bad, and the values are kept", async () => {
  // x1 ranges over [-5, 10]: trials with x1 above 3 report more than 3 and are pruned at step 0.
  const r = await runStudy({
    plan: testPlan({ trial: moduleTrial("reporting.mjs"), budget: { trials: 8, parallel: 2 } }),
    storage: new MemoryStorage(),
    deps: testDeps({ createPruner: () => thresholdPruner(3) }),
  });
  const pruned = r.trials.filter((t) => t.state === "pruned");
  const complete = r.trials.filter((t) => t.state === "complete");
  assert.ok(pruned.length > 0 && complete.length > 0, "both outcomes occur");
  for (const t of pruned) {
    assert.ok((t.params["x1"] as number) + 1 > 3);
    assert.is(t.intermediate.length, 1);
  }
  for (const t of complete) assert.is(t.intermediate.length, 10);
});

test("an objective expression is what pruners see per step, where all its inputs are reported", async () => {
  const goal = (inputs: string[], expr: Expr) => [
    { metric: inputs.join(" + "), direction: "minimize" as const, expr },
  ];
  const sum = (a: string, b: string): Expr => ({
    op: "+",
    args: [
      { op: "param", name: a },
      { op: "param", name: b },
    ],
  });
  // loss + size: x1 + 1/(step+1) + 2; above 5 at step 0 when x1 > 2.
  const r = await runStudy({
    plan: testPlan({
      trial: moduleTrial("reporting-metrics.mjs"),
      objectives: goal(["loss", "size"], sum("loss", "size")),
      budget: { trials: 8 },
    }),
    storage: new MemoryStorage(),
    deps: testDeps({ createPruner: () => thresholdPruner(5) }),
  });
  const pruned = r.trials.filter((t) => t.state === "pruned");
  const complete = r.trials.filter((t) => t.state === "complete");
  assert.ok(pruned.length > 0 && complete.length > 0, "both outcomes occur");
  for (const t of pruned) assert.ok((t.params["x1"] as number) + 1 + 2 > 5);
  for (const t of complete) {
    assert.is(t.intermediate.length, 10);
    assert.ok(Math.abs(t.intermediate[0]!.value - ((t.params["x1"] as number) + 3)) < 1e-12);
    assert.ok(Math.abs(t.values![0]! - ((t.params["x1"] as number) + 0.1 + 2)) < 1e-12);
  }
  // `late` is in the final result only: no step has every input, so nothing is pruned.
  const end = await runStudy({
    plan: testPlan({
      trial: moduleTrial("reporting-metrics.mjs"),
      objectives: goal(["loss", "late"], sum("loss", "late")),
      budget: { trials: 4 },
    }),
    storage: new MemoryStorage(),
    deps: testDeps({ createPruner: () => thresholdPruner(-100) }),
  });
  for (const t of end.trials) {
    assert.is(t.state, "complete");
    assert.is(t.intermediate.length, 0);
    assert.ok(Math.abs(t.values![0]! - ((t.params["x1"] as number) + 0.1 + 1)) < 1e-12);
  }
});

test("resumes a stored study and ends with exactly the budgeted count", async () => {
  const path = join(dir, "resume.db");
  const plan = testPlan({ trial: moduleTrial("quadratic.mjs"), budget: { trials: 4 } });
  let storage = new SqliteStorage(path);
  await runStudy({ plan, storage, deps: testDeps() });
  await storage.close();
  storage = new SqliteStorage(path);
  const events: StudyEvent[] = [];
  const r = await runStudy({ plan, storage, deps: testDeps(), trials: 9, onEvent: (e) => events.push(e) });
  assert.ok(events.some((e) => e.type === "open" && e.resumed && e.existing === 4));
  assert.is(r.ran, 5);
  assert.equal(
    r.trials.map((t) => t.number),
    [0, 1, 2, 3, 4, 5, 6, 7, 8],
  );
  // Resuming with the same seed continues the same sequence as one uninterrupted run would.
  const once = await runStudy({ plan, storage: new MemoryStorage(), deps: testDeps(), trials: 9 });
  assert.equal(
    r.trials.map((t) => t.params),
    once.trials.map((t) => t.params),
  );
  await storage.close();
});

test("a changed Plan is refused with a readable diff, and --new-study keeps the old one", async () => {
  const storage = new MemoryStorage();
  const plan = testPlan({ trial: moduleTrial("quadratic.mjs"), budget: { trials: 2 } });
  await runStudy({ plan, storage, deps: testDeps() });
  const changed = { ...plan, seed: 2, space: [plan.space[0]!, { ...plan.space[1]!, high: 20 }] };
  await rejects(
    () => runStudy({ plan: changed as typeof plan, storage, deps: testDeps() }),
    /already exists .* with a different plan:\n {4}seed: 1 → 2\n {4}space\[1 x2\]\.high: 15 → 20/,
  );
  // A bigger budget is not a different study.
  const more = await runStudy({
    plan: testPlan({ ...plan, budget: { trials: 3 } }),
    storage,
    deps: testDeps(),
  });
  assert.is(more.trials.length, 3);
  const fresh = await runStudy({ plan: changed as typeof plan, storage, deps: testDeps(), newStudy: true });
  assert.is(fresh.trials.length, 2);
  const names = (await storage.listStudies()).map((s) => s.name);
  assert.is(names.length, 2);
  assert.ok(names.some((n) => /^test_study\.\d{8}T\d{6}$/.test(n)));
});

test("trials left running by a dead process are failed and their configurations retried once", async () => {
  const storage = new MemoryStorage();
  const plan = testPlan({ trial: moduleTrial("quadratic.mjs"), budget: { trials: 3 } });
  const study = await storage.createStudy(plan.study, plan);
  const dead = spawnSync(process.execPath, ["-e", "0"]).pid!;
  const orphan = await storage.createTrial(study.id, {
    params: { x1: 1, x2: 2 },
    worker: `${hostname()}:${dead}`,
  });
  const events: StudyEvent[] = [];
  const r = await runStudy({ plan, storage, deps: testDeps(), onEvent: (e) => events.push(e) });
  assert.ok(events.some((e) => e.type === "recovered" && e.trials[0] === 0));
  assert.is(r.trials[0]!.state, "failed");
  assert.match(r.trials[0]!.error ?? "", /abandoned/);
  assert.equal(r.trials[1]!.params, orphan!.params);
  assert.is(r.trials[1]!.attributes["retryOf"], 0);
  assert.is(r.trials[1]!.values![0], 0);
  // The abandoned trial does not count: three counted trials, four in all.
  assert.is(r.trials.length, 4);
});

test("a stale heartbeat marks another host's trial abandoned; a retry abandoned again is retried again", async () => {
  const storage = new MemoryStorage();
  const plan = testPlan({ trial: moduleTrial("quadratic.mjs"), budget: { trials: 2 } });
  const study = await storage.createStudy(plan.study, plan);
  const fresh = await storage.createTrial(study.id, { params: { x1: 1, x2: 1 }, worker: "elsewhere:1" });
  const stale = await storage.createTrial(study.id, {
    params: { x1: 2, x2: 2 },
    worker: "elsewhere:2",
    attributes: { retryOf: 7 },
  });
  await storage.heartbeat([stale!.id], Date.now() - 120_000);
  // The live peer finishes its trial a moment later; the run waits for it before ending.
  const peerDone = setTimeout(
    () => void storage.finishTrial(fresh!.id, { state: "complete", values: [1] }),
    1_500,
  );
  const r = await runStudy({ plan, storage, deps: testDeps(), staleMs: 60_000 });
  clearTimeout(peerDone);
  // The fresh one belongs to a live process elsewhere: left alone (it counts, so one new trial runs).
  assert.is(r.trials[0]!.state, "complete", "the run waited for the live peer's trial");
  assert.is(r.trials[1]!.state, "failed");
  assert.match(r.trials[1]!.error ?? "", /abandoned: the process running it \(elsewhere:2\) stopped/);
  assert.is(r.trials.length, 3);
  // Changed on purpose (issue 22): repeated kills used to drop such configurations for good.
  assert.equal(r.trials[2]!.params, { x1: 2, x2: 2 });
  assert.is(r.trials[2]!.attributes["retryOf"], 7);
  assert.is(r.trials[2]!.attributes["attempt"], 2);
  void fresh;
});

test("a configuration abandoned MAX_RETRIES times after its first run is not retried again", async () => {
  const storage = new MemoryStorage();
  const plan = testPlan({ trial: moduleTrial("quadratic.mjs"), budget: { trials: 1 } });
  const study = await storage.createStudy(plan.study, plan);
  const stale = await storage.createTrial(study.id, {
    params: { x1: 2, x2: 2 },
    worker: "elsewhere:2",
    attributes: { retryOf: 0, attempt: MAX_RETRIES },
  });
  await storage.heartbeat([stale!.id], Date.now() - 120_000);
  const r = await runStudy({ plan, storage, deps: testDeps(), staleMs: 60_000 });
  assert.is(r.trials[0]!.state, "failed");
  assert.is(r.trials.length, 2);
  assert.is(r.trials[1]!.attributes["retryOf"], undefined, "a fresh configuration, not a retry");
});

test("a peer that stops heartbeating during the run is noticed and its trial retried", async () => {
  const storage = new MemoryStorage();
  const plan = testPlan({ trial: moduleTrial("slow.mjs"), budget: { trials: 8 } });
  const study = await storage.createStudy(plan.study, plan);
  await storage.createTrial(study.id, { params: { x1: 3, x2: 3 }, worker: "peer:1" });
  const events: StudyEvent[] = [];
  const r = await runStudy({ plan, storage, deps: testDeps(), staleMs: 400, onEvent: (e) => events.push(e) });
  const recovered = events.findIndex((e) => e.type === "recovered");
  const opened = events.findIndex((e) => e.type === "open");
  assert.ok(recovered > opened, "noticed during the run, not at its start");
  assert.is(r.trials[0]!.state, "failed");
  const retry = r.trials.find((t) => t.attributes["retryOf"] === 0);
  assert.equal(retry?.params, { x1: 3, x2: 3 });
  assert.is(r.trials.filter((t) => t.attributes["abandoned"] !== true).length, 8);
});

test("the time budget stops asking once spent", async () => {
  const r = await runStudy({
    plan: testPlan({
      trial: moduleTrial("slow.mjs"),
      budget: { trials: undefined, timeSeconds: 0.5, parallel: 2 },
    }),
    storage: new MemoryStorage(),
    deps: testDeps(),
  });
  assert.is(r.reason, "time");
  assert.ok(r.trials.length >= 2 && r.trials.length < 40);
  assert.ok(r.trials.every((t) => t.state === "complete"));
});

test("draining stops asking and lets running trials finish", async () => {
  const drain = new AbortController();
  let started = 0;
  const r = await runStudy({
    plan: testPlan({ trial: moduleTrial("slow.mjs"), budget: { trials: 50, parallel: 2 } }),
    storage: new MemoryStorage(),
    deps: testDeps(),
    drain: drain.signal,
    onEvent: (e) => {
      if (e.type === "trial-start" && ++started === 3) drain.abort();
    },
  });
  assert.is(r.reason, "interrupted");
  assert.is(r.trials.length, 3);
  assert.ok(r.trials.every((t) => t.state === "complete"));
});

test("stopping now interrupts running trials; they do not count against the budget", async () => {
  const stop = new AbortController();
  const r = await runStudy({
    plan: testPlan({ trial: moduleTrial("faulty.mjs"), budget: { trials: 50, parallel: 1 } }),
    storage: new MemoryStorage(),
    deps: testDeps({
      createStrategy: () => listStrategy([{ x1: 1 }, { x1: 2 }, { x1: 3 }, { x1: 4 }, { x1: 5 }]),
    }),
    stop: stop.signal,
    onEvent: (e) => {
      if (e.type === "trial-start" && e.trial.number === 4) setTimeout(() => stop.abort(), 50);
    },
  });
  assert.is(r.reason, "stopped");
  const last = r.trials.at(-1)!;
  assert.is(last.state, "failed");
  assert.match(last.error ?? "", /interrupted/);
  assert.is(last.attributes["abandoned"], true);
});

test("a multi-fidelity proposal reaches the objective and is stored with the trial", async () => {
  const strategy = {
    name: "fidelity",
    async ask(ctx: { nextNumber: number }, count: number) {
      if (ctx.nextNumber >= 2) return [];
      const resumedFrom = ctx.nextNumber === 1 ? 0 : undefined;
      return Array.from({ length: Math.min(count, 1) }, () => ({
        params: { x1: 1 },
        fidelity: {
          resource: 3 * (ctx.nextNumber + 1),
          ...(resumedFrom === undefined ? {} : { resumedFrom }),
        },
      }));
    },
  };
  const r = await runStudy({
    plan: testPlan({ trial: moduleTrial("fidelity.mjs"), budget: { trials: 5 } }),
    storage: new MemoryStorage(),
    deps: testDeps({ createStrategy: () => strategy }),
  });
  assert.equal(
    r.trials.map((t) => t.values![0]),
    [300, 600],
  );
  assert.equal(r.trials[1]!.fidelity, { resource: 6, resumedFrom: 0 });
});

test("max_failed ends the study", async () => {
  const r = await runStudy({
    plan: testPlan({ budget: { trials: 20, maxFailed: 3 } }),
    storage: new MemoryStorage(),
    deps: testDeps(),
    objective: () => {
      throw new Error("always");
    },
  });
  assert.is(r.reason, "max-failed");
  assert.is(r.trials.length, 3);
});

test("a strategy with nothing left ends the study as exhausted", async () => {
  const r = await runStudy({
    plan: testPlan({ budget: { trials: 20 } }),
    storage: new MemoryStorage(),
    deps: testDeps({ createStrategy: () => listStrategy([{ x1: 1 }, { x1: 2 }]) }),
    objective: (p) => p["x1"] as number,
  });
  assert.is(r.reason, "exhausted");
  assert.is(r.trials.length, 2);
});

test("a module without a default export is a clear error", async () => {
  await rejects(
    () =>
      runStudy({
        plan: testPlan({ trial: moduleTrial("no-default.mjs") }),
        storage: new MemoryStorage(),
        deps: testDeps(),
      }),
    /no-default\.mjs` has no default export function/,
  );
});

test("runs a TypeScript objective module and keeps all returned metrics", async () => {
  const r = await runStudy({
    plan: testPlan({ trial: moduleTrial("quadratic.ts"), budget: { trials: 2 } }),
    storage: new MemoryStorage(),
    deps: testDeps(),
  });
  assert.ok(r.trials.every((t) => t.state === "complete"));
  assert.is(
    r.trials[0]!.attributes["metrics"] && (r.trials[0]!.attributes["metrics"] as { extra: number }).extra,
    42,
  );
});

test("a built-in objective takes its inputs from x1…xN", async () => {
  const r = await runStudy({
    plan: testPlan({
      trial: { kind: "evaluate", builtin: { name: "sphere", args: {} } },
      budget: { trials: 3 },
    }),
    storage: new MemoryStorage(),
    deps: testDeps(),
  });
  for (const t of r.trials) {
    const x1 = t.params["x1"] as number;
    const x2 = t.params["x2"] as number;
    assert.ok(Math.abs(t.values![0]! - (x1 * x1 + x2 * x2)) < 1e-12);
  }
});

test.run();
