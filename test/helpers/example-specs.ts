/**
 * The shipped example specs, for the tests that read every one of them: each `examples/*.hpo` that is a
 * file. `hpo run` of an example leaves its study folder `examples/.hpo`, whose name also ends in
 * ".hpo": listing by name alone read that folder as a spec and failed.
 */
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const EXAMPLES_DIR = fileURLToPath(new URL("../../../examples/", import.meta.url));

/** The example specs' file names, sorted. */
export function exampleSpecs(): string[] {
  return readdirSync(EXAMPLES_DIR, { withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith(".hpo"))
    .map((e) => e.name)
    .sort();
}
