import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { PostgresStorage } from "../../src/storage/postgres.js";
import type { TrialRecord } from "../../src/storage/types.js";
import { createSandbox, pgUnavailable } from "../helpers/pg-sandbox.js";
import { fixture } from "../helpers/runtime-deps.js";
import { ends, exited, hpo, start, storedTrials, tempDir, writePlan } from "../helpers/runtime-cli.js";
import { testPlan } from "../helpers/runtime-plans.js";
import { skipWithReason } from "../helpers/skip.js";
import { checkStudy } from "./invariants.js";
import { report } from "./summary.js";

const logkeeper = fixture("../faults/logkeeper.mjs");
const KILLS = Number(process.env.HPO_FAULTS_KILLS ?? 6);
const BUDGET = 30;

/** A seeded sequence (xorshift) of how many trials to let finish before each kill. */
function killPoints(seed: number, n: number): number[] {
  let x = seed >>> 0 || 1;
  return Array.from({ length: n }, () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return 1 + ((x >>> 0) % 4);
  });
}

/** kill -9 `hpo run` KILLS times at seeded moments, then runs it to the end; returns the kills made. */
async function killLoop(spec: string, seed: number): Promise<number> {
  let kills = 0;
  for (const after of killPoints(seed, KILLS)) {
    const run = start("run", spec, "--json");
    const done = exited(run.child);
    const finished = await Promise.race([
      run.waitFor((l) => ends(l) >= after || l.some((x) => x.includes('"event":"end"'))).then(() => false),
      done.then(() => true),
    ]);
    if (finished) break;
    run.child.kill("SIGKILL");
    await done;
    kills++;
  }
  const last = hpo("run", spec, "--quiet");
  assert.is(last.status, 0, last.stderr);
  return kills;
}

function verdictOk(trials: TrialRecord[], log: string, kills: number): void {
  const v = checkStudy(trials, log);
  report({ kills, trials: v.trials, lost: v.lost, duplicates: v.duplicates });
  assert.is(v.duplicates, 0, "no trial number twice");
  assert.is(v.lost, 0, "every finished evaluation stored");
  assert.is(v.counted, BUDGET, "the budget exact");
  assert.is(v.running, 0, "no trial left running");
  assert.ok(trials.every((t, i) => t.number === i));
}

test("SQLite: kill -9 loops of hpo run lose nothing, repeat no number, end with the exact budget", async () => {
  const log = join(tempDir, "sqlite.log");
  writeFileSync(log, "");
  process.env.HPO_FAULTS_LOG = log;
  const { spec, db } = writePlan({
    trial: { kind: "evaluate", module: logkeeper },
    budget: { trials: BUDGET, parallel: 2 },
  });
  const kills = await killLoop(spec, 22);
  verdictOk(await storedTrials(db), readFileSync(log, "utf8"), kills);
});

test("a worker follows the study's stored budget, not its own spec's trials", () => {
  const { spec, db, plan } = writePlan({ budget: { trials: 4 } });
  assert.is(hpo("run", spec, "--quiet").status, 0);
  const bigger = join(tempDir, "bigger.json");
  writeFileSync(bigger, JSON.stringify({ ...plan, budget: { ...plan.budget, trials: 8 } }));
  const w = hpo("worker", bigger, "--quiet");
  assert.is(w.status, 0, w.stderr);
  return storedTrials(db).then((t) => assert.is(t.length, 4));
});

test("children of a killed hpo run exit at once; status then lists its trials as lost", async () => {
  const { spec } = writePlan({
    trial: { kind: "evaluate", module: fixture("slow.mjs") },
    budget: { trials: 50, parallel: 2 },
  });
  const run = start("run", spec, "--json", "--isolate", "process");
  await run.waitFor((l) => ends(l) >= 2);
  const children = execFileSync("ps", ["--ppid", String(run.child.pid), "-o", "pid="], { encoding: "utf8" })
    .split("\n")
    .map(Number)
    .filter((p) => p > 0);
  assert.ok(children.length > 0, "the run had worker processes");
  run.child.kill("SIGKILL");
  await exited(run.child);
  await new Promise((r) => setTimeout(r, 500));
  // An exited child nobody reaped yet (a zombie, state Z) counts as gone.
  const alive = children.filter((pid) => {
    try {
      return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
    } catch {
      return false;
    }
  });
  assert.equal(alive, [], "no worker process outlives its study process by 0.5 s");
  const status = hpo("status", spec);
  assert.is(status.status, 0, status.stderr);
  assert.match(status.stdout, /lost: its process is gone/);
});

const why = await pgUnavailable();
if (why) skipWithReason(test, "PostgreSQL kill loops and connection termination", why);
else {
  const pgTrials = async (url: string) => {
    const s = await PostgresStorage.open(url);
    const study = (await s.listStudies())[0]!;
    const trials = await s.getTrials(study.id);
    await s.close();
    return trials;
  };

  test("PostgreSQL: kill -9 loops of hpo run lose nothing, repeat no number, end with the exact budget", async () => {
    const box = await createSandbox("kill");
    try {
      const log = join(tempDir, "pg.log");
      writeFileSync(log, "");
      process.env.HPO_FAULTS_LOG = log;
      const { spec } = writePlan({
        trial: { kind: "evaluate", module: logkeeper },
        budget: { trials: BUDGET, parallel: 2 },
        storage: box.url,
      });
      const kills = await killLoop(spec, 7);
      verdictOk(await pgTrials(box.url), readFileSync(log, "utf8"), kills);
    } finally {
      await box.drop();
    }
  });

  test("PostgreSQL: connections terminated during a run are survived (no stack, exact budget)", async () => {
    const box = await createSandbox("term");
    try {
      const log = join(tempDir, "term.log");
      writeFileSync(log, "");
      process.env.HPO_FAULTS_LOG = log;
      const spec = join(tempDir, "term.json");
      writeFileSync(
        spec,
        JSON.stringify(
          testPlan({
            trial: { kind: "evaluate", module: logkeeper },
            budget: { trials: BUDGET, parallel: 2 },
            storage: box.url,
          }),
        ),
      );
      const run = start("run", spec, "--json");
      let stderr = "";
      run.child.stderr!.on("data", (d) => (stderr += d));
      const done = exited(run.child);
      let terminated = 0;
      let over = false;
      void done.then(() => (over = true));
      while (!over) {
        terminated += await box.terminate();
        await new Promise((r) => setTimeout(r, 250));
      }
      const code = await done;
      assert.is(code, 0, stderr);
      assert.not.match(stderr, /\n\s+at /, "no stack trace");
      assert.ok(terminated > 0, "connections were terminated");
      verdictOk(await pgTrials(box.url), readFileSync(log, "utf8"), 0);
    } finally {
      await box.drop();
    }
  });
}

test.run();
