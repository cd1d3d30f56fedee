import { Command, CommanderError } from "commander";
import { commandRegistrars } from "./commands.js";
import { coloursFor } from "./colour.js";
import { storageFailure } from "../storage/errors.js";
import { HpoError, describeError } from "../util/errors.js";
import { packageVersion } from "../util/package.js";

/** The exit code of a usage error (bad command line), as POSIX utilities use it. */
export const USAGE_EXIT = 2;

/** Builds the `hpo` program with every subcommand registered. */
export function buildProgram(): Command {
  const program = new Command("hpo")
    .description("Declarative, type-checked hyperparameter optimization")
    .version(packageVersion())
    .option("--debug", "print stack traces of internal errors")
    .configureOutput({
      outputError: (text, write) =>
        write(text.replace(/^error:/, `${coloursFor(process.stderr).red("error")}:`)),
    })
    .exitOverride();
  for (const register of commandRegistrars) register(program);
  return program;
}

/** `hpo SUB --help` for the subcommand argv names (the first word that is one), else `hpo --help`. */
export function helpPointer(program: Command, argv: string[]): string {
  const names = new Set(program.commands.flatMap((c) => [c.name(), ...c.aliases()]));
  const sub = argv.slice(2).find((a) => names.has(a));
  return `run \`hpo ${sub ? `${sub} ` : ""}--help\` for usage`;
}

/**
 * A reader that went away (`hpo trials s.hpo | head`) closes stdout: later writes fail with EPIPE,
 * which Node throws from the stream as an uncaught error. hpo stops writing to stdout instead and
 * goes on, so a running study is not killed halfway through a trial by its reader leaving.
 */
export function ignoreClosedStdout(): void {
  process.stdout.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code === "EPIPE" || err.code === "ERR_STREAM_DESTROYED") return;
    throw err;
  });
}

/** Entry point of bin/hpo.js: runs the CLI and turns errors into messages and exit codes. */
export async function main(argv: string[]): Promise<void> {
  ignoreClosedStdout();
  const program = buildProgram();
  const c = coloursFor(process.stderr);
  try {
    await program.parseAsync(argv);
  } catch (thrown) {
    if (thrown instanceof CommanderError) {
      const err = thrown;
      // Help and --version end with 0; `hpo` alone prints the help as its error; anything else was a
      // bad command line: commander printed the problem, and one line says where the usage is.
      if (err.exitCode === 0) process.exitCode = 0;
      else {
        if (err.code !== "commander.help") process.stderr.write(`${helpPointer(program, argv)}\n`);
        process.exitCode = USAGE_EXIT;
      }
      return;
    }
    const debug = argv.includes("--debug");
    // A storage failure that reached here unnamed (disk full, locked, read-only…) still gets its
    // clear message and documented exit code rather than "internal error".
    const err = storageFailure(thrown) ?? thrown;
    if (err instanceof HpoError) {
      process.stderr.write(`hpo: ${c.bold(c.red("error"))}: ${err.message}\n`);
      if (err.hint) process.stderr.write(`  = ${c.cyan("help")}: ${err.hint}\n`);
      if (err.exitCode === USAGE_EXIT) process.stderr.write(`${helpPointer(program, argv)}\n`);
      if (debug && err.stack) process.stderr.write(`${err.stack}\n`);
      process.exitCode = err.exitCode;
      return;
    }
    process.stderr.write(`hpo: ${c.bold(c.red("internal error"))}: ${describeError(err)}\n`);
    if (debug && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
    else process.stderr.write("  (run again with --debug for the stack trace)\n");
    process.exitCode = 70;
  }
}
