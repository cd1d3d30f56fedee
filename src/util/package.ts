import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";

/** The repository (or installed package) root: the folder holding package.json. */
export function packageRoot(): string {
  // This file is dist/src/util/package.js once compiled: three levels below the root.
  return join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
}

export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(join(packageRoot(), "package.json"), "utf8")) as { version: string };
  return pkg.version;
}
