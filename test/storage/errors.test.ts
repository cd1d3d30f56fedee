import { test } from "uvu";
import * as assert from "uvu/assert";
import { existsSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  EXIT_STORAGE,
  EXIT_STORAGE_UNAVAILABLE,
  prepareDatabaseFolder,
  storageFailure,
} from "../../src/storage/errors.js";
import { SqliteStorage } from "../../src/storage/sqlite.js";
import { HpoError } from "../../src/util/errors.js";
import type { Plan } from "../../src/plan/types.js";

const coded = (code: string, message = "boom") => Object.assign(new Error(message), { code });

test("SQLite result codes become clear errors with the documented exit codes", () => {
  const cases: [string, RegExp, number][] = [
    ["SQLITE_BUSY", /is locked by another process/, EXIT_STORAGE_UNAVAILABLE],
    ["SQLITE_FULL", /the disk is full/, EXIT_STORAGE],
    ["SQLITE_READONLY_DBMOVED", /is read-only/, EXIT_STORAGE],
    ["SQLITE_CORRUPT", /is corrupted/, EXIT_STORAGE],
    ["SQLITE_IOERR_WRITE", /I\/O error/, EXIT_STORAGE],
  ];
  for (const [code, message, exitCode] of cases) {
    const e = storageFailure(coded(code), "/data/s.db");
    assert.ok(e instanceof HpoError, code);
    assert.match(e!.message, /^the study database `\/data\/s.db` /);
    assert.match(e!.message, message, code);
    assert.is(e!.exitCode, exitCode, code);
    assert.ok(e!.hint, code);
  }
});

test("PostgreSQL SQLSTATE classes and dropped connections are classified", () => {
  assert.is(storageFailure(coded("57P01"))?.exitCode, EXIT_STORAGE_UNAVAILABLE); // admin shutdown
  assert.is(storageFailure(coded("53100"))?.exitCode, EXIT_STORAGE_UNAVAILABLE); // disk full
  assert.match(storageFailure(coded("28P01"))!.message, /refused the credentials/);
  assert.match(storageFailure(coded("ECONNRESET"))!.message, /dropped the connection/);
  // Anything else stays what it was: a real internal error is not disguised as a storage one.
  assert.is(storageFailure(new TypeError("x is undefined")), undefined);
  assert.is(storageFailure(coded("ERR_SOMETHING")), undefined);
});

test("a path under /proc fails fast with a clear message instead of spinning", () => {
  assert.throws(
    () => prepareDatabaseFolder("/proc/hpo-no-such/dir/study.db"),
    (e: unknown) =>
      e instanceof HpoError && /its folder cannot be created/.test(e.message) && e.exitCode === EXIT_STORAGE,
  );
  assert.throws(
    () => new SqliteStorage("/proc/hpo-no-such/dir/study.db"),
    (e: unknown) => e instanceof HpoError && /\/proc\/hpo-no-such/.test(e.message),
  );
});

test("a file in place of a folder, and a file that is not a database, are named", () => {
  const dir = mkdtempSync(join(tmpdir(), "hpo-errors-"));
  try {
    writeFileSync(join(dir, "file"), "x");
    assert.throws(
      () => prepareDatabaseFolder(join(dir, "file", "sub", "s.db")),
      (e: unknown) => e instanceof HpoError && /is not a folder/.test(e.message),
    );
    writeFileSync(join(dir, "garbage.db"), "this is not an SQLite file at all, just text".repeat(100));
    assert.throws(
      () => new SqliteStorage(join(dir, "garbage.db")),
      (e: unknown) =>
        e instanceof HpoError && /is not an SQLite database/.test(e.message) && e.exitCode === EXIT_STORAGE,
    );
    prepareDatabaseFolder(join(dir, "a", "b", "s.db"));
    assert.ok(existsSync(join(dir, "a", "b")));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

const plan = { study: "s" } as unknown as Plan;

test("a database deleted mid-run is reported, not silently lost", async () => {
  const dir = mkdtempSync(join(tmpdir(), "hpo-errors-"));
  try {
    const path = join(dir, "s.db");
    const storage = new SqliteStorage(path);
    const study = await storage.createStudy("s", plan);
    const first = await storage.createTrial(study.id, { params: {}, worker: "w" });
    assert.ok(first);
    unlinkSync(path);
    try {
      await storage.createTrial(study.id, { params: {}, worker: "w" });
      assert.unreachable("a trial was created in a deleted database");
    } catch (e) {
      assert.instance(e, HpoError);
      assert.match((e as Error).message, /was deleted while hpo was using it/);
    }
    await storage.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a read-only open of a missing file creates nothing", () => {
  const dir = mkdtempSync(join(tmpdir(), "hpo-errors-"));
  try {
    const path = join(dir, "sub", "never.db");
    assert.throws(
      () => new SqliteStorage(path, "full", { readOnly: true }),
      (e: unknown) => e instanceof HpoError && /nothing has run yet/.test(e.message),
    );
    assert.not.ok(existsSync(join(dir, "sub")));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a read-only open reads what a writer stored", async () => {
  const dir = mkdtempSync(join(tmpdir(), "hpo-errors-"));
  try {
    const path = join(dir, "s.db");
    const writer = new SqliteStorage(path);
    await writer.createStudy("s", plan);
    await writer.close();
    const reader = new SqliteStorage(path, "full", { readOnly: true });
    assert.is((await reader.getStudy("s"))?.name, "s");
    await reader.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
