import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { SqliteStorage, SQLITE_SCHEMA_VERSION } from "../../src/storage/sqlite.js";
import { openStorage } from "../../src/storage/index.js";
import { HpoError } from "../../src/util/errors.js";
import { rejects, testPlan } from "../helpers/runtime-plans.js";
import { storageConformance } from "./conformance.js";

const dir = mkdtempSync(join(tmpdir(), "hpo-sqlite-"));
let n = 0;
const fresh = () => join(dir, `s${n++}.db`);

storageConformance(test, async () => new SqliteStorage(fresh()));

test("a study and its trials survive closing and reopening the file", async () => {
  const path = fresh();
  const a = new SqliteStorage(path);
  const study = await a.createStudy("keep", testPlan());
  const t = (await a.createTrial(study.id, { params: { x1: 1 }, worker: "h:1" }))!;
  await a.finishTrial(t.id, { state: "complete", values: [3] });
  await a.close();
  const b = await openStorage(`sqlite:${path}`);
  const again = (await b.getStudy("keep"))!;
  assert.equal(
    (await b.getTrials(again.id)).map((x) => x.values),
    [[3]],
  );
  await b.close();
});

test("two processes creating trials on one file never repeat a number", async () => {
  const path = fresh();
  const s = new SqliteStorage(path);
  const study = await s.createStudy("shared", testPlan());
  const moduleUrl = new URL("../../src/storage/sqlite.js", import.meta.url).href;
  const script = `
    const { SqliteStorage } = await import(${JSON.stringify(moduleUrl)});
    const s = new SqliteStorage(${JSON.stringify(path)});
    for (let i = 0; i < 60; i++) {
      const t = await s.createTrial(${study.id}, { params: { i }, worker: "h:" + process.pid });
      await s.finishTrial(t.id, { state: "complete", values: [i] });
    }
    await s.close();`;
  const runOne = () =>
    new Promise<number | null>((resolve) => {
      const child = spawn(process.execPath, ["--input-type=module", "-e", script], { stdio: "inherit" });
      child.on("close", resolve);
    });
  const codes = await Promise.all([runOne(), runOne()]);
  assert.equal(codes, [0, 0]);
  const numbers = (await s.getTrials(study.id)).map((t) => t.number);
  assert.equal(
    numbers,
    Array.from({ length: 120 }, (_, i) => i),
  );
  await s.close();
});

test("a file that is not a database is a clear error, not a stack trace", () => {
  const path = join(dir, "corrupt.db");
  writeFileSync(path, "this is not sqlite at all, just some text that fills the header ".repeat(64));
  try {
    new SqliteStorage(path);
    assert.unreachable("opened a corrupt file");
  } catch (err) {
    assert.instance(err, HpoError);
    assert.match((err as Error).message, /cannot open the study database .*corrupt\.db.*not a database/);
  }
});

test("a path that cannot be created is a clear error", async () => {
  const blocker = join(dir, "a-file");
  writeFileSync(blocker, "x");
  await rejects(
    () => openStorage(`sqlite:${join(blocker, "sub", "x.db")}`),
    /cannot open the study database/,
  );
});

test("a database from a newer hpo is refused", () => {
  const path = fresh();
  new SqliteStorage(path).close();
  const db = new Database(path);
  db.pragma(`user_version = ${SQLITE_SCHEMA_VERSION + 1}`);
  db.close();
  assert.throws(() => new SqliteStorage(path), /newer than this hpo understands/);
});

test("opening an existing file does not rerun migrations", async () => {
  const path = fresh();
  const a = new SqliteStorage(path);
  await a.createStudy("x", testPlan());
  await a.close();
  const b = new SqliteStorage(path);
  assert.is((await b.listStudies()).length, 1);
  await b.close();
});

test("openStorage rejects an unknown scheme, an empty sqlite path and unknown options", async () => {
  await rejects(() => openStorage("mysql://x"), /unknown storage `mysql:\/\/x`/);
  await rejects(() => openStorage("sqlite:"), /needs a path/);
  await rejects(() => openStorage(`sqlite:${fresh()}?synchronous=off`), /must be `full` or `normal`/);
  await rejects(() => openStorage(`sqlite:${fresh()}?cache=big`), /unknown option `cache`/);
});

test("synchronous=normal is kept in the URL and stores the same data", async () => {
  const path = fresh();
  const s = await openStorage(`sqlite:${path}?synchronous=normal`);
  assert.is(s.url, `sqlite:${path}?synchronous=normal`);
  const study = await s.createStudy("n", testPlan());
  const t = (await s.createTrial(study.id, { params: { a: 1 }, worker: "h:1" }))!;
  await s.finishTrial(t.id, { state: "complete", values: [2] });
  await s.close();
  const again = new SqliteStorage(path);
  assert.equal((await again.getTrials(study.id))[0]?.values, [2]);
  await again.close();
});

test.run();
