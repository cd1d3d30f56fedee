import type { Command } from "commander";
import { existsSync, readFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { type StudyData, stateCounts } from "../report/data.js";
import { loadStudyData } from "../report/load.js";
import { fileStem } from "../report/export.js";
import { renderReport } from "../report/render.js";
import { watchStudy, writeFileAtomic } from "../report/watch.js";
import { loadPlan } from "../study/load-plan.js";
import { HpoError, describeError } from "../util/errors.js";
import { type CliDepsLoader, loadDefaultDeps } from "./study-cli.js";

/** What `hpo report` reads: a study in a storage, and the spec it came from when known. */
export interface ReportTarget {
  storage: string;
  study: string;
  spec?: { text: string; file: string };
  seed?: number;
  /** Where the page goes without `-o`. */
  defaultOutput: string;
}

export interface ReportCommandOptions {
  output?: string;
  watch?: boolean;
  interval?: string;
  storage?: string;
  study?: string;
  seed?: string;
}

/** Loads a study's data from a storage URL (src/report/load.ts in the CLI; a fake in tests). */
export type StudyLoader = (storageUrl: string, studyName: string) => Promise<StudyData>;

/** A file name made from a study name (which may hold any character). */
export function reportFileName(study: string): string {
  return `${fileStem(study)}-report.html`;
}

/** Decides which study to report on from a spec and/or `--storage`/`--study`. */
export async function resolveTarget(
  specPath: string | undefined,
  options: ReportCommandOptions,
  deps: CliDepsLoader = loadDefaultDeps,
): Promise<ReportTarget> {
  const seed = options.seed === undefined ? undefined : Number(options.seed);
  if (seed !== undefined && !Number.isInteger(seed))
    throw new HpoError(`--seed must be an integer, got \`${options.seed}\``);
  if (specPath === undefined) {
    if (!options.storage || !options.study)
      throw new HpoError("`hpo report` needs a spec file, or both --storage and --study", {
        hint: "e.g. `hpo report study.hpo` or `hpo report --storage sqlite:.hpo/s.db --study s`",
      });
    return {
      storage: options.storage,
      study: options.study,
      seed,
      defaultOutput: reportFileName(options.study),
    };
  }
  const file = resolve(specPath);
  if (!existsSync(file)) throw new HpoError(`no such spec file: ${specPath}`);
  // The same Plan the other study commands use: a .hpo spec through the compiler, or a Plan JSON file.
  const plan = loadPlan(file, (await deps()).compileSpec);
  const storage = options.storage ?? plan.storage;
  if (storage === "memory:" || storage === "memory")
    throw new HpoError(
      `study \`${plan.study}\` is kept in memory (\`storage "memory:"\`): nothing is stored to report`,
      {
        hint: 'give the spec a storage, e.g. `storage "sqlite:.hpo/study.db"`',
      },
    );
  const study = options.study ?? plan.study;
  return {
    storage,
    study,
    spec: { text: readFileSync(file, "utf8"), file: basename(file) },
    seed,
    defaultOutput: join(dirname(file), reportFileName(study)),
  };
}

/** A one-line account of a written page. */
function describeWrite(path: string, data: StudyData): string {
  const counts = stateCounts(data);
  const parts = (Object.keys(counts) as (keyof typeof counts)[])
    .filter((k) => counts[k] > 0)
    .map((k) => `${counts[k]} ${k}`);
  return `wrote ${path} (${data.trials.length} trials${parts.length ? `: ${parts.join(", ")}` : ""})`;
}

/** Loads the study, renders it and writes the page; with `watch`, keeps doing so until `signal` aborts. */
export async function runReport(
  target: ReportTarget,
  options: { output?: string; watch?: boolean; intervalSeconds?: number; signal?: AbortSignal },
  load: StudyLoader,
  log: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
): Promise<string> {
  const output = resolve(options.output ?? target.defaultOutput);
  const read = async () => {
    const data = await load(target.storage, target.study);
    if (target.spec) {
      data.specText = target.spec.text;
      data.specFile = target.spec.file;
    }
    return data;
  };
  const write = (data: StudyData, refreshSeconds?: number) => {
    writeFileAtomic(output, renderReport(data, { seed: target.seed, refreshSeconds }));
    log(describeWrite(output, data));
  };
  if (!options.watch) {
    write(await read());
    return output;
  }
  const interval = options.intervalSeconds ?? 5;
  const signal = options.signal ?? new AbortController().signal;
  log(`watching study \`${target.study}\` every ${interval} s (Ctrl-C to stop); open ${output} in a browser`);
  await watchStudy(read, (data) => write(data, interval), {
    intervalMs: interval * 1000,
    signal,
    onError: (err) => log(`hpo: warning: could not reload the study: ${describeError(err)}`),
  });
  return output;
}

/** Parses `--interval`: positive seconds. */
export function parseInterval(text: string | undefined): number {
  if (text === undefined) return 5;
  const seconds = Number(text);
  if (!Number.isFinite(seconds) || seconds <= 0)
    throw new HpoError(`--interval must be a positive number of seconds, got \`${text}\``);
  return seconds;
}

/** `hpo report [SPEC] [-o FILE] [--watch]`: writes the study's HTML report. */
export function registerReport(program: Command): void {
  program
    .command("report")
    .description("write a self-contained HTML report of a study (plots, importance, trials, the spec)")
    .argument(
      "[spec]",
      "the study's .hpo file or Plan JSON (its study name and storage say where the trials are)",
    )
    .option("-o, --output <file>", "where to write the page (default: <study>-report.html beside the spec)")
    .option("--watch", "rewrite the page as trials finish (the page reloads itself); Ctrl-C to stop")
    .option("--interval <seconds>", "how often --watch looks for new results", "5")
    .option("--storage <url>", "read the study from this storage instead of the spec's")
    .option("--study <name>", "the study's name, instead of the spec's")
    .option("--seed <n>", "seed of the importance forest (default: the study's seed)")
    .action(async (spec: string | undefined, options: ReportCommandOptions) => {
      const target = await resolveTarget(spec, options);
      const intervalSeconds = parseInterval(options.interval);
      const controller = new AbortController();
      const stop = () => controller.abort();
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
      try {
        await runReport(
          target,
          { output: options.output, watch: options.watch, intervalSeconds, signal: controller.signal },
          loadStudyData,
        );
      } finally {
        process.off("SIGINT", stop);
        process.off("SIGTERM", stop);
      }
    });
}
