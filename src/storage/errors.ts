/**
 * Storage failures said for the user: SQLite and PostgreSQL error codes become `hpo:` errors with
 * documented exit codes (docs/running.md) instead of "internal error", and the folder of an SQLite
 * file is prepared without the recursive mkdir that spins forever under /proc.
 */
import { accessSync, constants, mkdirSync, statSync } from "node:fs";
import { dirname } from "node:path";
import { HpoError, describeError } from "../util/errors.js";

/** Exit code of a storage that cannot be read or written (sysexits EX_IOERR). */
export const EXIT_STORAGE = 74;
/** Exit code of a storage that is busy or unreachable for now: trying again later may work (EX_TEMPFAIL). */
export const EXIT_STORAGE_UNAVAILABLE = 75;

interface Failure {
  what: string;
  hint: string;
  exitCode: number;
}

/** SQLite result codes (better-sqlite3's `code`, extended codes by their prefix). */
const SQLITE: [prefix: string, failure: Failure][] = [
  [
    "SQLITE_BUSY",
    {
      what: "is locked by another process",
      hint: "wait for the other process, or raise its busy wait; a network file system may not support SQLite's locks",
      exitCode: EXIT_STORAGE_UNAVAILABLE,
    },
  ],
  [
    "SQLITE_LOCKED",
    { what: "is locked", hint: "wait for the other process to finish", exitCode: EXIT_STORAGE_UNAVAILABLE },
  ],
  ["SQLITE_FULL", { what: "cannot grow: the disk is full", hint: "free some space", exitCode: EXIT_STORAGE }],
  [
    "SQLITE_READONLY",
    {
      what: "is read-only",
      hint: "check the permissions of the file and of its folder (SQLite writes a -wal file beside it)",
      exitCode: EXIT_STORAGE,
    },
  ],
  [
    "SQLITE_CORRUPT",
    {
      what: "is corrupted",
      hint: "move the file aside (and its -wal and -shm files) so hpo can create a new one",
      exitCode: EXIT_STORAGE,
    },
  ],
  [
    "SQLITE_NOTADB",
    {
      what: "is not an SQLite database",
      hint: "point `storage` at another path, or move the file aside",
      exitCode: EXIT_STORAGE,
    },
  ],
  [
    "SQLITE_CANTOPEN",
    {
      what: "cannot be opened",
      hint: "check that its folder exists and is writable",
      exitCode: EXIT_STORAGE,
    },
  ],
  [
    "SQLITE_IOERR",
    { what: "cannot be read or written (I/O error)", hint: "check the disk", exitCode: EXIT_STORAGE },
  ],
  [
    "SQLITE_PERM",
    { what: "is not accessible", hint: "check the permissions of the file", exitCode: EXIT_STORAGE },
  ],
];

/** Node's system errors (a PostgreSQL server that drops or refuses the connection, a file system error). */
const SYSTEM: Record<string, Failure> = {
  ECONNREFUSED: {
    what: "refused the connection",
    hint: "check that the server is running",
    exitCode: EXIT_STORAGE_UNAVAILABLE,
  },
  ECONNRESET: { what: "dropped the connection", hint: "try again", exitCode: EXIT_STORAGE_UNAVAILABLE },
  ETIMEDOUT: { what: "did not answer in time", hint: "try again", exitCode: EXIT_STORAGE_UNAVAILABLE },
  ENOTFOUND: { what: "has an unknown host name", hint: "check the URL's host", exitCode: EXIT_STORAGE },
  ENOSPC: { what: "cannot grow: the disk is full", hint: "free some space", exitCode: EXIT_STORAGE },
  EROFS: { what: "is on a read-only file system", hint: "use a writable path", exitCode: EXIT_STORAGE },
  EACCES: { what: "is not accessible", hint: "check the permissions", exitCode: EXIT_STORAGE },
};

/** PostgreSQL SQLSTATE classes: the first two characters of the code. */
const POSTGRES_CLASSES: Record<string, Failure> = {
  "08": {
    what: "lost the connection",
    hint: "check the server and try again",
    exitCode: EXIT_STORAGE_UNAVAILABLE,
  },
  "28": { what: "refused the credentials", hint: "check the user and password", exitCode: EXIT_STORAGE },
  "3D": { what: "has no such database", hint: "create the database first", exitCode: EXIT_STORAGE },
  "42": {
    what: "refused a statement (permissions or schema)",
    hint: "the role needs CREATE and write rights on the database",
    exitCode: EXIT_STORAGE,
  },
  "53": {
    what: "is out of resources (disk full, memory or connections)",
    hint: "check the server",
    exitCode: EXIT_STORAGE_UNAVAILABLE,
  },
  "57": {
    what: "is shutting down or cancelled the query",
    hint: "try again",
    exitCode: EXIT_STORAGE_UNAVAILABLE,
  },
  "25": { what: "is read-only (a standby?)", hint: "connect to the primary server", exitCode: EXIT_STORAGE },
  XX: {
    what: "reported an internal error (corruption?)",
    hint: "check the server's log",
    exitCode: EXIT_STORAGE,
  },
};

function failureOf(err: unknown): Failure | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== "string") return undefined;
  if (code.startsWith("SQLITE_")) return SQLITE.find(([prefix]) => code.startsWith(prefix))?.[1];
  if (Object.hasOwn(SYSTEM, code)) return SYSTEM[code];
  // A SQLSTATE is five characters of digits and capitals; pg errors carry it as `code`.
  if (/^[0-9A-Z]{5}$/.test(code)) return POSTGRES_CLASSES[code.slice(0, 2)];
  return undefined;
}

/**
 * The clear error for a storage failure, or undefined when `err` is not one this module knows.
 * `where` names the database (a path, or a URL with its password already hidden) when known;
 * `opening` says the failure happened while opening it.
 */
export function storageFailure(
  err: unknown,
  where?: string,
  options: { opening?: boolean } = {},
): HpoError | undefined {
  if (err instanceof HpoError) return err;
  const f = failureOf(err);
  if (!f) return undefined;
  const name = where === undefined ? "the study database" : `the study database \`${where}\``;
  const subject = options.opening ? `cannot open ${name}: it` : name;
  return new HpoError(`${subject} ${f.what} (${describeError(err)})`, {
    hint: f.hint,
    exitCode: f.exitCode,
    cause: err,
  });
}

/**
 * The folder that will hold an SQLite file, created one level at a time below the nearest existing
 * ancestor, which must be a writable directory. Node's recursive mkdir loops forever where the kernel
 * answers ENOENT for a parent that exists (/proc, /sys): this walk ends.
 */
export function prepareDatabaseFolder(path: string): void {
  const missing: string[] = [];
  let dir = dirname(path);
  for (;;) {
    const st = statOrUndefined(dir);
    if (st) {
      if (!st.isDirectory())
        throw new HpoError(`cannot open the study database \`${path}\`: \`${dir}\` is not a folder`, {
          exitCode: EXIT_STORAGE,
        });
      break;
    }
    missing.push(dir);
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  if (missing.length === 0) return;
  try {
    accessSync(dir, constants.W_OK);
    for (const d of missing.reverse()) mkdirSync(d);
  } catch (err) {
    throw new HpoError(
      `cannot open the study database \`${path}\`: its folder cannot be created (${describeError(err)})`,
      {
        hint: "use a path in a writable folder",
        exitCode: EXIT_STORAGE,
        cause: err,
      },
    );
  }
}

function statOrUndefined(path: string): ReturnType<typeof statSync> | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/** The identity of a database file (device and inode), or undefined when it is gone. */
export function fileIdentity(path: string): string | undefined {
  const st = statOrUndefined(path);
  return st ? `${st.dev}:${st.ino}` : undefined;
}

/**
 * Throws when the file at `path` is no longer the one opened (deleted or replaced mid-run): SQLite
 * would go on writing to the unlinked file and every later trial would be lost without a word.
 */
export function assertSameFile(path: string, opened: string): void {
  const now = fileIdentity(path);
  if (now === opened) return;
  throw new HpoError(
    `the study database \`${path}\` was ${now === undefined ? "deleted" : "replaced"} while hpo was using it; results from now on would be lost`,
    { hint: "restore the file (or run again to start a new study there)", exitCode: EXIT_STORAGE },
  );
}
