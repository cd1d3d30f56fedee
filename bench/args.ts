/**
 * The command line of every benchmark program (`hpo bench NAME [options]`): `node:util` parseArgs in
 * strict mode, so an unknown or malformed option is a usage error (the message and where the usage
 * is, exit 2) rather than a stack trace, and `--help` prints the options with their defaults.
 */
import { basename } from "node:path";
import { parseArgs } from "node:util";
import { BENCHMARKS } from "../src/cli/bench.js";

export interface BenchOption {
  type: "string" | "boolean";
  /** The default as the user would type it (strings), or false for a flag. */
  default?: string | boolean;
  /** What it sets, for `--help`. */
  help: string;
}

export type BenchValues<T extends Record<string, BenchOption>> = {
  [K in keyof T]: T[K] extends { type: "boolean" }
    ? boolean
    : T[K] extends { default: string }
      ? string
      : string | undefined;
};

/** The usage text of a benchmark: its summary and each option with its default. */
export function benchUsage(name: string, options: Record<string, BenchOption>): string {
  const rows = Object.entries(options).map(([k, o]) => [
    `--${k}${o.type === "string" ? " <value>" : ""}`,
    `${o.help}${typeof o.default === "string" ? ` (default: ${o.default})` : ""}`,
  ]);
  rows.push(["--help", "print this and exit"]);
  const width = Math.max(...rows.map((r) => r[0]!.length));
  return [
    `usage: hpo bench ${name} [options]`,
    "",
    BENCHMARKS[name] ?? "",
    "",
    "options:",
    ...rows.map(([a, b]) => `  ${a!.padEnd(width)}  ${b}`),
    "",
  ].join("\n");
}

/**
 * Parses `argv` (default: this process's arguments) against `options`; `--help` prints the usage and
 * exits 0, a usage error prints the message and exits 2. `name` defaults to the program's file name.
 */
export function benchArgs<T extends Record<string, BenchOption>>(
  options: T,
  argv: string[] = process.argv.slice(2),
  name: string = basename(process.argv[1] ?? "bench", ".js"),
): BenchValues<T> {
  if (argv.includes("--help") || argv.includes("-h")) {
    process.stdout.write(benchUsage(name, options));
    process.exit(0);
  }
  const config = Object.fromEntries(
    Object.entries(options).map(([k, o]) => [
      k,
      o.default === undefined ? { type: o.type } : { type: o.type, default: o.default },
    ]),
  ) as Record<string, { type: "string" | "boolean"; default?: string | boolean }>;
  try {
    return parseArgs({ args: argv, options: config, strict: true, allowPositionals: false })
      .values as BenchValues<T>;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(
      `hpo bench ${name}: error: ${message}\nrun \`hpo bench ${name} --help\` for usage\n`,
    );
    process.exit(2);
  }
}
