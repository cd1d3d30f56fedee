import { writeFileSync } from "node:fs";
import type { Command } from "commander";
import { declareParams } from "../lang/index.js";
import { compileOrExplain } from "./plan.js";

/** `hpo types FILE [-o OUT]`: the TypeScript declaration of the spec's parameters, for `evaluate "./objective.ts"`. */
export function registerTypes(program: Command): void {
  program
    .command("types")
    .description(
      "print (or write) a TypeScript declaration of the parameters a .hpo file gives its objective module",
    )
    .argument("<file>", "the .hpo file")
    .option("-o, --out <file>", "write the declaration to this file instead of printing it")
    .action((file: string, opts: { out?: string }) => {
      const plan = compileOrExplain(file);
      if (!plan) return;
      const text = declareParams(plan);
      if (opts.out) writeFileSync(opts.out, text);
      else process.stdout.write(text);
    });
}
