import Database from "better-sqlite3";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { SqliteStorage } from "../../src/storage/sqlite.js";
import { HpoError } from "../../src/util/errors.js";
import { testPlan } from "../helpers/runtime-plans.js";

const fast = { attempts: 3, baseDelayMs: 10, maxDelayMs: 20 };

test("a write lock held past the busy wait is retried, then a clean error naming the file", async () => {
  const dir = mkdtempSync(join(tmpdir(), "hpo-busy-"));
  const path = join(dir, "s.db");
  const storage = new SqliteStorage(path, "full", { busyTimeoutMs: 20, retry: fast });
  const study = await storage.createStudy("s", testPlan({ study: "s" }));
  const other = new Database(path);
  try {
    other.exec("BEGIN IMMEDIATE");
    const err = await storage.createTrial(study.id, { params: {}, worker: "w" }).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.instance(err, HpoError);
    assert.match((err as HpoError).message, /s\.db` \(start a trial\) failed \(after 3 attempts\)/);
    other.exec("ROLLBACK");
    // The lock released between attempts: the retry succeeds and nothing was taken twice.
    other.exec("BEGIN IMMEDIATE");
    setTimeout(() => other.exec("ROLLBACK"), 30);
    const slow = new SqliteStorage(path, "full", {
      busyTimeoutMs: 20,
      retry: { attempts: 20, baseDelayMs: 10, maxDelayMs: 20 },
    });
    const t = await slow.createTrial(study.id, { params: {}, worker: "w" });
    assert.is(t?.number, 0);
    slow.close();
  } finally {
    other.close();
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
