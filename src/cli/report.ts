import { existsSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import type { Plan } from "../plan/types.js";
import { type StudyData, stateCounts } from "../report/data.js";
import { renderReport } from "../report/render.js";
import { watchStudy, writeFileAtomic } from "../report/watch.js";
import { HpoError, describeError } from "../util/errors.js";

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

/** The front end's compileFile, as the contract between helpers names it. */
interface LangModule {
  compileFile(path: string): { plan?: Plan; diagnostics: unknown[]; source: string };
  formatDiagnostics(diagnostics: unknown[], source: string): string;
}

/**
 * The .hpo compiler, loaded when first needed: `hpo report --storage URL --study NAME` works without it,
 * and the report does not depend on the front end at build time.
 */
async function loadLang(): Promise<LangModule> {
  const specifier = "../lang/index.js";
  try {
    return (await import(specifier)) as LangModule;
  } catch (err) {
    throw new HpoError(`cannot load the .hpo compiler: ${describeError(err)}`, {
      hint: "name the study directly: `hpo report --storage URL --study NAME`",
    });
  }
}

/** A file name made from a study name (which may hold any character). */
export function reportFileName(study: string): string {
  const safe = study.replace(/[^A-Za-z0-9._-]+/g, "_").replace(/^[._]+/, "") || "study";
  return `${safe.slice(0, 80)}-report.html`;
}

/** Decides which study to report on from a spec and/or `--storage`/`--study`. */
export async function resolveTarget(
  specPath: string | undefined,
  options: ReportCommandOptions,
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
  const lang = await loadLang();
  const { plan, diagnostics, source } = lang.compileFile(file);
  if (!plan)
    throw new HpoError(`${specPath} does not compile:\n${lang.formatDiagnostics(diagnostics, source)}`, {
      hint: "run `hpo check` on it",
    });
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
    spec: { text: source, file: basename(file) },
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
