/**
 * `hpo report --watch`: reload the study every interval and rewrite the page when something it shows
 * changed (a trial started, finished, or reported a value). Files are replaced atomically so a browser
 * reloading the page never reads half of one.
 */
import { renameSync, writeFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import type { StudyData } from "./data.js";

/** A string that changes whenever anything the report shows changes. */
export function studyFingerprint(data: StudyData): string {
  return JSON.stringify(
    data.trials.map((t) => [t.number, t.state, t.values, t.intermediate.length, t.finishedAt, t.error]),
  );
}

/** Writes `text` to `path` through a temporary file and a rename (atomic on one file system). */
export function writeFileAtomic(path: string, text: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

export interface WatchOptions {
  intervalMs: number;
  /** Stops the loop (Ctrl-C in the CLI). */
  signal: AbortSignal;
  /** Told about a failed reload; the loop goes on (a busy database, a transient network error). */
  onError?: (err: unknown) => void;
}

/**
 * Loads, and writes when the fingerprint changed, until `signal` aborts. The first load's error is
 * thrown (nothing to show yet); later ones go to `onError`. Returns how many pages were written.
 */
export async function watchStudy(
  load: () => Promise<StudyData>,
  write: (data: StudyData) => void | Promise<void>,
  options: WatchOptions,
): Promise<number> {
  let last: string | undefined;
  let written = 0;
  let first = true;
  while (!options.signal.aborted) {
    try {
      const data = await load();
      const fingerprint = studyFingerprint(data);
      if (fingerprint !== last) {
        await write(data);
        last = fingerprint;
        written++;
      }
    } catch (err) {
      if (first) throw err;
      options.onError?.(err);
    }
    first = false;
    try {
      await sleep(options.intervalMs, undefined, { signal: options.signal });
    } catch {
      break; // aborted while waiting
    }
  }
  return written;
}
