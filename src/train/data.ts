/**
 * A trainer study's data in its workers. A worker reads the data once for consecutive trials on the
 * same data; in a study run by worker threads, the study process reads them once before the first
 * trial (`shareTrainerData`) into SharedArrayBuffers that every thread is handed (`provideData`), so
 * no worker parses or copies the data set itself. Worker processes (`--isolate process`) cannot share
 * memory: for them the study process only fills the on-disk cache (data/cache.ts), which they read.
 * This module imports no tfjs: the study process loads it.
 */
import { type LoadedData, type Reader, loadData } from "../data/index.js";
import { freeNames } from "../plan/expr.js";
import { evaluateRecord } from "../plan/resolve.js";
import type { Plan, ResolvedTrainer } from "../plan/types.js";

/** What the study process hands its worker threads: the data of one `data` declaration. */
export interface SharedTrainerData {
  key: string;
  data: LoadedData;
}

let cache: { key: string; data: LoadedData } | undefined;

/** The key of a resolved `data` declaration and its seed (the same for every trial when it uses no hyperparameter). */
function dataKey(data: ResolvedTrainer["data"], seed: number): string {
  return JSON.stringify([data, seed]);
}

/** The seed of the data's shuffles: `shuffle_seed`, else the study seed (never the trial's). */
export function dataSeed(data: ResolvedTrainer["data"], studySeed: number): number {
  const given = data.args.shuffle_seed;
  return typeof given === "number" ? given : studySeed;
}

/** The trial's data: the ones handed over or read last in this process, else read now. */
export function dataFor(trial: ResolvedTrainer): LoadedData {
  const seed = dataSeed(trial.data, trial.seed);
  const key = dataKey(trial.data, seed);
  if (cache?.key !== key) cache = { key, data: loadData(trial.data.reader as Reader, trial.data.args, seed) };
  return cache.data;
}

/** Makes data read by the study process this worker's data (see shareTrainerData). */
export function provideData(shared: SharedTrainerData): void {
  cache = { key: shared.key, data: shared.data };
}

/**
 * Reads a trainer Plan's data in the study process, once, when its `data` arguments use no
 * hyperparameter: for worker threads, into shared memory and returned for them; for worker processes,
 * into the disk cache only (returns undefined). Failures return undefined too, so the trials meet
 * and report them as they would have without sharing.
 */
export function shareTrainerData(
  arg: { plan: Plan },
  how: { threads: boolean },
): SharedTrainerData | undefined {
  const trial = arg.plan.trial;
  if (trial.kind !== "trainer") return undefined;
  if (Object.values(trial.data.args).some((e) => freeNames(e).size > 0)) return undefined;
  try {
    const data: ResolvedTrainer["data"] = {
      reader: trial.data.reader,
      args: evaluateRecord(trial.data.args, {}),
    };
    const seed = dataSeed(data, arg.plan.seed);
    const loaded = loadData(data.reader as Reader, data.args, seed, { shared: how.threads });
    return how.threads ? { key: dataKey(data, seed), data: loaded } : undefined;
  } catch {
    return undefined;
  }
}
