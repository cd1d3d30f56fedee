/**
 * The `cmaes` strategy: it optimizes in the encoded unit cube (integers and choices decoded by
 * rounding), hands a generation's candidates to parallel workers and takes their values in any order,
 * rebuilds the same state from a history (resume = uninterrupted), warm-starts from earlier trials,
 * and refuses bad options with positions.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readOptions } from "../../src/plan/options.js";
import { rngFor } from "../../src/plan/random.js";
import type { Params } from "../../src/plan/types.js";
import { sampleConfiguration } from "../../src/space/index.js";
import type { Strategy, TrialView } from "../../src/strategies/types.js";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MemoryStorage } from "../../src/storage/memory.js";
import { SqliteStorage } from "../../src/storage/sqlite.js";
import { createStrategy } from "../../src/strategies/index.js";
import { runStudy as runStoredStudy } from "../../src/study/loop.js";
import { testDeps } from "../helpers/runtime-deps.js";
import { testPlan } from "../helpers/runtime-plans.js";
import { throwsHpo } from "../helpers/throws.js";
import { check } from "../lang/helpers.js";
import { choice, int, uniform } from "../space/helpers.js";
import { make, runStudy } from "./helpers.js";

const box = (d: number) => Array.from({ length: d }, (_, i) => uniform(`x${i}`, -2, 8));
const shiftedSphere = (p: Params) =>
  Object.values(p).reduce((s: number, v) => s + ((v as number) - 1.5) ** 2, 0);

test("finds the minimum of a shifted 4-D sphere", async () => {
  const history = await runStudy(make("cmaes", box(4), {}, 3), shiftedSphere, 300);
  const best = Math.min(...history.map((t) => t.values?.[0] as number));
  assert.ok(best < 1e-2, `best ${best}`);
});

test("integers, log scales and choices are decoded onto valid values, and optimized", async () => {
  const space = [
    int("n", 0, 20),
    uniform("lr", 1e-5, 1e-1, { log: true }),
    choice("act", ["relu", "tanh", "gelu"]),
  ];
  const f = (p: Params) =>
    ((p.n as number) - 13) ** 2 + (Math.log10(p.lr as number) + 3) ** 2 + (p.act === "tanh" ? 0 : 4);
  const history = await runStudy(make("cmaes", space, {}, 2), f, 150);
  for (const t of history) {
    assert.ok(Number.isInteger(t.params.n) && (t.params.n as number) >= 0 && (t.params.n as number) <= 20);
    assert.ok((t.params.lr as number) >= 1e-5 && (t.params.lr as number) <= 1e-1);
    assert.ok(["relu", "tanh", "gelu"].includes(t.params.act as string));
  }
  const best = history.reduce((a, b) => ((a.values?.[0] as number) <= (b.values?.[0] as number) ? a : b));
  assert.is(best.params.n, 13);
  assert.is(best.params.act, "tanh");
});

/**
 * Parallel workers: `workers` trials run at once, finishing in a seeded random order; every 7th
 * fails. Returns the history and the strategy.
 */
async function parallelStudy(strategy: Strategy, trials: number, workers: number, seed: number) {
  const rng = rngFor(seed, 4242);
  const history: TrialView[] = [];
  const running: TrialView[] = [];
  while (history.length < trials || running.length > 0) {
    const free = Math.min(workers - running.length, trials - history.length);
    if (free > 0) {
      const proposals = await strategy.ask({ trials: history, nextNumber: history.length }, free);
      for (const p of proposals) {
        const t: TrialView = { number: history.length, state: "running", params: p.params, intermediate: [] };
        history.push(t);
        running.push(t);
      }
    }
    const [done] = running.splice(rng.int(running.length), 1);
    if (!done) continue;
    if (done.number % 7 === 6) done.state = "failed";
    else Object.assign(done, { state: "complete", values: [shiftedSphere(done.params)] });
  }
  return history;
}

test("batch asks for parallel workers, values told in any order, failures skipped: still converges", async () => {
  const history = await parallelStudy(make("cmaes", box(3), {}, 5), 300, 4, 5);
  const best = Math.min(...history.filter((t) => t.values).map((t) => t.values?.[0] as number));
  assert.ok(best < 0.05, `best ${best}`);
  // One batch of four asks gets four different candidates.
  const batch = await make("cmaes", box(3), {}, 5).ask({ trials: [], nextNumber: 0 }, 4);
  assert.is(new Set(batch.map((p) => JSON.stringify(p.params))).size, 4);
});

/** The next `count` proposals of a strategy that has seen `history`. */
async function next(strategy: Strategy, history: readonly TrialView[], count = 3) {
  return (await strategy.ask({ trials: history, nextNumber: history.length }, count)).map((p) => p.params);
}

test("a resumed study continues exactly: sequential and parallel histories replayed by a fresh strategy", async () => {
  const live = make("cmaes", box(3), {}, 8);
  const whole = await runStudy(live, shiftedSphere, 120);
  // Resumed at trial 60: a new strategy given the first 60 trials proposes the same next 60.
  const resumed = make("cmaes", box(3), {}, 8);
  const history = whole.slice(0, 60).map((t) => ({ ...t }));
  while (history.length < 120) {
    const [params] = await next(resumed, history, 1);
    const t = {
      number: history.length,
      state: "complete" as const,
      params: params as Params,
      intermediate: [],
    };
    history.push({ ...t, values: [shiftedSphere(t.params)] });
  }
  assert.equal(
    history.slice(60).map((t) => t.params),
    whole.slice(60).map((t) => t.params),
  );
  // After an asynchronous study (restarts on), a fresh strategy replaying the history agrees with the live one.
  const parallelLive = make("cmaes", box(3), { restart: "bipop", popsize: 6 }, 9);
  const parallel = await parallelStudy(parallelLive, 200, 5, 9);
  const replay = make("cmaes", box(3), { restart: "bipop", popsize: 6 }, 9);
  assert.equal(await next(replay, parallel), await next(parallelLive, parallel));
});

test("through the study loop: a study stored in SQLite and resumed runs the trials of one uninterrupted run", async () => {
  const path = join(mkdtempSync(join(tmpdir(), "hpo-cmaes-")), "resume.db");
  const plan = testPlan({
    strategy: { name: "cmaes", options: { restart: "bipop" } },
    budget: { trials: 60 },
  });
  const deps = testDeps({ createStrategy });
  let storage = new SqliteStorage(path);
  await runStoredStudy({ plan, storage, deps, trials: 25 });
  await storage.close();
  storage = new SqliteStorage(path);
  const resumed = await runStoredStudy({ plan, storage, deps, trials: 60 });
  await storage.close();
  const once = await runStoredStudy({ plan, storage: new MemoryStorage(), deps, trials: 60 });
  assert.is(resumed.trials.length, 60);
  assert.equal(
    resumed.trials.map((t) => t.params),
    once.trials.map((t) => t.params),
  );
});

test("warm start: the first run starts from the best earlier trials, and replays the same", async () => {
  const space = box(2);
  const rng = rngFor(1, 77);
  // 30 trials from an earlier strategy, the best of them near (6, 6)
  const earlier: TrialView[] = Array.from({ length: 30 }, (_, number) => {
    const params = sampleConfiguration(space, [], rng);
    const value = ((params.x0 as number) - 6) ** 2 + ((params.x1 as number) - 6) ** 2;
    return { number, state: "complete", params, values: [value], intermediate: [] };
  });
  const proposals = await next(make("cmaes", space, { warm_start: 5 }, 4), earlier, 6);
  const mean = (k: string) => proposals.reduce((s, p) => s + (p[k] as number), 0) / proposals.length;
  assert.ok(Math.hypot(mean("x0") - 6, mean("x1") - 6) < 2.5, `mean (${mean("x0")}, ${mean("x1")})`);
  const cold = await next(make("cmaes", space, { warm_start: 0 }, 4), earlier, 6);
  assert.not.equal(cold, proposals);
  // The study goes on; a fresh strategy finds where cmaes began and agrees with the live one.
  const live = make("cmaes", space, { warm_start: 5 }, 4);
  const f = (p: Params) => ((p.x0 as number) - 6) ** 2 + ((p.x1 as number) - 6) ** 2;
  const history = [...earlier];
  for (let i = 0; i < 40; i++) {
    const [p] = await next(live, history, 1);
    history.push({
      number: history.length,
      state: "complete",
      params: p as Params,
      values: [f(p as Params)],
      intermediate: [],
    });
  }
  assert.equal(await next(make("cmaes", space, { warm_start: 5 }, 4), history), await next(live, history));
});

test("bad options: HpoErrors at run time, diagnostics with positions in `hpo check`", () => {
  throwsHpo(() => readOptions("cmaes", { sigma0: 0 }), /sigma0/);
  throwsHpo(() => readOptions("cmaes", { restart: "often" }), /restart/);
  throwsHpo(() => readOptions("cmaes", { popsize: -1 }), /popsize/);
  throwsHpo(() => readOptions("cmaes", { diagonal: 1 }), /diagonal/);
  throwsHpo(() => readOptions("cmaes", { mu: 3 }), /no option `mu`/);
  const src = (args: string) =>
    ["study t", "evaluate branin", "space {", "  x1 = uniform(-5, 10)", "  x2 = uniform(0, 15)", "}"]
      .concat(["objective minimize value", "budget { trials = 10 }", `strategy cmaes(${args})`])
      .join("\n");
  for (const args of ['restart = "often"', "sigma0 = 2", "warm_start = -1", "mu = 3"]) {
    const errors = check(src(args)).filter((d) => d.severity === "error");
    assert.ok(errors.length > 0, args);
    assert.is(errors[0]?.pos.line, 9, args);
  }
  assert.equal(
    check(src('sigma0 = 0.3, popsize = 8, restart = "bipop", diagonal = true, warm_start = 4')).filter(
      (d) => d.severity === "error",
    ),
    [],
  );
});

test.run();
