/**
 * The shipped example specs, for the tests that read every one of them: each `examples/*.hpo` that is a
 * file. `hpo run` of an example leaves its study folder `examples/.hpo`, whose name also ends in
 * ".hpo": listing by name alone read that folder as a spec and failed.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const EXAMPLES_DIR = fileURLToPath(new URL("../../../examples/", import.meta.url));

/** The example specs' file names, sorted. */
export function exampleSpecs(): string[] {
  return readdirSync(EXAMPLES_DIR, { withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith(".hpo"))
    .map((e) => e.name)
    .sort();
}

/** Each example spec's path and text, in exampleSpecs() order. */
export function exampleSources(): { file: string; text: string }[] {
  return exampleSpecs().map((name) => {
    const file = join(EXAMPLES_DIR, name);
    return { file, text: readFileSync(file, "utf8") };
  });
}
