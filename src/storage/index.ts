import { isAbsolute, resolve } from "node:path";
import { parseStorageUrl } from "../plan/storage-url.js";
import { HpoError } from "../util/errors.js";
import { MemoryStorage } from "./memory.js";
import { PostgresStorage } from "./postgres.js";
import { SqliteStorage } from "./sqlite.js";
import type { Storage } from "./types.js";

export { MemoryStorage } from "./memory.js";
export { PostgresStorage } from "./postgres.js";
export { SqliteStorage } from "./sqlite.js";
export { EXIT_STORAGE, EXIT_STORAGE_UNAVAILABLE, storageFailure } from "./errors.js";
export * from "./types.js";

/**
 * Opens the storage a URL names (plan/storage-url.ts: `memory:`, `sqlite:PATH[?synchronous=…]`,
 * `postgresql://…`); a relative SQLite path is taken from `baseDir` (default the current directory).
 * Anything else is a clear HpoError. `readOnly`: open an existing SQLite file or PostgreSQL schema
 * without creating or migrating anything, for the commands that only read.
 */
export async function openStorage(
  url: string,
  baseDir = process.cwd(),
  options: { readOnly?: boolean } = {},
): Promise<Storage> {
  const parsed = parseStorageUrl(url);
  if ("error" in parsed) throw new HpoError(parsed.error, parsed.hint ? { hint: parsed.hint } : {});
  switch (parsed.kind) {
    case "memory":
      return new MemoryStorage();
    case "postgres":
      return PostgresStorage.open(parsed.url, undefined, options);
    case "sqlite": {
      const { path, synchronous } = parsed;
      return new SqliteStorage(
        path === ":memory:" || isAbsolute(path) ? path : resolve(baseDir, path),
        synchronous,
        options,
      );
    }
  }
}
