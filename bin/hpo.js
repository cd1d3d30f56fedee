#!/usr/bin/env node
// The `hpo` command: a thin launcher for the compiled CLI in dist/.
import { existsSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { dirname, join } from "node:path";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const main = join(root, "dist", "src", "cli", "main.js");
if (!existsSync(main)) {
  process.stderr.write("hpo: error: hpo is not built yet; run `npm run build` in " + root + "\n");
  process.exit(2);
}
const { main: run } = await import(pathToFileURL(main).href);
await run(process.argv);
