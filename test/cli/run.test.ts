import { test } from "uvu";
import * as assert from "uvu/assert";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SqliteStorage } from "../../src/storage/sqlite.js";
import type { Plan } from "../../src/plan/types.js";
import { fixture } from "../helpers/runtime-deps.js";
import { testPlan } from "../helpers/runtime-plans.js";

// The study commands through a real `hpo` process, on Plan JSON specs, with the runtime's test
// strategy (test/fixtures/runtime/hpo-test-cli.mjs); test/cli/run-e2e.test.ts runs real .hpo specs.
const cli = fixture("hpo-test-cli.mjs");
const dir = mkdtempSync(join(tmpdir(), "hpo-cli-"));
let n = 0;

function writePlan(overrides: Parameters<typeof testPlan>[0]): { spec: string; db: string; plan: Plan } {
  const id = n++;
  const db = join(dir, `study${id}.db`);
  const plan = testPlan({ storage: `sqlite:${db}`, ...overrides });
  const spec = join(dir, `plan${id}.json`);
  writeFileSync(spec, JSON.stringify(plan));
  return { spec, db, plan };
}

const hpo = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: "utf8" });

function start(...args: string[]): {
  child: ChildProcess;
  lines: string[];
  waitFor(pred: (l: string[]) => boolean): Promise<void>;
} {
  const child = spawn(process.execPath, [cli, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  const lines: string[] = [];
  let buf = "";
  const waiters: (() => void)[] = [];
  child.stdout!.on("data", (d) => {
    buf += d;
    const parts = buf.split("\n");
    buf = parts.pop()!;
    lines.push(...parts);
    for (const w of waiters.splice(0)) w();
  });
  return {
    child,
    lines,
    waitFor: (pred) =>
      new Promise<void>((resolve) => {
        const check = () => (pred(lines) ? resolve() : waiters.push(check));
        check();
      }),
  };
}

const exited = (c: ChildProcess) => new Promise<number | null>((r) => c.on("close", (code) => r(code)));
const ends = (lines: string[]) => lines.filter((l) => l.includes('"event":"trial_end"')).length;

async function storedTrials(db: string) {
  const s = new SqliteStorage(db);
  const study = (await s.listStudies())[0]!;
  const trials = await s.getTrials(study.id);
  await s.close();
  return trials;
}

test("run prints a line per trial and the best trials; status, best and trials read the study back", () => {
  const { spec, db } = writePlan({
    trial: { kind: "evaluate", module: fixture("quadratic.mjs") },
    budget: { trials: 5 },
  });
  const r = hpo("run", spec);
  assert.is(r.status, 0, r.stderr);
  assert.is(r.stdout.match(/^trial \d+ complete value=/gm)?.length, 5);
  assert.match(r.stdout, /test_study: the trial budget is spent; 5 trials: 5 complete/);
  assert.match(r.stdout, /best trials:/);
  assert.match(r.stdout, /best parameters \(trial \d+\):\n\{\n {2}"x1": /);

  const status = hpo("status", spec);
  assert.is(status.status, 0, status.stderr);
  assert.match(status.stdout, /trials {3}5 of 5: 5 complete, 0 pruned, 0 failed, 0 running/);
  assert.match(status.stdout, new RegExp(`study {4}test_study \\(sqlite:${db.replace(/[.]/g, "\\.")}\\)`));

  const best = JSON.parse(hpo("best", spec, "--json").stdout);
  const all = JSON.parse(hpo("trials", spec, "--format", "json").stdout) as { values: { value: number } }[];
  assert.is(all.length, 5);
  assert.is(best.values.value, Math.min(...all.map((t) => t.values.value)));
  assert.equal(Object.keys(best.params), ["x1", "x2"]);

  const csv = hpo("trials", spec, "--format", "csv").stdout.trim().split("\n");
  assert.is(csv[0], "number,state,value,x1,x2,seconds,error");
  assert.is(csv.length, 6);
  assert.match(hpo("trials", spec).stdout, /│ trial │ state {4}│ value/);
});

test("--json prints one JSON event per line", () => {
  const { spec } = writePlan({
    trial: { kind: "evaluate", module: fixture("quadratic.mjs") },
    budget: { trials: 2 },
  });
  const r = hpo("run", spec, "--json", "--storage", "memory:");
  assert.is(r.status, 0, r.stderr);
  const events = r.stdout
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l).event);
  assert.equal(events, ["open", "trial_start", "trial_end", "trial_start", "trial_end", "end"]);
});

test("kill -9 in the middle loses no completed trial, and run again ends with exactly the budget", async () => {
  const { spec, db } = writePlan({
    trial: { kind: "evaluate", module: fixture("slow.mjs") },
    budget: { trials: 12, parallel: 2 },
  });
  const first = start("run", spec, "--json");
  await first.waitFor((l) => ends(l) >= 3);
  first.child.kill("SIGKILL");
  await exited(first.child);
  const before = (await storedTrials(db)).filter((t) => t.state === "complete");
  assert.ok(before.length >= 3);
  const again = hpo("run", spec, "--quiet");
  assert.is(again.status, 0, again.stderr);
  const after = await storedTrials(db);
  for (const t of before) assert.equal(after[t.number]?.values, t.values);
  const counted = after.filter((t) => t.attributes["abandoned"] !== true);
  assert.is(counted.length, 12);
  assert.ok(counted.every((t) => t.state === "complete"));
  assert.equal(
    after.map((t) => t.number),
    after.map((_, i) => i),
  );
});

test("two processes on one study make no duplicate trial numbers and share the budget", async () => {
  const { spec, db } = writePlan({
    trial: { kind: "evaluate", module: fixture("slow.mjs") },
    budget: { trials: 16, parallel: 2 },
  });
  const a = start("run", spec, "--json");
  await a.waitFor((l) => l.some((x) => x.includes('"event":"open"')));
  const b = start("worker", spec, "--json");
  const codes = await Promise.all([exited(a.child), exited(b.child)]);
  assert.equal(codes, [0, 0]);
  const trials = await storedTrials(db);
  assert.equal(
    trials.map((t) => t.number),
    Array.from({ length: 16 }, (_, i) => i),
  );
  assert.is(ends(a.lines) + ends(b.lines), 16);
});

test("the first Ctrl-C lets running trials finish, the second interrupts them; exit 130", async () => {
  const { spec, db } = writePlan({
    trial: { kind: "evaluate", module: fixture("slow.mjs") },
    budget: { trials: 40, parallel: 2 },
  });
  const once = start("run", spec, "--json");
  await once.waitFor((l) => ends(l) >= 1);
  once.child.kill("SIGINT");
  assert.is(await exited(once.child), 130);
  assert.ok(once.lines.some((l) => l.includes('"event":"draining"')));
  assert.ok((await storedTrials(db)).every((t) => t.state === "complete"));

  const { spec: spec2, db: db2 } = writePlan({
    trial: { kind: "evaluate", module: fixture("faulty.mjs") },
    budget: { trials: 40, parallel: 1 },
  });
  const twice = start("run", spec2, "--json");
  await twice.waitFor((l) => l.some((x) => x.includes('"event":"trial_start","number":4')));
  twice.child.kill("SIGINT");
  await twice.waitFor((l) => l.some((x) => x.includes('"event":"draining"')));
  twice.child.kill("SIGINT");
  assert.is(await exited(twice.child), 130);
  const last = (await storedTrials(db2)).at(-1)!;
  assert.is(last.state, "failed");
  assert.match(last.error ?? "", /interrupted/);
});

test("a changed plan is refused with the diff; --new-study starts afresh", () => {
  const { spec, plan } = writePlan({
    trial: { kind: "evaluate", module: fixture("quadratic.mjs") },
    budget: { trials: 1 },
  });
  assert.is(hpo("run", spec, "--quiet").status, 0);
  writeFileSync(spec, JSON.stringify({ ...plan, seed: 5 }));
  const r = hpo("run", spec);
  assert.is(r.status, 1);
  assert.match(
    r.stderr,
    /^hpo: error: study `test_study` already exists in sqlite:.* with a different plan:\n {4}seed: 1 → 5\n/,
  );
  assert.match(r.stderr, /= help: run with --new-study/);
  assert.is(hpo("run", spec, "--new-study", "--quiet").status, 0);
});

test("bad storage paths, corrupt databases and bad specs are clear errors without a stack trace", () => {
  const { spec } = writePlan({ trial: { kind: "evaluate", module: fixture("quadratic.mjs") } });
  const blocker = join(dir, "not-a-dir");
  writeFileSync(blocker, "x");
  const corrupt = join(dir, "corrupt.db");
  writeFileSync(corrupt, "garbage ".repeat(1000));
  const bad = join(dir, "bad.json");
  writeFileSync(bad, '{"version": 1}');
  const cases: [string[], RegExp][] = [
    [["run", spec, "--storage", `sqlite:${blocker}/x.db`], /^hpo: error: cannot open the study database/],
    [
      ["run", spec, "--storage", `sqlite:${corrupt}`],
      /^hpo: error: cannot open the study database .*file is not a database/,
    ],
    [["run", spec, "--storage", "ftp://x"], /^hpo: error: unknown storage `ftp:\/\/x`/],
    [["run", bad], /^hpo: error: .*bad\.json` is not an hpo Plan: `study` must be a non-empty string/],
    [["run", join(dir, "missing.json")], /^hpo: error: cannot read/],
    [["status", spec, "--storage", "memory:"], /^hpo: error: no study `test_study` in memory:/],
    [["worker", spec, "--storage", "memory:"], /^hpo: error: no study `test_study` in memory:/],
  ];
  for (const [args, pattern] of cases) {
    const r = hpo(...args);
    assert.is(r.status, 1, args.join(" "));
    assert.match(r.stderr, pattern);
    assert.not.match(r.stderr, /\n\s+at /);
  }
});

test.run();
