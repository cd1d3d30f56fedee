import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Plan } from "../../src/plan/types.js";
import { SqliteStorage } from "../../src/storage/sqlite.js";
import { fixture } from "./runtime-deps.js";
import { testPlan } from "./runtime-plans.js";

// The study commands through a real `hpo` process, on Plan JSON specs, with the runtime's test
// strategy (test/fixtures/runtime/hpo-test-cli.mjs).
const cli = fixture("hpo-test-cli.mjs");
const dir = mkdtempSync(join(tmpdir(), "hpo-cli-"));
let n = 0;

/** The temporary directory of this test file. */
export const tempDir = dir;

/** Writes a Plan JSON spec whose study lives in its own SQLite file. */
export function writePlan(overrides: Parameters<typeof testPlan>[0]): {
  spec: string;
  db: string;
  plan: Plan;
} {
  const id = n++;
  const db = join(dir, `study${id}.db`);
  const plan = testPlan({ storage: `sqlite:${db}`, ...overrides });
  const spec = join(dir, `plan${id}.json`);
  writeFileSync(spec, JSON.stringify(plan));
  return { spec, db, plan };
}

/** Runs the test CLI to completion. */
export const hpo = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: "utf8" });

/** Starts the test CLI, collecting its stdout lines. */
export function start(...args: string[]): {
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

export const exited = (c: ChildProcess) =>
  new Promise<number | null>((r) => c.on("close", (code) => r(code)));
/** How many trial_end JSON events the lines hold. */
export const ends = (lines: string[]) => lines.filter((l) => l.includes('"event":"trial_end"')).length;

/** Every trial of the only study in a SQLite file. */
export async function storedTrials(db: string) {
  const s = new SqliteStorage(db);
  const study = (await s.listStudies())[0]!;
  const trials = await s.getTrials(study.id);
  await s.close();
  return trials;
}
