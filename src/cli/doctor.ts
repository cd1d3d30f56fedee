import type { Command } from "commander";

/** `hpo doctor`: what this installation can do (filled in by the Foundation work). */
export function registerDoctor(program: Command): void {
  program
    .command("doctor")
    .description("report Node, the native addon, GPUs, TensorFlow.js backends and storage drivers")
    .option("--json", "print the facts as JSON")
    .action(async (opts: { json?: boolean }) => {
      const facts = { node: process.version };
      process.stdout.write(opts.json ? `${JSON.stringify(facts, null, 2)}\n` : `node ${facts.node}\n`);
    });
}
