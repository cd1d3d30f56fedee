import { type Command, InvalidArgumentError, Option } from "commander";
import { ISOLATIONS } from "../study/runner.js";
import { runFromCli, type RunFlags } from "./run.js";
import { type CliDepsLoader, loadDefaultDeps, storageOption } from "./study-cli.js";

function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError("expected a positive integer");
  return n;
}

/** `hpo worker SPEC`: joins a study another `hpo run` started, sharing its storage and budget. */
export function registerWorker(program: Command, deps: CliDepsLoader = loadDefaultDeps): void {
  storageOption(
    program
      .command("worker")
      .description("join a running study (same storage) and run trials until its budget is spent")
      .argument("<spec>", "the .hpo file (or Plan JSON) of the study"),
  )
    .addOption(
      new Option(
        "--isolate <how>",
        "where trials run: auto (a user module in child processes, so a runaway trial fails alone; hpo's own objectives in worker threads), process or thread",
      )
        .choices([...ISOLATIONS])
        .default("auto"),
    )
    .option(
      "--trial-memory <mb>",
      "JavaScript heap limit of each trial's worker, in MB (default 2048)",
      positiveInt,
    )
    .option("--parallel <n>", "trials at once in this process (default: the budget's parallel)", positiveInt)
    .option("--quiet", "print only the final summary")
    .option("--json", "print one JSON event per line")
    .action(async (spec: string, flags: RunFlags) => {
      process.exitCode = await runFromCli(spec, flags, deps, true);
    });
}
