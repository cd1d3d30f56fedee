/**
 * Per-trial overhead of the study loop: random strategy, a trivial objective, over N trials, with
 * in-memory storage and with SQLite (durable: one fsync per finished trial; and synchronous=normal),
 * in-process and through worker threads. Also times a bare fsync of this disk, which bounds the
 * durable figure from below.
 *
 *   node dist/bench/runtime.js [--trials 10000] [--worker-trials 2000] [--json]
 */
import Database from "better-sqlite3";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MemoryStorage } from "../src/storage/memory.js";
import { SqliteStorage, type SqliteSync } from "../src/storage/sqlite.js";
import type { Storage } from "../src/storage/types.js";
import { defaultCliDeps } from "../src/cli/compose.js";
import { runStudy } from "../src/study/loop.js";
import type { Plan } from "../src/plan/types.js";
import { benchArgs } from "./args.js";

const values = benchArgs({
  trials: { type: "string", default: "10000", help: "trials in process" },
  "worker-trials": { type: "string", default: "2000", help: "trials through worker threads" },
  "durable-trials": { type: "string", default: "2000", help: "most trials of the durable SQLite run" },
  json: { type: "boolean", default: false, help: "print JSON" },
});
const trials = Number(values.trials);
const workerTrials = Number(values["worker-trials"]);
const json = values.json;
const dir = mkdtempSync(join(tmpdir(), "hpo-bench-runtime-"));
const objectivePath = join(dir, "objective.mjs");
writeFileSync(objectivePath, "export default (p) => p.x1 * p.x1 + p.x2;\n");

function plan(name: string, n: number, module?: string): Plan {
  return {
    version: 1,
    study: name,
    seed: 1,
    source: { file: "", sha256: "" },
    space: [
      { name: "x1", kind: "float", low: -5, high: 10, log: false },
      { name: "x2", kind: "float", low: 0, high: 15, log: false },
    ],
    constraints: [],
    trial: module ? { kind: "evaluate", module } : { kind: "evaluate" },
    objectives: [{ metric: "value", direction: "minimize" }],
    strategy: { name: "random", options: {} },
    validation: { kind: "holdout", options: {} },
    budget: { trials: n, parallel: 1 },
    storage: "memory:",
  };
}

interface Row {
  storage: string;
  runner: string;
  trials: number;
  ms_per_trial: number;
}

async function measure(
  label: string,
  open: () => Storage,
  runner: "inline" | "thread",
  n: number,
): Promise<Row> {
  const storage = open();
  const p = plan(`bench_${label}_${runner}`, n, runner === "thread" ? objectivePath : undefined);
  const t0 = performance.now();
  const r = await runStudy({
    plan: p,
    storage,
    deps: defaultCliDeps.study,
    ...(runner === "inline"
      ? { objective: (x: Record<string, unknown>) => (x["x1"] as number) ** 2 + (x["x2"] as number) }
      : {}),
  });
  const ms = performance.now() - t0;
  await storage.close();
  if (r.trials.length !== n || r.trials.some((t) => t.state !== "complete"))
    throw new Error(`${label}: not all trials completed`);
  return { storage: label, runner, trials: n, ms_per_trial: ms / n };
}

function fsyncMs(): number {
  const path = join(dir, "fsync.db");
  const db = new Database(path);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = FULL");
  db.exec("CREATE TABLE t (x)");
  const insert = db.prepare("INSERT INTO t VALUES (?)");
  const n = 200;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) insert.run(i);
  const ms = (performance.now() - t0) / n;
  db.close();
  return ms;
}

const sqlite = (sync: SqliteSync) => () => new SqliteStorage(join(dir, `${sync}-${Date.now()}.db`), sync);
const rows: Row[] = [];
rows.push(await measure("memory", () => new MemoryStorage(), "inline", trials));
rows.push(
  await measure(
    "sqlite (durable)",
    sqlite("full"),
    "inline",
    Math.min(trials, Number(values["durable-trials"])),
  ),
);
rows.push(await measure("sqlite synchronous=normal", sqlite("normal"), "inline", trials));
rows.push(await measure("memory", () => new MemoryStorage(), "thread", workerTrials));
rows.push(await measure("sqlite (durable)", sqlite("full"), "thread", Math.min(workerTrials, 1_000)));
const fsync = fsyncMs();
rmSync(dir, { recursive: true, force: true });

if (json) process.stdout.write(`${JSON.stringify({ rows, fsync_ms: fsync })}\n`);
else {
  console.log("study loop overhead per trial (random strategy, trivial objective, sequential)");
  for (const r of rows)
    console.log(
      `  ${r.storage.padEnd(28)} ${r.runner.padEnd(7)} ${String(r.trials).padStart(6)} trials  ${r.ms_per_trial.toFixed(3)} ms/trial`,
    );
  console.log(`  one fsync'd SQLite commit on this disk: ${fsync.toFixed(3)} ms`);
}
