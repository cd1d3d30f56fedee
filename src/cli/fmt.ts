import type { Command } from "commander";
import { readFileSync, writeFileSync } from "node:fs";
import { compileSource, formatDiagnostics, formatSource } from "../lang/index.js";
import { HpoError } from "../util/errors.js";

/** `hpo fmt FILE…`: rewrites files in the canonical layout; `--check` only says which would change. */
export function registerFmt(program: Command): void {
  program
    .command("fmt")
    .description("format .hpo files in the canonical layout (comments kept)")
    .argument("<files...>", "the .hpo files")
    .option("--check", "exit 1 when a file would change, writing nothing")
    .action((files: string[], opts: { check?: boolean }) => {
      let changed = false;
      let failed = false;
      for (const f of files) {
        let source: string;
        try {
          source = readFileSync(f, "utf8");
        } catch {
          throw new HpoError(`cannot read ${f}`);
        }
        const r = formatSource(source, f);
        if (r.text === undefined) {
          const { diagnostics } = compileSource(source, f);
          process.stderr.write(
            formatDiagnostics(
              diagnostics.filter((d) => d.severity === "error"),
              source,
            ),
          );
          process.stderr.write(`${f}: not formatted: fix the syntax errors first\n`);
          failed = true;
          continue;
        }
        if (r.text === source) continue;
        changed = true;
        if (opts.check) process.stdout.write(`${f}: would be reformatted\n`);
        else {
          writeFileSync(f, r.text);
          process.stdout.write(`${f}: formatted\n`);
        }
      }
      process.exitCode = failed || (opts.check && changed) ? 1 : 0;
    });
}
