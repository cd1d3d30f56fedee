import type { Command } from "commander";
import { compileFile, formatDiagnostics } from "../lang/index.js";
import { paintDiagnostics } from "./colour.js";
import { requireSpecFile } from "./spec-path.js";

/** `hpo check FILE…`: exit 0 when valid, 1 on errors (or warnings with --strict); --json for editors. */
export function registerCheck(program: Command): void {
  program
    .command("check")
    .description("check .hpo files and report every problem with its position")
    .argument("<files...>", "the .hpo files")
    .option("--json", "print the diagnostics as JSON")
    .option("--strict", "count warnings as errors")
    .option("--fast", "skip the slow checks (satisfiability, shapes): for editors")
    .action((files: string[], opts: { json?: boolean; strict?: boolean; fast?: boolean }) => {
      for (const f of files) requireSpecFile(f);
      const all = [];
      let failed = false;
      let warnings = 0;
      for (const f of files) {
        const { diagnostics, source } = compileFile(f, { fast: opts.fast });
        // No spread: a file of garbage yields more diagnostics than a call's argument list can hold.
        for (const d of diagnostics) all.push(d);
        warnings += diagnostics.filter((d) => d.severity === "warning").length;
        if (diagnostics.some((d) => d.severity === "error" || opts.strict)) failed = true;
        if (!opts.json && diagnostics.length)
          process.stderr.write(paintDiagnostics(formatDiagnostics(diagnostics, source)));
      }
      if (opts.json) process.stdout.write(`${JSON.stringify(all, null, 2)}\n`);
      else if (!failed) {
        // A bare "ok" under a screen of warnings read as if they did not count: say how many passed.
        const counted = warnings ? ` (${warnings} warning${warnings === 1 ? "" : "s"})` : "";
        process.stdout.write(`${files.length === 1 ? files[0] : `${files.length} files`}: ok${counted}\n`);
      }
      process.exitCode = failed ? 1 : 0;
    });
}
