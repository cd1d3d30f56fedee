import { type Command, InvalidArgumentError, Option } from "commander";
import { checkFetchedData } from "../data/index.js";
import { TRAINING_BACKENDS } from "../plan/catalog.js";
import { type StopReason, runStudy } from "../study/loop.js";
import { ISOLATIONS, type Isolation } from "../study/runner.js";
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
  2    a usage error (unknown option, missing argument)
  130  interrupted by Ctrl-C (first: running trials finished; second: they were interrupted)
  143  terminated by SIGTERM (running trials finished, as after one Ctrl-C)

Ctrl-C once stops asking for trials and waits for the running ones; twice stops them now (they are
marked failed and do not count against the budget). SIGTERM (what a supervisor sends) drains like
the first Ctrl-C; a second signal of either kind stops the running trials. Running again resumes the
study.`;

/** The exit code of a run a signal ended: 128 + the signal's number, as shells report it. */
export const SIGNAL_EXIT: Record<"SIGINT" | "SIGTERM", number> = { SIGINT: 130, SIGTERM: 143 };

export interface RunFlags {
  storage?: string;
  newStudy?: boolean;
  isolate?: Isolation;
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

/** Adds the options `hpo run` and `hpo worker` share: storage, where trials run, parallelism, output. */
export function sharedRunOptions(cmd: Command): Command {
  return storageOption(cmd)
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
    .option("--json", "print one JSON event per line instead of the progress display");
}

/** `hpo run`'s options: the shared ones, the budget and the trainer's backend. */
function runOptions(cmd: Command): Command {
  return sharedRunOptions(cmd)
    .option("--trials <n>", "trial budget of the study (default: the budget's trials)", positiveInt)
    .addOption(
      // The names of src/train/backend.ts (not imported here: it loads TensorFlow.js).
      new Option("--backend <name>", "TensorFlow.js backend of built-in trainer studies")
        .choices([...TRAINING_BACKENDS])
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
  if (plan.trial.kind === "trainer") checkFetchedData(plan.trial.data.reader, plan.trial.data.args);
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
  // The first signal drains (no new trials; running ones finish), a second stops them now. Which
  // signal came first decides the exit code: 130 for Ctrl-C, 143 for a supervisor's SIGTERM.
  let first: "SIGINT" | "SIGTERM" | undefined;
  const onSignal = (name: "SIGINT" | "SIGTERM") => () => {
    first ??= name;
    if (drain.signal.aborted) stop.abort();
    else drain.abort();
  };
  const onSigint = onSignal("SIGINT");
  const onSigterm = onSignal("SIGTERM");
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
    const code = EXIT_CODES[result.reason];
    return code === EXIT_CODES.interrupted && first ? SIGNAL_EXIT[first] : code;
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
