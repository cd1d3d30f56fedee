import type { Command } from "commander";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "../util/package.js";
import { HpoError } from "../util/errors.js";

/** The benchmarks behind `hpo bench NAME`: each is a program in bench/ (compiled to dist/bench/). */
export const BENCHMARKS: Record<string, string> = {
  surrogate: "GP surrogate: log-likelihood + gradient, fit, posterior, bayes ask (CPU and CUDA)",
  "surrogate-quality":
    "bayes against tpe and random search on Branin, Hartmann-6 and 10-D Rosenbrock, Ackley, Levy",
  evolution: "population evolution: generations and NSGA-II ranking (CPU and CUDA)",
  acquisition:
    "LogEI maximization: evolved candidates (native population engine) against random ones, both polished",
  tpe: "TPE ask latency with 100 and 1,000 completed trials",
  cmaes: "cmaes ask latency at 1,000 trials; cmaes and evolution against random with a study's budget",
  runtime: "per-trial overhead of the study loop (SQLite durable and in memory)",
  lang: "checking and compiling a generated 2,000-line spec",
  strategies:
    "search quality of every single-objective strategy on Branin, Hartmann-6, 10-D Rosenbrock, Ackley, Levy, beside Optuna's GP, TPE and CMA-ES samplers",
  rng: "Philox4x32-10 stream throughput per distribution (CPU and CUDA)",
  report: "fANOVA parameter importance and HTML report rendering on synthetic studies",
  train:
    "built-in trainer: samples/s of the MLP, CNN, LSTM and Transformer templates per TensorFlow.js backend, beside PyTorch",
  examples:
    "the d2l example: trials per hour with parallel 1 and 2, best validation error with 5 and 20 trials",
  pbt: "population-based training against random search at the same epochs on examples/houses-pbt.hpo",
};

/** The benchmarks with what each measures, one per line. */
function benchmarkList(): string {
  const width = Math.max(...Object.keys(BENCHMARKS).map((k) => k.length));
  const rows = Object.entries(BENCHMARKS).map(([k, v]) => `  ${k.padEnd(width)}  ${v}`);
  return `Benchmarks (\`hpo bench NAME --help\` lists a benchmark's options):\n${rows.join("\n")}\n`;
}

/**
 * `hpo bench NAME [options…]`: runs one benchmark; its options are passed through to the program,
 * which parses them (bench/args.ts: `hpo bench NAME --help`, unknown options are usage errors).
 */
export function registerBench(program: Command): void {
  program
    .command("bench")
    .description(`run a benchmark: ${Object.keys(BENCHMARKS).join(", ")}`)
    .argument("<name>", "which benchmark")
    .argument("[options...]", "options of that benchmark (e.g. --device cpu,cuda --n 1000,2000 --json)")
    .allowUnknownOption(true)
    .helpOption(false)
    .action((name: string, options: string[], _flags: unknown, cmd: Command) => {
      // The command's own help is off so that `hpo bench NAME --help` reaches the program; without a
      // NAME, `--help` is the list of benchmarks.
      if (name === "--help" || name === "-h") {
        process.stdout.write(`${cmd.helpInformation()}\n${benchmarkList()}\n`);
        return;
      }
      if (!Object.hasOwn(BENCHMARKS, name))
        throw new HpoError(`unknown benchmark \`${name}\``, {
          hint: `benchmarks: ${Object.keys(BENCHMARKS).join(", ")}`,
          exitCode: 2,
        });
      const script = join(packageRoot(), "dist", "bench", `${name}.js`);
      if (!existsSync(script))
        throw new HpoError(`benchmark \`${name}\` is not built (no ${script}); run \`npm run build\``);
      const result = spawnSync(process.execPath, [script, ...options], { stdio: "inherit" });
      process.exitCode = result.status ?? 1;
    });
}
