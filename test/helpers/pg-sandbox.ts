import pg from "pg";

/** The server the PostgreSQL tests administer (a superuser connection to an existing database). */
export const adminUrl =
  process.env.HPO_TEST_POSTGRES_ADMIN ?? "postgresql://postgres@127.0.0.1:5432/postgres";

/** A throw-away role and database on the local server, dropped by `drop()`. */
export interface PgSandbox {
  url: string;
  /** Terminates every connection to the sandbox database (as a restart or a network blip does). */
  terminate(): Promise<number>;
  drop(): Promise<void>;
}

/** Why the local server cannot be used, or undefined when it answers. */
export async function pgUnavailable(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 3000 });
  client.on("error", () => {});
  try {
    await client.connect();
    await client.end();
    return undefined;
  } catch (err) {
    return `no PostgreSQL server at ${adminUrl}: ${err instanceof Error ? err.message : String(err)}`;
  }
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: adminUrl });
  c.on("error", () => {});
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end().catch(() => {});
  }
}

/** Creates a role with a password and a database it owns; names carry `tag` and the pid. */
export async function createSandbox(tag: string): Promise<PgSandbox> {
  const name = `hpo_${tag}_${process.pid}`;
  const password = `pw_${process.pid}_${tag}`;
  await admin(async (c) => {
    await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await c.query(`DROP ROLE IF EXISTS ${name}`);
    await c.query(`CREATE ROLE ${name} LOGIN PASSWORD '${password}'`);
    await c.query(`CREATE DATABASE ${name} OWNER ${name}`);
  });
  const host = new URL(adminUrl);
  const url = `postgresql://${name}:${password}@${host.hostname}:${host.port || "5432"}/${name}`;
  return {
    url,
    terminate: () =>
      admin(async (c) => {
        const r = await c.query(
          "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
          [name],
        );
        return r.rowCount ?? 0;
      }),
    drop: () =>
      admin(async (c) => {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await c.query(`DROP ROLE IF EXISTS ${name}`);
      }),
  };
}
