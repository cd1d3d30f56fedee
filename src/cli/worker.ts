import type { Command } from "commander";
import { runFromCli, type RunFlags, sharedRunOptions } from "./run.js";
import { type CliDepsLoader, loadDefaultDeps } from "./study-cli.js";

/** `hpo worker SPEC`: joins a study another `hpo run` started, sharing its storage and budget. */
export function registerWorker(program: Command, deps: CliDepsLoader = loadDefaultDeps): void {
  sharedRunOptions(
    program
      .command("worker")
      .description("join a running study (same storage) and run trials until its budget is spent")
      .argument("<spec>", "the .hpo file (or Plan JSON) of the study"),
  ).action(async (spec: string, flags: RunFlags) => {
    process.exitCode = await runFromCli(spec, flags, deps, true);
  });
}
