import type { Command } from "commander";
import { compileFile, formatDiagnostics } from "../lang/index.js";
import type { Plan } from "../plan/types.js";
import { paintDiagnostics } from "./colour.js";
import { requireSpecFile } from "./spec-path.js";

/** `hpo plan FILE`: the compiled Plan as JSON (stable key order: the compiler builds it in one order). */
export function registerPlan(program: Command): void {
  program
    .command("plan")
    .description("print the Plan a .hpo file compiles to, as JSON")
    .argument("<file>", "the .hpo file")
    .action((file: string) => {
      const plan = compileOrExplain(file);
      if (!plan) return;
      if (plan.trial.kind === "trainer" && plan.trial.model.kind === "layers" && plan.trial.model.autoOutput)
        process.stderr.write("note: no output layer given: the trainer adds the one the data needs\n");
      process.stdout.write(`${JSON.stringify(plan, null, 2)}\n`);
    });
}

/**
 * A spec's Plan for commands that print something made from it (`hpo plan`, `hpo types`): its
 * diagnostics go to stderr, and without a Plan the exit code is 1.
 */
export function compileOrExplain(file: string): Plan | undefined {
  requireSpecFile(file);
  const { plan, diagnostics, source } = compileFile(file);
  if (diagnostics.length) process.stderr.write(paintDiagnostics(formatDiagnostics(diagnostics, source)));
  if (!plan) process.exitCode = 1;
  return plan;
}
