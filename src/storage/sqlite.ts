import Database from "better-sqlite3";
import type { Plan } from "../plan/types.js";
import { HpoError, describeError } from "../util/errors.js";
import {
  EXIT_STORAGE,
  assertSameFile,
  fileIdentity,
  prepareDatabaseFolder,
  storageFailure,
} from "./errors.js";
import {
  type StudyRow,
  type TrialRow,
  groupIntermediate,
  studyFromRow,
  toJson,
  trialFromRow,
} from "./rows.js";
import type { TrialResult } from "../plan/trial.js";
import { type RetryPolicy, retriesExhausted, withRetry } from "./retry.js";
import type { NewTrial, Storage, StudyRecord, TrialRecord } from "./types.js";

/**
 * Schema migrations, applied in order; `PRAGMA user_version` records how many ran. Never edit a
 * shipped migration: append a new one.
 */
const MIGRATIONS: string[] = [
  `CREATE TABLE hpo_studies (
     id INTEGER PRIMARY KEY,
     name TEXT NOT NULL UNIQUE,
     plan TEXT NOT NULL,
     next_number INTEGER NOT NULL DEFAULT 0,
     counted INTEGER NOT NULL DEFAULT 0,
     created_at INTEGER NOT NULL
   );
   CREATE TABLE hpo_trials (
     id INTEGER PRIMARY KEY,
     study_id INTEGER NOT NULL REFERENCES hpo_studies(id),
     number INTEGER NOT NULL,
     state TEXT NOT NULL CHECK (state IN ('running', 'complete', 'pruned', 'failed')),
     params TEXT NOT NULL,
     objective_values TEXT,
     attributes TEXT NOT NULL,
     error TEXT,
     worker TEXT,
     fidelity TEXT,
     counted INTEGER NOT NULL DEFAULT 1,
     started_at INTEGER NOT NULL,
     finished_at INTEGER,
     heartbeat INTEGER NOT NULL,
     UNIQUE (study_id, number)
   );
   CREATE TABLE hpo_intermediate (
     trial_id INTEGER NOT NULL REFERENCES hpo_trials(id),
     step REAL NOT NULL,
     value REAL NOT NULL,
     PRIMARY KEY (trial_id, step)
   );`,
];

export const SQLITE_SCHEMA_VERSION = MIGRATIONS.length;

/**
 * How hard a commit waits for the disk. `full`: a finished trial (and a new study) is fsynced before
 * `finishTrial` resolves, so it survives a crash or a power loss; other writes (new trials,
 * heartbeats, intermediate values) ride along with the next fsync. `normal`: nothing is fsynced per
 * trial (WAL checkpoints still are): a kill -9 loses nothing, a power loss may lose the last trials.
 */
export type SqliteSync = "full" | "normal";

/**
 * SQLite through better-sqlite3: WAL journal, a busy timeout so several processes can share the file,
 * and trial numbers taken inside IMMEDIATE transactions so they never collide.
 */
export class SqliteStorage implements Storage {
  readonly url: string;
  private readonly retry: RetryPolicy;
  private readonly db: Database.Database;
  private readonly stmts;

  /** The file's device and inode when opened, to notice it deleted or replaced mid-run. */
  private readonly identity: string | undefined;

  /** `readOnly`: for the commands that only read (status, best, trials, report): creates nothing. */
  constructor(
    readonly path: string,
    private readonly sync: SqliteSync = "full",
    /**
     * `readOnly`: open an existing database without writing (status, best, trials, report); `busyTimeoutMs`:
     * each statement's busy timeout, then `retry` retries the whole write (tests shorten both).
     */
    options: { readOnly?: boolean; busyTimeoutMs?: number; retry?: RetryPolicy } = {},
  ) {
    this.retry = options.retry ?? { attempts: 3, baseDelayMs: 500, maxDelayMs: 2_000 };
    this.url = `sqlite:${path}${sync === "full" ? "" : `?synchronous=${sync}`}`;
    const readOnly = options.readOnly === true && path !== ":memory:";
    if (readOnly && fileIdentity(path) === undefined)
      throw new HpoError(`no study database at \`${path}\`: nothing has run yet`, {
        hint: "run the spec first with `hpo run SPEC`",
      });
    try {
      if (path !== ":memory:" && !readOnly) prepareDatabaseFolder(path);
      this.db = new Database(path, {
        timeout: options.busyTimeoutMs ?? 10_000,
        readonly: readOnly,
        fileMustExist: readOnly,
      });
      if (!readOnly) {
        this.db.pragma("journal_mode = WAL");
        this.db.pragma("synchronous = NORMAL");
      }
      this.db.pragma("foreign_keys = ON");
      if (readOnly) this.requireCurrentSchema();
      else this.migrate();
    } catch (err) {
      if (err instanceof HpoError) throw err;
      // better-sqlite3 installed without its install script (--ignore-scripts, or its prebuilt
      // download failed where no compiler could stand in) has no binary: say that, not "the path".
      if (/Could not locate the bindings file/.test(describeError(err)))
        throw new HpoError(
          "SQLite storage needs better-sqlite3's native binary, which is not installed (npm skipped its install script, or its download failed)",
          {
            hint: "run `npm rebuild better-sqlite3` (downloads its prebuilt binary, or builds it with a C++ compiler), or use another storage: `--storage memory:` or a postgresql:// URL",
            exitCode: EXIT_STORAGE,
            cause: err,
          },
        );
      throw (
        storageFailure(err, path, { opening: true }) ??
        new HpoError(`cannot open the study database \`${path}\`: ${describeError(err)}`, {
          hint: "check the path, or move a damaged file aside so hpo can create a new one",
          exitCode: EXIT_STORAGE,
          cause: err,
        })
      );
    }
    this.identity = path === ":memory:" ? undefined : fileIdentity(path);
    const db = this.db;
    this.stmts = {
      studyByName: db.prepare<[string], StudyRow>("SELECT * FROM hpo_studies WHERE name = ?"),
      studies: db.prepare<[], StudyRow>("SELECT * FROM hpo_studies ORDER BY id"),
      insertStudy: db.prepare("INSERT INTO hpo_studies (name, plan, created_at) VALUES (?, ?, ?)"),
      renameStudy: db.prepare("UPDATE hpo_studies SET name = ? WHERE name = ?"),
      nextNumber: db.prepare<[number], { next: number; counted: number }>(
        "SELECT next_number AS next, counted FROM hpo_studies WHERE id = ?",
      ),
      takeNumber: db.prepare(
        "UPDATE hpo_studies SET next_number = next_number + 1, counted = counted + 1 WHERE id = ?",
      ),
      uncount: db.prepare("UPDATE hpo_studies SET counted = counted - 1 WHERE id = ?"),
      insertTrial: db.prepare(
        `INSERT INTO hpo_trials (study_id, number, state, params, attributes, worker, fidelity, started_at, heartbeat)
         VALUES (?, ?, 'running', ?, ?, ?, ?, ?, ?)`,
      ),
      trial: db.prepare<[number], TrialRow>("SELECT * FROM hpo_trials WHERE id = ?"),
      trials: db.prepare<[number], TrialRow>("SELECT * FROM hpo_trials WHERE study_id = ? ORDER BY number"),
      intermediateOf: db.prepare<[number], { trial_id: number; step: number; value: number }>(
        "SELECT trial_id, step, value FROM hpo_intermediate WHERE trial_id = ?",
      ),
      intermediateOfStudy: db.prepare<[number], { trial_id: number; step: number; value: number }>(
        `SELECT i.trial_id, i.step, i.value FROM hpo_intermediate i
         JOIN hpo_trials t ON t.id = i.trial_id WHERE t.study_id = ?`,
      ),
      report: db.prepare("INSERT OR REPLACE INTO hpo_intermediate (trial_id, step, value) VALUES (?, ?, ?)"),
      heartbeat: db.prepare("UPDATE hpo_trials SET heartbeat = ? WHERE id = ? AND state = 'running'"),
      finish: db.prepare(
        `UPDATE hpo_trials SET state = ?, objective_values = ?, error = ?, attributes = ?, counted = ?, finished_at = ?
         WHERE id = ? AND state = 'running'`,
      ),
    };
  }

  /** A read-only open cannot migrate: an older file is read by running the spec once (which upgrades it). */
  private requireCurrentSchema(): void {
    const version = this.db.pragma("user_version", { simple: true }) as number;
    if (version !== MIGRATIONS.length)
      throw new HpoError(
        `the study database \`${this.path}\` has schema version ${version}, but this hpo reads ${MIGRATIONS.length}`,
        {
          hint: version < MIGRATIONS.length ? "`hpo run SPEC` upgrades it" : "upgrade hpo",
          exitCode: EXIT_STORAGE,
        },
      );
  }

  /** Throws a clear error when the file was deleted or replaced under us (see assertSameFile). */
  private checkFile(): void {
    if (this.identity !== undefined) assertSameFile(this.path, this.identity);
  }

  private migrate(): void {
    const version = this.db.pragma("user_version", { simple: true }) as number;
    if (version > MIGRATIONS.length)
      throw new HpoError(
        `the study database \`${this.path}\` has schema version ${version}, newer than this hpo understands (${MIGRATIONS.length})`,
        { hint: "upgrade hpo" },
      );
    if (version === MIGRATIONS.length) return;
    // Another process may be migrating at the same moment: IMMEDIATE takes the write lock first.
    this.db
      .transaction(() => {
        const now = this.db.pragma("user_version", { simple: true }) as number;
        for (let v = now; v < MIGRATIONS.length; v++) this.db.exec(MIGRATIONS[v] as string);
        this.db.pragma(`user_version = ${MIGRATIONS.length}`);
      })
      .immediate();
  }

  /**
   * Runs a write; a database still locked by another process after the busy timeout is retried a
   * few times (a failed transaction changed nothing), then is a clean error naming the file.
   */
  private busy<T>(what: string, fn: () => T): Promise<T> {
    return withRetry(
      async () => fn(),
      (err) => String((err as { code?: unknown })?.code ?? "").startsWith("SQLITE_BUSY"),
      (err, attempts) => retriesExhausted(`\`${this.path}\` (${what})`, err, attempts),
      this.retry,
    );
  }

  async getStudy(name: string): Promise<StudyRecord | undefined> {
    const row = this.stmts.studyByName.get(name);
    return row && studyFromRow(row);
  }

  /** Runs `fn` with this storage's durability (see SqliteSync), otherwise commits without fsync. */
  private durably<T>(fn: () => T): T {
    if (this.sync !== "full") return fn();
    this.db.pragma("synchronous = FULL");
    try {
      return fn();
    } finally {
      this.db.pragma("synchronous = NORMAL");
    }
  }

  async createStudy(name: string, plan: Plan): Promise<StudyRecord> {
    try {
      this.durably(() => this.stmts.insertStudy.run(name, toJson(plan), Date.now()));
    } catch (err) {
      if (/UNIQUE/.test(describeError(err))) throw new HpoError(`study \`${name}\` already exists`);
      throw err;
    }
    return studyFromRow(this.stmts.studyByName.get(name)!);
  }

  async renameStudy(name: string, newName: string): Promise<void> {
    if (this.stmts.studyByName.get(newName)) throw new HpoError(`study \`${newName}\` already exists`);
    const r = this.stmts.renameStudy.run(newName, name);
    if (r.changes === 0) throw new HpoError(`no study named \`${name}\``);
  }

  async listStudies(): Promise<StudyRecord[]> {
    return this.stmts.studies.all().map(studyFromRow);
  }

  async createTrial(studyId: number, trial: NewTrial, limit?: number): Promise<TrialRecord | undefined> {
    this.checkFile();
    const now = Date.now();
    const created = await this.busy("start a trial", () =>
      this.db
        .transaction(() => {
          const study = this.stmts.nextNumber.get(studyId);
          if (!study) throw new HpoError(`no study with id ${studyId}`);
          const { next, counted } = study;
          if (limit !== undefined && counted >= limit) return undefined;
          this.stmts.takeNumber.run(studyId);
          const r = this.stmts.insertTrial.run(
            studyId,
            next,
            toJson(trial.params),
            toJson(trial.attributes ?? {}),
            trial.worker,
            trial.fidelity ? toJson(trial.fidelity) : null,
            now,
            now,
          );
          return { id: Number(r.lastInsertRowid), number: next };
        })
        .immediate(),
    );
    if (!created) return undefined;
    const t: TrialRecord = {
      id: created.id,
      studyId,
      number: created.number,
      state: "running",
      params: trial.params,
      intermediate: [],
      attributes: trial.attributes ?? {},
      worker: trial.worker,
      startedAt: now,
      heartbeat: now,
    };
    if (trial.fidelity) t.fidelity = trial.fidelity;
    return structuredClone(t);
  }

  async reportIntermediate(trialId: number, step: number, value: number): Promise<void> {
    await this.busy("record an intermediate value", () => this.stmts.report.run(trialId, step, value));
  }

  async heartbeat(trialIds: readonly number[], now: number): Promise<void> {
    this.checkFile();
    await this.busy("refresh heartbeats", () =>
      this.db.transaction(() => {
        for (const id of trialIds) this.stmts.heartbeat.run(now, id);
      })(),
    );
  }

  async finishTrial(trialId: number, result: TrialResult): Promise<boolean> {
    this.checkFile();
    const finish = this.db.transaction(() => {
      const row = this.stmts.trial.get(trialId);
      if (row?.state !== "running") return false;
      const attributes = { ...JSON.parse(row.attributes), ...(result.attributes ?? {}) };
      const counted = attributes.abandoned === true ? 0 : 1;
      if (counted === 0 && row.counted === 1) this.stmts.uncount.run(row.study_id);
      this.stmts.finish.run(
        result.state,
        result.values ? toJson(result.values) : null,
        result.error ?? null,
        toJson(attributes),
        counted,
        Date.now(),
        trialId,
      );
      return true;
    });
    return this.busy("store a trial's result", () => this.durably(() => finish.immediate()));
  }

  async getTrials(studyId: number): Promise<TrialRecord[]> {
    const read = this.db.transaction(() => {
      const rows = this.stmts.trials.all(studyId);
      const inter = groupIntermediate(this.stmts.intermediateOfStudy.all(studyId));
      return rows.map((r) => trialFromRow(r, inter.get(Number(r.id)) ?? []));
    });
    return read();
  }

  async getTrial(trialId: number): Promise<TrialRecord | undefined> {
    const row = this.stmts.trial.get(trialId);
    if (!row) return undefined;
    const inter = groupIntermediate(this.stmts.intermediateOf.all(trialId));
    return trialFromRow(row, inter.get(trialId) ?? []);
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
