/**
 * A short-lived worker thread that runs a factory source's `share` export (runner.ts), so that reading
 * a data set once for every worker never blocks the study's event loop (heartbeats, messages); what
 * it posts back is structured-cloned, and SharedArrayBuffers in it reach the study process as the
 * same memory, not copies.
 */
import { parentPort, workerData } from "node:worker_threads";
import { describeError } from "../util/errors.js";

interface ShareJob {
  from: string;
  name: string;
  arg: unknown;
  threads: boolean;
}

const job = workerData as ShareJob;
try {
  const mod = (await import(job.from)) as Record<string, unknown>;
  const share = mod[job.name];
  if (typeof share !== "function") throw new Error(`\`${job.from}\` exports no function \`${job.name}\``);
  const value = await (share as (arg: unknown, how: { threads: boolean }) => unknown)(job.arg, {
    threads: job.threads,
  });
  parentPort?.postMessage({ value });
} catch (err) {
  parentPort?.postMessage({ error: describeError(err) });
}
