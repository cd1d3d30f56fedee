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
];

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
  ) {
    this.url = redactStorageUrl(url);
  }

  /** Connects and brings the schema up to date; a server that does not answer is a clear HpoError. */
  static async open(url: string): Promise<PostgresStorage> {
    const pool = new pg.Pool({ connectionString: url, max: 4, connectionTimeoutMillis: 5_000 });
    pool.on("error", () => {}); // an idle client dropped by the server: the next query reconnects
    const storage = new PostgresStorage(url, pool);
    try {
      await storage.migrate();
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

  private async migrate(): Promise<void> {
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
    try {
      await c.query("BEGIN");
      const out = await fn(c);
      await c.query("COMMIT");
      return out;
    } catch (err) {
      await c.query("ROLLBACK").catch(() => {});
      throw err;
    } finally {
      c.release();
    }
  }

  async getStudy(name: string): Promise<StudyRecord | undefined> {
    const r = await this.pool.query<StudyRow>("SELECT * FROM hpo_studies WHERE name = $1", [name]);
    return r.rows[0] && studyFromRow(r.rows[0]);
  }

  async createStudy(name: string, plan: Plan): Promise<StudyRecord> {
    try {
      const r = await this.pool.query<StudyRow>(
        "INSERT INTO hpo_studies (name, plan, created_at) VALUES ($1, $2, $3) RETURNING *",
        [name, toJson(plan), Date.now()],
      );
      return studyFromRow(r.rows[0]!);
    } catch (err) {
      if ((err as { code?: string }).code === "23505") throw new HpoError(`study \`${name}\` already exists`);
      throw err;
    }
  }

  async renameStudy(name: string, newName: string): Promise<void> {
    try {
      const r = await this.pool.query("UPDATE hpo_studies SET name = $1 WHERE name = $2", [newName, name]);
      if (r.rowCount === 0) throw new HpoError(`no study named \`${name}\``);
    } catch (err) {
      if ((err as { code?: string }).code === "23505")
        throw new HpoError(`study \`${newName}\` already exists`);
      throw err;
    }
  }

  async listStudies(): Promise<StudyRecord[]> {
    const r = await this.pool.query<StudyRow>("SELECT * FROM hpo_studies ORDER BY id");
    return r.rows.map(studyFromRow);
  }

  async createTrial(studyId: number, trial: NewTrial, limit?: number): Promise<TrialRecord | undefined> {
    const now = Date.now();
    return this.tx(async (c) => {
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
        `INSERT INTO hpo_trials (study_id, number, state, params, attributes, worker, fidelity, started_at, heartbeat)
         VALUES ($1, $2, 'running', $3, $4, $5, $6, $7, $7) RETURNING *`,
        [
          studyId,
          Number(next),
          toJson(trial.params),
          toJson(trial.attributes ?? {}),
          trial.worker,
          trial.fidelity ? toJson(trial.fidelity) : null,
          now,
        ],
      );
      return trialFromRow(ins.rows[0]!, []);
    });
  }

  async reportIntermediate(trialId: number, step: number, value: number): Promise<void> {
    await this.pool.query(
      `INSERT INTO hpo_intermediate (trial_id, step, value) VALUES ($1, $2, $3)
       ON CONFLICT (trial_id, step) DO UPDATE SET value = EXCLUDED.value`,
      [trialId, step, value],
    );
  }

  async heartbeat(trialIds: readonly number[], now: number): Promise<void> {
    if (trialIds.length === 0) return;
    await this.pool.query("UPDATE hpo_trials SET heartbeat = $1 WHERE id = ANY($2) AND state = 'running'", [
      now,
      trialIds,
    ]);
  }

  async finishTrial(trialId: number, result: TrialResult): Promise<boolean> {
    return this.tx(async (c) => {
      const r = await c.query<TrialRow>("SELECT * FROM hpo_trials WHERE id = $1 FOR UPDATE", [trialId]);
      const row = r.rows[0];
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
          Date.now(),
          trialId,
        ],
      );
      return true;
    });
  }

  async getTrials(studyId: number): Promise<TrialRecord[]> {
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
