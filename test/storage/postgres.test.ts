import { test } from "uvu";
import * as assert from "uvu/assert";
import pg from "pg";
import { openStorage } from "../../src/storage/index.js";
import { PostgresStorage } from "../../src/storage/postgres.js";
import { runStudy } from "../../src/study/loop.js";
import { testDeps } from "../helpers/runtime-deps.js";
import { rejects, testPlan } from "../helpers/runtime-plans.js";
import { skipWithReason } from "../helpers/skip.js";
import { storageConformance } from "./conformance.js";

const url = process.env.HPO_TEST_POSTGRES ?? "postgresql://postgres@127.0.0.1:5432/test";

/** Whether a server answers at `url` (the tests skip with the reason when not). */
async function reachable(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.end();
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

// Study names carry the pid and time so runs sharing one database never clash.
const run = `${process.pid}_${Date.now()}`;
const why = await reachable();
if (why) skipWithReason(test, "PostgreSQL storage", `no PostgreSQL server at ${url}: ${why}`);
else {
  storageConformance(
    test,
    () => PostgresStorage.open(url),
    (s) => `${s}_${run}`,
  );

  test("two studies loops sharing one PostgreSQL study split its budget without duplicate numbers", async () => {
    const plan = testPlan({ study: `shared_${run}`, budget: { trials: 20, parallel: 2 } });
    const [a, b] = [await openStorage(url), await openStorage(url)];
    const objective = async (p: Record<string, unknown>) => {
      await new Promise((r) => setTimeout(r, 5));
      return p["x1"] as number;
    };
    const [ra, rb] = await Promise.all([
      runStudy({ plan, storage: a, deps: testDeps(), objective }),
      runStudy({ plan, storage: b, deps: testDeps(), objective }),
    ]);
    assert.is(ra.ran + rb.ran, 20);
    const trials = await a.getTrials(ra.study.id);
    assert.equal(
      trials.map((t) => t.number),
      Array.from({ length: 20 }, (_, i) => i),
    );
    assert.ok(trials.every((t) => t.state === "complete"));
    await a.close();
    await b.close();
  });

  test("a read-only open creates and migrates nothing, and reads a database hpo ran in", async () => {
    // a database of its own: the read-only open must find no hpo tables there, and leave none
    const name = `hpo_readonly_${run}`.toLowerCase();
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    const fresh = new URL(url);
    fresh.pathname = `/${name}`;
    try {
      await rejects(
        () => openStorage(fresh.href, undefined, { readOnly: true }),
        /holds no hpo studies: nothing has run yet/,
      );
      const look = new pg.Client({ connectionString: fresh.href });
      await look.connect();
      const tables = await look.query("SELECT to_regclass('hpo_meta') AS t");
      await look.end();
      assert.is(tables.rows[0].t, null);
      const writer = await openStorage(fresh.href);
      await writer.close();
      const reader = await openStorage(fresh.href, undefined, { readOnly: true });
      assert.equal(await reader.listStudies(), []);
      await reader.close();
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    }
  });

  test("a server that does not answer is a clear error with the password hidden", async () => {
    await rejects(
      () => openStorage("postgresql://me:secret@127.0.0.1:1/none"),
      /^cannot use the PostgreSQL study database `postgresql:\/\/me:\*\*\*@127\.0\.0\.1:1\/none`/,
    );
  });
}

test.run();
