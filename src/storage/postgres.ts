import { randomUUID } from "node:crypto";
import pg from "pg";
import type { Plan } from "../plan/types.js";
import { redactStorageUrl } from "../plan/storage-url.js";
import { HpoError, describeError } from "../util/errors.js";
import {
  type StudyRow,
  type TrialRow,
  groupIntermediate,
  studyFromRow,
  toJson,
  trialFromRow,
} from "./rows.js";
import type { TrialResult } from "../plan/trial.js";
import { EXIT_STORAGE } from "./errors.js";
import { type RetryPolicy, DEFAULT_RETRY, retriesExhausted, withRetry } from "./retry.js";
import type { NewTrial, Storage, StudyRecord, TrialRecord } from "./types.js";

/** Schema migrations, applied in order; `hpo_meta.schema_version` records how many ran. Append only. */
const MIGRATIONS: string[] = [
  `CREATE TABLE hpo_studies (
     id BIGSERIAL PRIMARY KEY,
     name TEXT NOT NULL UNIQUE,
     plan TEXT NOT NULL,
     next_number INTEGER NOT NULL DEFAULT 0,
     counted INTEGER NOT NULL DEFAULT 0,
     created_at BIGINT NOT NULL
   );
   CREATE TABLE hpo_trials (
     id BIGSERIAL PRIMARY KEY,
     study_id BIGINT NOT NULL REFERENCES hpo_studies(id),
     number INTEGER NOT NULL,
     state TEXT NOT NULL CHECK (state IN ('running', 'complete', 'pruned', 'failed')),
     params TEXT NOT NULL,
     objective_values TEXT,
     attributes TEXT NOT NULL,
     error TEXT,
     worker TEXT,
     fidelity TEXT,
     counted INTEGER NOT NULL DEFAULT 1,
     started_at BIGINT NOT NULL,
     finished_at BIGINT,
     heartbeat BIGINT NOT NULL,
     UNIQUE (study_id, number)
   );
   CREATE TABLE hpo_intermediate (
     trial_id BIGINT NOT NULL REFERENCES hpo_trials(id),
     step DOUBLE PRECISION NOT NULL,
     value DOUBLE PRECISION NOT NULL,
     PRIMARY KEY (trial_id, step)
   );`,
  // Each createTrial carries a request id, so a retry after a lost reply finds its trial instead of
  // taking a second number.
  `ALTER TABLE hpo_trials ADD COLUMN request TEXT;
   CREATE UNIQUE INDEX hpo_trials_request ON hpo_trials (study_id, request) WHERE request IS NOT NULL;`,
];

/** SQLSTATEs that a new connection (or a new try) may cure: connection loss, shutdown, conflicts. */
const TRANSIENT_SQLSTATE = new Set(["57P01", "57P02", "57P03", "40001", "40P01", "53300"]);
const TRANSIENT_ERRNO = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENOTFOUND",
]);

/** Whether a failure is the connection going away (or a server restarting) rather than a bad statement. */
export function isConnectionLoss(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown } | undefined;
  const code = typeof e?.code === "string" ? e.code : "";
  if (TRANSIENT_SQLSTATE.has(code) || TRANSIENT_ERRNO.has(code) || code.startsWith("08")) return true;
  const message = typeof e?.message === "string" ? e.message : "";
  return /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|not queryable/i.test(
    message,
  );
}

/** The server a connection string names, as `host:port/database` (never the user or password). */
export function serverOf(url: string): string {
  try {
    const u = new URL(url);
    const host = u.hostname || u.searchParams.get("host") || "localhost";
    return `${host}:${u.port || "5432"}${u.pathname || "/"}`;
  } catch {
    return redactStorageUrl(url);
  }
}

/** Any constant: serializes concurrent migrations of one database. */
const MIGRATION_LOCK = 0x68706f;

/**
 * PostgreSQL through node-postgres, for studies shared by many machines. Trial numbers are taken
 * while holding the study row's lock (SELECT … FOR UPDATE), so concurrent workers never collide.
 */
export class PostgresStorage implements Storage {
  /** The connection string with its password hidden: messages print it (the pool keeps the real one). */
  readonly url: string;
  private constructor(
    url: string,
    private readonly pool: pg.Pool,
    private readonly policy: RetryPolicy,
  ) {
    this.url = redactStorageUrl(url);
  }

  /**
   * Connects and brings the schema up to date; a server that does not answer is a clear HpoError.
   * `readOnly` (status, best, trials, report): creates and migrates nothing, and requires the schema
   * this hpo reads, as SqliteStorage does (a look at a database must not upgrade it under a running
   * older hpo, nor leave hpo's tables in a database nothing ran in).
   */
  static async open(
    url: string,
    policy: RetryPolicy = DEFAULT_RETRY,
    options: { readOnly?: boolean } = {},
  ): Promise<PostgresStorage> {
    const pool = new pg.Pool({ connectionString: url, max: 4, connectionTimeoutMillis: 5_000 });
    // An idle client dropped by the server: the pool discards it and the next query reconnects.
    pool.on("error", () => {});
    // A client in use that loses its connection: without a listener its 'error' event would kill the
    // process; its query fails on its own and is retried by run().
    pool.on("connect", (client) => client.on("error", () => {}));
    const storage = new PostgresStorage(url, pool, policy);
    try {
      await (options.readOnly ? storage.requireCurrentSchema() : storage.migrate());
    } catch (err) {
      await pool.end().catch(() => {});
      if (err instanceof HpoError) throw err;
      throw new HpoError(
        `cannot use the PostgreSQL study database \`${redactStorageUrl(url)}\`: ${describeError(err)}`,
        {
          cause: err,
        },
      );
    }
    return storage;
  }

  /** Runs one storage call, retrying it on a lost connection; a final failure names the server. */
  private run<T>(what: string, fn: (attempt: number) => Promise<T>): Promise<T> {
    return withRetry(
      fn,
      isConnectionLoss,
      (err, attempts) =>
        retriesExhausted(`at PostgreSQL server ${serverOf(this.url)} (${what})`, err, attempts),
      this.policy,
    );
  }

  /**
   * A connection lost during the migration is retried; a server that does not answer at all
   * (refused, unknown host, connect timeout) is reported at once.
   */
  private async migrate(): Promise<void> {
    const absent = (err: unknown) =>
      ["ECONNREFUSED", "ENOTFOUND", "EHOSTUNREACH"].includes(String((err as { code?: unknown })?.code)) ||
      /timeout exceeded when trying to connect/i.test(String((err as { message?: unknown })?.message));
    await withRetry(
      () => this.migrateOnce(),
      (err) => isConnectionLoss(err) && !absent(err),
      (err) => err,
      this.policy,
    );
  }

  /** The read-only open's check: hpo's tables exist at the schema version this hpo reads. */
  private async requireCurrentSchema(): Promise<void> {
    const version = await this.run("read the schema version", async () => {
      const table = await this.pool.query<{ t: string | null }>("SELECT to_regclass('hpo_meta') AS t");
      if (table.rows[0]?.t == null) return undefined;
      const r = await this.pool.query<{ value: string }>(
        "SELECT value FROM hpo_meta WHERE key = 'schema_version'",
      );
      return r.rows[0] ? Number(r.rows[0].value) : 0;
    });
    if (version === undefined)
      throw new HpoError(
        `the PostgreSQL database \`${this.url}\` holds no hpo studies: nothing has run yet`,
        {
          hint: "run the spec first with `hpo run SPEC`",
          exitCode: EXIT_STORAGE,
        },
      );
    if (version !== MIGRATIONS.length)
      throw new HpoError(
        `the PostgreSQL study database \`${this.url}\` has schema version ${version}, but this hpo reads ${MIGRATIONS.length}`,
        {
          hint: version < MIGRATIONS.length ? "`hpo run SPEC` upgrades it" : "upgrade hpo",
          exitCode: EXIT_STORAGE,
        },
      );
  }

  private async migrateOnce(): Promise<void> {
    await this.tx(async (c) => {
      await c.query("SELECT pg_advisory_xact_lock($1)", [MIGRATION_LOCK]);
      await c.query("CREATE TABLE IF NOT EXISTS hpo_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
      const r = await c.query<{ value: string }>("SELECT value FROM hpo_meta WHERE key = 'schema_version'");
      const version = r.rows[0] ? Number(r.rows[0].value) : 0;
      if (version > MIGRATIONS.length)
        throw new HpoError(
          `the PostgreSQL study database has schema version ${version}, newer than this hpo understands (${MIGRATIONS.length})`,
          { hint: "upgrade hpo" },
        );
      for (let v = version; v < MIGRATIONS.length; v++) await c.query(MIGRATIONS[v] as string);
      await c.query(
        `INSERT INTO hpo_meta (key, value) VALUES ('schema_version', $1)
         ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`,
        [String(MIGRATIONS.length)],
      );
    });
  }

  private async tx<T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    const c = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await c.query("BEGIN");
      const out = await fn(c);
      await c.query("COMMIT");
      return out;
    } catch (err) {
      if (isConnectionLoss(err)) broken = err instanceof Error ? err : new Error(String(err));
      else await c.query("ROLLBACK").catch(() => {});
      throw err;
    } finally {
      // A client whose connection broke is destroyed, not handed to the next caller.
      c.release(broken);
    }
  }

  async getStudy(name: string): Promise<StudyRecord | undefined> {
    return this.run("read a study", async () => {
      const r = await this.pool.query<StudyRow>("SELECT * FROM hpo_studies WHERE name = $1", [name]);
      return r.rows[0] && studyFromRow(r.rows[0]);
    });
  }

  async createStudy(name: string, plan: Plan): Promise<StudyRecord> {
    const json = toJson(plan);
    return this.run("create a study", async (attempt) => {
      try {
        const r = await this.pool.query<StudyRow>(
          "INSERT INTO hpo_studies (name, plan, created_at) VALUES ($1, $2, $3) RETURNING *",
          [name, json, Date.now()],
        );
        return studyFromRow(r.rows[0]!);
      } catch (err) {
        if ((err as { code?: string }).code !== "23505") throw err;
        // A retry whose first try committed before its reply was lost finds its own study.
        const mine =
          attempt > 0
            ? await this.pool.query<StudyRow>("SELECT * FROM hpo_studies WHERE name = $1", [name])
            : undefined;
        if (mine?.rows[0] && mine.rows[0].plan === json) return studyFromRow(mine.rows[0]);
        throw new HpoError(`study \`${name}\` already exists`);
      }
    });
  }

  async renameStudy(name: string, newName: string): Promise<void> {
    await this.run("rename a study", async (attempt) => {
      try {
        const r = await this.pool.query("UPDATE hpo_studies SET name = $1 WHERE name = $2", [newName, name]);
        if (r.rowCount !== 0) return;
        // A retry after a lost reply: the first try renamed it.
        if (
          attempt > 0 &&
          (await this.pool.query("SELECT 1 FROM hpo_studies WHERE name = $1", [newName])).rowCount
        )
          return;
        throw new HpoError(`no study named \`${name}\``);
      } catch (err) {
        if ((err as { code?: string }).code === "23505")
          throw new HpoError(`study \`${newName}\` already exists`);
        throw err;
      }
    });
  }

  async listStudies(): Promise<StudyRecord[]> {
    return this.run("list studies", async () => {
      const r = await this.pool.query<StudyRow>("SELECT * FROM hpo_studies ORDER BY id");
      return r.rows.map(studyFromRow);
    });
  }

  async createTrial(studyId: number, trial: NewTrial, limit?: number): Promise<TrialRecord | undefined> {
    const now = Date.now();
    const request = randomUUID();
    return this.run("start a trial", (attempt) =>
      this.createTrialOnce(studyId, trial, limit, now, request, attempt),
    );
  }

  private async createTrialOnce(
    studyId: number,
    trial: NewTrial,
    limit: number | undefined,
    now: number,
    request: string,
    attempt: number,
  ): Promise<TrialRecord | undefined> {
    return this.tx(async (c) => {
      if (attempt > 0) {
        // The first try may have committed before its reply was lost: then that trial is the answer.
        const prior = await c.query<TrialRow>(
          "SELECT * FROM hpo_trials WHERE study_id = $1 AND request = $2",
          [studyId, request],
        );
        if (prior.rows[0]) return trialFromRow(prior.rows[0], []);
      }
      const r = await c.query<{ next: number; counted: number }>(
        "SELECT next_number AS next, counted FROM hpo_studies WHERE id = $1 FOR UPDATE",
        [studyId],
      );
      const study = r.rows[0];
      if (!study) throw new HpoError(`no study with id ${studyId}`);
      const { next, counted } = study;
      if (limit !== undefined && Number(counted) >= limit) return undefined;
      await c.query(
        "UPDATE hpo_studies SET next_number = next_number + 1, counted = counted + 1 WHERE id = $1",
        [studyId],
      );
      const ins = await c.query<TrialRow>(
        `INSERT INTO hpo_trials (study_id, number, state, params, attributes, worker, fidelity, started_at, heartbeat, request)
         VALUES ($1, $2, 'running', $3, $4, $5, $6, $7, $7, $8) RETURNING *`,
        [
          studyId,
          Number(next),
          toJson(trial.params),
          toJson(trial.attributes ?? {}),
          trial.worker,
          trial.fidelity ? toJson(trial.fidelity) : null,
          now,
          request,
        ],
      );
      return trialFromRow(ins.rows[0]!, []);
    });
  }

  async reportIntermediate(trialId: number, step: number, value: number): Promise<void> {
    // An upsert per (trial, step): repeating it changes nothing.
    await this.run("record an intermediate value", () =>
      this.pool.query(
        `INSERT INTO hpo_intermediate (trial_id, step, value) VALUES ($1, $2, $3)
         ON CONFLICT (trial_id, step) DO UPDATE SET value = EXCLUDED.value`,
        [trialId, step, value],
      ),
    );
  }

  async heartbeat(trialIds: readonly number[], now: number): Promise<void> {
    if (trialIds.length === 0) return;
    await this.run("refresh heartbeats", () =>
      this.pool.query("UPDATE hpo_trials SET heartbeat = $1 WHERE id = ANY($2) AND state = 'running'", [
        now,
        trialIds,
      ]),
    );
  }

  async finishTrial(trialId: number, result: TrialResult): Promise<boolean> {
    const finishedAt = Date.now();
    return this.run("store a trial's result", (attempt) =>
      this.finishTrialOnce(trialId, result, finishedAt, attempt),
    );
  }

  private async finishTrialOnce(
    trialId: number,
    result: TrialResult,
    finishedAt: number,
    attempt: number,
  ): Promise<boolean> {
    return this.tx(async (c) => {
      const r = await c.query<TrialRow>("SELECT * FROM hpo_trials WHERE id = $1 FOR UPDATE", [trialId]);
      const row = r.rows[0];
      // A retry whose first try committed before its reply was lost finds its own result stored.
      if (attempt > 0 && row && Number(row.finished_at) === finishedAt && row.state === result.state)
        return true;
      if (row?.state !== "running") return false;
      const attributes = { ...JSON.parse(row.attributes), ...(result.attributes ?? {}) };
      const counted = attributes.abandoned === true ? 0 : 1;
      if (counted === 0 && Number(row.counted) === 1)
        await c.query("UPDATE hpo_studies SET counted = counted - 1 WHERE id = $1", [row.study_id]);
      await c.query(
        `UPDATE hpo_trials SET state = $1, objective_values = $2, error = $3, attributes = $4, counted = $5,
         finished_at = $6 WHERE id = $7`,
        [
          result.state,
          result.values ? toJson(result.values) : null,
          result.error ?? null,
          toJson(attributes),
          counted,
          finishedAt,
          trialId,
        ],
      );
      return true;
    });
  }

  async getTrials(studyId: number): Promise<TrialRecord[]> {
    return this.run("read trials", () => this.getTrialsOnce(studyId));
  }

  private async getTrialsOnce(studyId: number): Promise<TrialRecord[]> {
    return this.tx(async (c) => {
      const rows = await c.query<TrialRow>("SELECT * FROM hpo_trials WHERE study_id = $1 ORDER BY number", [
        studyId,
      ]);
      const inter = await c.query<{ trial_id: string; step: number; value: number }>(
        `SELECT i.trial_id, i.step, i.value FROM hpo_intermediate i
         JOIN hpo_trials t ON t.id = i.trial_id WHERE t.study_id = $1`,
        [studyId],
      );
      const byTrial = groupIntermediate(inter.rows);
      return rows.rows.map((r) => trialFromRow(r, byTrial.get(Number(r.id)) ?? []));
    });
  }

  async getTrial(trialId: number): Promise<TrialRecord | undefined> {
    return this.run("read a trial", () => this.getTrialOnce(trialId));
  }

  private async getTrialOnce(trialId: number): Promise<TrialRecord | undefined> {
    const r = await this.pool.query<TrialRow>("SELECT * FROM hpo_trials WHERE id = $1", [trialId]);
    if (!r.rows[0]) return undefined;
    const inter = await this.pool.query<{ trial_id: string; step: number; value: number }>(
      "SELECT trial_id, step, value FROM hpo_intermediate WHERE trial_id = $1",
      [trialId],
    );
    return trialFromRow(r.rows[0], groupIntermediate(inter.rows).get(trialId) ?? []);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
