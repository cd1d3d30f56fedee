import type { Command } from "commander";
import { fetchDataset, REMOTE } from "../data/fetch.js";

/** `hpo data fetch NAME [--dir DIR]`: downloads a data set's official files, checksums verified. */
export function registerData(program: Command): void {
  const data = program.command("data").description("data sets for the built-in trainer");
  data
    .command("fetch")
    .description(`download ${Object.keys(REMOTE).join(", ")} with checksum verification`)
    .argument("<name>", Object.keys(REMOTE).join(" | "))
    .option("--dir <dir>", "where to put the files (default data/<name>)")
    .action(async (name: string, opts: { dir?: string }) => {
      const dir = opts.dir ?? `data/${name}`;
      const files = await fetchDataset(name, dir, { log: (l) => process.stderr.write(`${l}\n`) });
      process.stdout.write(`${name}: ${files.length} file(s) written to ${dir}\n`);
    });
}
