import type { Command } from "commander";
import { createTwoFilesPatch } from "diff";
import { readFileSync, writeFileSync } from "node:fs";
import { coloursFor, paintDiagnostics } from "./colour.js";
import { requireSpecFile } from "./spec-path.js";
import { compileSource, formatDiagnostics, formatSource } from "../lang/index.js";
import { HpoError } from "../util/errors.js";

/** The unified diff from a file's text to its formatted text, coloured when stdout is a terminal. */
export function formatDiff(file: string, before: string, after: string): string {
  const c = coloursFor(process.stdout);
  return createTwoFilesPatch(file, file, before, after, undefined, "(formatted)", { context: 3 })
    .split("\n")
    .filter((l) => !/^=+$/.test(l) && !l.startsWith("Index: "))
    .map((l) =>
      l.startsWith("+") && !l.startsWith("+++")
        ? c.green(l)
        : l.startsWith("-") && !l.startsWith("---")
          ? c.red(l)
          : l.startsWith("@@")
            ? c.cyan(l)
            : l,
    )
    .join("\n");
}

/** `hpo fmt FILE…`: rewrites files in the canonical layout; `--check` prints the diff of what would change. */
export function registerFmt(program: Command): void {
  program
    .command("fmt")
    .description("format .hpo files in the canonical layout (comments kept)")
    .argument("<files...>", "the .hpo files")
    .option(
      "--check",
      "print a unified diff of what would change and exit 1 if anything would, writing nothing",
    )
    .action((files: string[], opts: { check?: boolean }) => {
      let changed = false;
      let failed = false;
      for (const f of files) requireSpecFile(f);
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
            paintDiagnostics(
              formatDiagnostics(
                diagnostics.filter((d) => d.severity === "error"),
                source,
              ),
            ),
          );
          process.stderr.write(`${f}: not formatted: fix the syntax errors first\n`);
          failed = true;
          continue;
        }
        if (r.text === source) continue;
        changed = true;
        if (opts.check) {
          process.stdout.write(formatDiff(f, source, r.text));
          process.stderr.write(`${f}: would be reformatted\n`);
        } else {
          writeFileSync(f, r.text);
          process.stdout.write(`${f}: formatted\n`);
        }
      }
      process.exitCode = failed || (opts.check && changed) ? 1 : 0;
    });
}
