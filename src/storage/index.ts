import { isAbsolute, resolve } from "node:path";
import { HpoError } from "../util/errors.js";
import { MemoryStorage } from "./memory.js";
import { PostgresStorage } from "./postgres.js";
import { SqliteStorage } from "./sqlite.js";
import type { Storage } from "./types.js";

export { MemoryStorage } from "./memory.js";
export { PostgresStorage } from "./postgres.js";
export { SqliteStorage } from "./sqlite.js";
export * from "./types.js";

/**
 * Opens the storage a URL names: `memory:`, `sqlite:PATH[?synchronous=full|normal]` (relative to
 * `baseDir`, default the current directory; see SqliteSync) or `postgresql://…` / `postgres://…`. Anything else is a clear HpoError.
 */
export async function openStorage(url: string, baseDir = process.cwd()): Promise<Storage> {
  if (url === "memory:" || url === "memory") return new MemoryStorage();
  if (url.startsWith("sqlite:")) {
    const [path = "", query = ""] = url.slice("sqlite:".length).split("?", 2);
    if (path === "") throw new HpoError("`sqlite:` needs a path, e.g. `sqlite:.hpo/study.db`");
    const params = new URLSearchParams(query);
    const sync = params.get("synchronous") ?? "full";
    if (sync !== "full" && sync !== "normal")
      throw new HpoError(`\`synchronous=${sync}\` in \`${url}\` must be \`full\` or \`normal\``);
    for (const key of params.keys())
      if (key !== "synchronous")
        throw new HpoError(`unknown option \`${key}\` in \`${url}\``, {
          hint: "sqlite:PATH?synchronous=full|normal",
        });
    return new SqliteStorage(path === ":memory:" || isAbsolute(path) ? path : resolve(baseDir, path), sync);
  }
  if (url.startsWith("postgresql://") || url.startsWith("postgres://")) return PostgresStorage.open(url);
  throw new HpoError(`unknown storage \`${url}\``, {
    hint: "use `sqlite:PATH`, `memory:` or `postgresql://USER@HOST:PORT/DB`",
  });
}
