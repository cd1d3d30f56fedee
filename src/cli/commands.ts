import type { Command } from "commander";
import { registerBench } from "./bench.js";
import { registerData } from "./data.js";
import { registerDoctor } from "./doctor.js";

/** Every `hpo` subcommand: each file in src/cli/ exports one `register…(program)`. */
export const commandRegistrars: ((program: Command) => void)[] = [
  registerDoctor,
  registerBench,
  registerData,
];
