import { test } from "uvu";
import * as assert from "uvu/assert";
import { PostgresStorage, isConnectionLoss, serverOf } from "../../src/storage/postgres.js";
import { HpoError } from "../../src/util/errors.js";
import { createSandbox, pgUnavailable } from "../helpers/pg-sandbox.js";
import { testPlan } from "../helpers/runtime-plans.js";
import { skipWithReason } from "../helpers/skip.js";

// Many quick attempts: the test terminates connections far more often than any real outage would.
const fast = { attempts: 40, baseDelayMs: 20, maxDelayMs: 200 };

test("connection-loss errors are told from bad statements", () => {
  assert.ok(
    isConnectionLoss({ code: "57P01", message: "terminating connection due to administrator command" }),
  );
  assert.ok(isConnectionLoss({ code: "ECONNRESET", message: "read ECONNRESET" }));
  assert.ok(isConnectionLoss(new Error("Connection terminated unexpectedly")));
  assert.ok(isConnectionLoss({ code: "08006", message: "connection failure" }));
  assert.not.ok(isConnectionLoss({ code: "42P01", message: 'relation "x" does not exist' }));
  assert.not.ok(isConnectionLoss({ code: "23505", message: "duplicate key" }));
});

test("the server is named without user or password", () => {
  assert.is(serverOf("postgresql://me:secret@db.example:6543/hpo"), "db.example:6543/hpo");
  assert.is(serverOf("postgresql://me:secret@db.example/hpo"), "db.example:5432/hpo");
});

const why = await pgUnavailable();
if (why) skipWithReason(test, "PostgreSQL connection loss", why);
else {
  test("connections terminated during queries are retried: every trial stored once, numbers unique", async () => {
    const box = await createSandbox("blip");
    const storage = await PostgresStorage.open(box.url, fast);
    try {
      const study = await storage.createStudy("blip", testPlan({ study: "blip" }));
      let stop = false;
      let kills = 0;
      const killer = (async () => {
        while (!stop) {
          kills += await box.terminate();
          await new Promise((r) => setTimeout(r, 40));
        }
      })();
      const work = async (w: number) => {
        for (let i = 0; i < 25; i++) {
          const t = await storage.createTrial(study.id, { params: { x1: i }, worker: `w${w}` }, 100);
          assert.ok(t);
          await storage.heartbeat([t.id], Date.now());
          await storage.reportIntermediate(t.id, 1, i);
          assert.ok(await storage.finishTrial(t.id, { state: "complete", values: [i] }));
        }
      };
      try {
        await Promise.all([work(0), work(1), work(2), work(3)]);
      } finally {
        stop = true;
        await killer;
      }
      const trials = await storage.getTrials(study.id);
      assert.is(trials.length, 100, "one trial per createTrial, none doubled by a retry");
      assert.equal(
        trials.map((t) => t.number),
        Array.from({ length: 100 }, (_, i) => i),
      );
      assert.ok(trials.every((t) => t.state === "complete"));
      assert.ok(kills > 0, "the test terminated connections");
      // The budget counter stays exact: a 101st trial is refused.
      assert.is(await storage.createTrial(study.id, { params: {}, worker: "w" }, 100), undefined);
    } finally {
      await storage.close();
      await box.drop();
    }
  });

  test("a server that stays away ends in a clean error naming it, never the password", async () => {
    const box = await createSandbox("gone");
    const storage = await PostgresStorage.open(box.url, { attempts: 3, baseDelayMs: 10, maxDelayMs: 20 });
    try {
      await box.drop();
      const err = await storage.listStudies().then(
        () => undefined,
        (e: unknown) => e,
      );
      assert.instance(err, HpoError);
      const message = (err as HpoError).message;
      assert.match(message, /PostgreSQL server 127\.0\.0\.1:5432\/hpo_gone_\d+/);
      assert.not.match(message, /pw_/);
      assert.not.match(message, /\n\s+at /);
    } finally {
      await storage.close().catch(() => {});
      await box.drop();
    }
  });
}

test.run();
