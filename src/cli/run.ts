import { type Command, InvalidArgumentError, Option } from "commander";
import { type StopReason, runStudy } from "../study/loop.js";
import { type OutputMode, RunOutput } from "./run-output.js";
import { type CliDepsLoader, loadDefaultDeps, openSpec, storageOption } from "./study-cli.js";

/** Exit codes of `hpo run` and `hpo worker`: how the study ended. */
export const EXIT_CODES: Record<StopReason, number> = {
  trials: 0,
  time: 0,
  exhausted: 0,
  "max-failed": 3,
  interrupted: 130,
  stopped: 130,
};

const EXIT_HELP = `
Exit codes:
  0    the study reached its budget (trials or time) or the strategy had nothing more to try
  1    an error (bad spec, storage, objective module…)
  3    the study stopped because max_failed trials failed
  130  interrupted by Ctrl-C (first: running trials finished; second: they were interrupted)

Ctrl-C once stops asking for trials and waits for the running ones; twice stops them now (they are
marked failed and do not count against the budget). Running again resumes the study.`;

export interface RunFlags {
  storage?: string;
  newStudy?: boolean;
  isolate?: "thread" | "process";
  parallel?: number;
  trials?: number;
  trialMemory?: number;
  quiet?: boolean;
  json?: boolean;
  backend?: string;
}

function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError("expected a positive integer");
  return n;
}

/** Adds the options `hpo run` and `hpo worker` share. */
function runOptions(cmd: Command): Command {
  return storageOption(cmd)
    .addOption(
      new Option(
        "--isolate <how>",
        "run trials in child processes (a runaway trial fails alone) or worker threads",
      )
        .choices(["thread", "process"])
        .default("process"),
    )
    .option(
      "--trial-memory <mb>",
      "JavaScript heap limit of each trial's worker, in MB (default 2048)",
      positiveInt,
    )
    .option("--parallel <n>", "trials at once in this process (default: the budget's parallel)", positiveInt)
    .option("--trials <n>", "trial budget of the study (default: the budget's trials)", positiveInt)
    .option("--quiet", "print only the final summary")
    .option("--json", "print one JSON event per line instead of the progress display")
    .addOption(
      // The names of src/train/backend.ts (not imported here: it loads TensorFlow.js).
      new Option("--backend <name>", "TensorFlow.js backend of built-in trainer studies")
        .choices(["auto", "tensorflow-gpu", "tensorflow", "cpu", "wasm"])
        .env("HPO_TF_BACKEND"),
    )
    .addHelpText("after", EXIT_HELP);
}

/** Runs (or joins) the study a SPEC names until its budget, with Ctrl-C handling; returns the exit code. */
export async function runFromCli(
  spec: string,
  flags: RunFlags,
  deps: CliDepsLoader,
  join: boolean,
): Promise<number> {
  const cli = await deps();
  // Workers (threads and processes) inherit the environment: that is how the trainer learns it.
  if (flags.backend) process.env.HPO_TF_BACKEND = flags.backend;
  const { plan, storage } = await openSpec(spec, flags.storage, cli);
  const mode: OutputMode = flags.json
    ? "json"
    : flags.quiet
      ? "quiet"
      : process.stderr.isTTY
        ? "bar"
        : "lines";
  const output = new RunOutput(mode, plan);
  const drain = new AbortController();
  const stop = new AbortController();
  const onSigint = () => (drain.signal.aborted ? stop.abort() : drain.abort());
  const onSigterm = () => stop.abort();
  process.on("SIGINT", onSigint);
  process.on("SIGTERM", onSigterm);
  try {
    const result = await runStudy({
      plan,
      storage,
      deps: cli.study,
      newStudy: flags.newStudy,
      join,
      trials: flags.trials,
      parallel: flags.parallel,
      isolate: flags.isolate,
      ...(flags.trialMemory !== undefined ? { trialMemoryMb: flags.trialMemory } : {}),
      drain: drain.signal,
      stop: stop.signal,
      onEvent: (e) => output.event(e),
    });
    output.summary(result.reason, result.trials);
    return EXIT_CODES[result.reason];
  } finally {
    process.off("SIGINT", onSigint);
    process.off("SIGTERM", onSigterm);
    await storage.close();
  }
}

/** `hpo run SPEC`: runs a study to its budget, resuming it when it exists. */
export function registerRun(program: Command, deps: CliDepsLoader = loadDefaultDeps): void {
  runOptions(
    program
      .command("run")
      .description("run a study (a .hpo spec or a Plan .json) to its budget; resumes it when it exists")
      .argument("<spec>", "the .hpo file (or Plan JSON)")
      .option("--new-study", "start afresh even if the study exists (the old one is kept under a new name)"),
  ).action(async (spec: string, flags: RunFlags) => {
    process.exitCode = await runFromCli(spec, flags, deps, false);
  });
}
