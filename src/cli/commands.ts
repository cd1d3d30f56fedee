import type { Command } from "commander";
import { registerBench } from "./bench.js";
import { registerData } from "./data.js";
import { registerDoctor } from "./doctor.js";
import { registerCheck } from "./check.js";
import { registerFmt } from "./fmt.js";
import { registerPlan } from "./plan.js";

/** Every `hpo` subcommand: each file in src/cli/ exports one `register…(program)`. */
export const commandRegistrars: ((program: Command) => void)[] = [
  registerDoctor,
  registerBench,
  registerCheck,
  registerPlan,
  registerFmt,
  registerData,
];
