import { Command, CommanderError } from "commander";
import { commandRegistrars } from "./commands.js";
import { storageFailure } from "../storage/errors.js";
import { HpoError, describeError } from "../util/errors.js";
import { packageVersion } from "../util/package.js";

/** Builds the `hpo` program with every subcommand registered. */
export function buildProgram(): Command {
  const program = new Command("hpo")
    .description("Declarative, type-checked hyperparameter optimization")
    .version(packageVersion())
    .option("--debug", "print stack traces of internal errors")
    .showHelpAfterError()
    .exitOverride();
  for (const register of commandRegistrars) register(program);
  return program;
}

/** Entry point of bin/hpo.js: runs the CLI and turns errors into messages and exit codes. */
export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (thrown) {
    if (thrown instanceof CommanderError) {
      process.exitCode = thrown.exitCode;
      return;
    }
    const debug = argv.includes("--debug");
    // A storage failure that reached here unnamed (disk full, locked, read-only…) still gets its
    // clear message and documented exit code rather than "internal error".
    const err = storageFailure(thrown) ?? thrown;
    if (err instanceof HpoError) {
      process.stderr.write(`hpo: error: ${err.message}\n`);
      if (err.hint) process.stderr.write(`  = help: ${err.hint}\n`);
      if (debug && err.stack) process.stderr.write(`${err.stack}\n`);
      process.exitCode = err.exitCode;
      return;
    }
    process.stderr.write(`hpo: internal error: ${describeError(err)}\n`);
    if (debug && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
    else process.stderr.write("  (run again with --debug for the stack trace)\n");
    process.exitCode = 70;
  }
}
