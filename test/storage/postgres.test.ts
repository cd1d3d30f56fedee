import { test } from "uvu";
import pg from "pg";
import { PostgresStorage } from "../../src/storage/postgres.js";
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
if (why) skipWithReason(test, "PostgreSQL storage conformance", `no PostgreSQL server at ${url}: ${why}`);
else
  storageConformance(
    test,
    () => PostgresStorage.open(url),
    (s) => `${s}_${run}`,
  );

test.run();
