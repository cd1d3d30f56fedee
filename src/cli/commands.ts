import type { Command } from "commander";
import { registerBench } from "./bench.js";
import { registerData } from "./data.js";
import { registerDoctor } from "./doctor.js";
import { registerReport } from "./report.js";
import { registerBest } from "./best.js";
import { registerRun } from "./run.js";
import { registerStatus } from "./status.js";
import { registerTrials } from "./trials.js";
import { registerWorker } from "./worker.js";
import { registerCheck } from "./check.js";
import { registerFmt } from "./fmt.js";
import { registerPlan } from "./plan.js";
import { registerLsp } from "./lsp.js";
import { registerTypes } from "./types.js";

/** Every `hpo` subcommand: each file in src/cli/ exports one `register…(program)`. */
export const commandRegistrars: ((program: Command) => void)[] = [
  registerDoctor,
  registerBench,
  registerRun,
  registerWorker,
  registerStatus,
  registerBest,
  registerTrials,
  registerCheck,
  registerPlan,
  registerTypes,
  registerFmt,
  registerData,
  registerReport,
  registerLsp,
];
