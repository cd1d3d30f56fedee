/**
 * The storage URL grammar, read by the storage layer (to open one) and the runtime (to default one):
 * `memory:`, `sqlite:PATH[?synchronous=full|normal]` (PATH relative to the spec) or
 * `postgresql://…` / `postgres://…`. A spec without `storage` keeps its study beside itself.
 */
import { isAbsolute, join, resolve } from "node:path";

/** The forms a storage URL may take, as messages name them. */
export const STORAGE_FORMS = "`sqlite:PATH`, `memory:` or `postgresql://USER@HOST:PORT/DB`";

export type StorageUrl =
  | { kind: "memory" }
  /** `path` as written (relative paths are resolved against the spec's folder by `resolveStorageUrl`). */
  | { kind: "sqlite"; path: string; synchronous: "full" | "normal" }
  | { kind: "postgres"; url: string };

/** What is wrong with a storage URL, said for the user. */
export interface StorageUrlProblem {
  error: string;
  hint?: string;
}

/** Parses a storage URL, or says what is wrong with it. */
export function parseStorageUrl(url: string): StorageUrl | StorageUrlProblem {
  if (url === "memory:" || url === "memory") return { kind: "memory" };
  if (url.startsWith("postgresql://") || url.startsWith("postgres://")) return { kind: "postgres", url };
  if (!url.startsWith("sqlite:"))
    return { error: `unknown storage \`${url}\``, hint: `use ${STORAGE_FORMS}` };
  const [path = "", query = ""] = url.slice("sqlite:".length).split("?", 2);
  if (path === "") return { error: "`sqlite:` needs a path, e.g. `sqlite:.hpo/study.db`" };
  const params = new URLSearchParams(query);
  const synchronous = params.get("synchronous") ?? "full";
  if (synchronous !== "full" && synchronous !== "normal")
    return { error: `\`synchronous=${synchronous}\` in \`${url}\` must be \`full\` or \`normal\`` };
  for (const key of params.keys())
    if (key !== "synchronous")
      return {
        error: `unknown option \`${key}\` in \`${url}\``,
        hint: "sqlite:PATH?synchronous=full|normal",
      };
  return { kind: "sqlite", path, synchronous };
}

/** An SQLite URL's path made absolute against `baseDir` (`:memory:` and other URLs unchanged). */
export function resolveStorageUrl(url: string, baseDir: string): string {
  if (!url.startsWith("sqlite:")) return url;
  const path = url.slice("sqlite:".length);
  return path.startsWith(":memory:") || isAbsolute(path) ? url : `sqlite:${resolve(baseDir, path)}`;
}

/** `sqlite:<specDir>/.hpo/<study>.db`: where a spec without `storage` keeps its study. */
export function defaultStorageUrl(specDir: string, study: string): string {
  // The study name becomes a file name: anything but letters, digits, `.`, `-` and `_` becomes `_`.
  return `sqlite:${join(specDir, ".hpo", `${study.replace(/[^A-Za-z0-9_.-]/g, "_")}.db`)}`;
}

/**
 * A storage URL safe to print: a PostgreSQL password (`user:secret@`, `?password=…`) becomes `***`.
 * Every message that names a storage goes through this one helper.
 */
export function redactStorageUrl(url: string): string {
  if (!url.startsWith("postgresql://") && !url.startsWith("postgres://")) return url;
  return url
    .replace(/^(postgres(?:ql)?:\/\/[^:/@?#]*):[^@/?#]*@/, "$1:***@")
    .replace(/([?&]password=)[^&#]*/gi, "$1***");
}
