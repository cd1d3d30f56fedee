/**
 * Files named on the command line. A missing one is the user's typo or working directory, not a
 * problem inside a spec, so it gets its own message (E092's "relative to the spec" fits only paths
 * written in a spec); a pattern with glob characters that reached hpo unexpanded means the shell found
 * no match, and the message says so.
 */
import { existsSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { HpoError } from "../util/errors.js";

const GLOB = /[*?[\]{}]/;

/** Throws an HpoError unless `path` (relative to the working directory) is a readable file. */
export function requireSpecFile(path: string): void {
  if (existsSync(path)) {
    if (statSync(path).isDirectory())
      throw new HpoError(`\`${path}\` is a directory, not a spec file`, {
        hint: "name the .hpo file (or Plan .json) inside it",
      });
    return;
  }
  if (GLOB.test(path))
    throw new HpoError(`no file matches \`${path}\``, {
      hint: "the shell passes a pattern that matches nothing through unchanged; check the folder and the pattern",
    });
  throw new HpoError(`no such file \`${path}\``, {
    hint: `command-line paths are relative to the current directory (${resolve(".")})`,
  });
}
