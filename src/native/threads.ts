/**
 * How many threads the native kernels of one JavaScript thread may use. A study running `parallel`
 * trials at once in worker threads of one process would otherwise have every worker size its kernel
 * loops by the whole machine: k workers × n threads busy on n cores, and all but one worker's loops
 * queued behind the process-wide pool (native/common/thread_pool.h). Each trial worker gets its share
 * instead, max(1, ⌊cores / parallel⌋) threads on a pool of its own; `HPO_KERNEL_THREADS` set by the
 * user overrides the share (every worker gets that many). This module loads no addon: the study
 * process sizes its workers with it, and each worker's addon load (load.ts) applies the budget.
 */
import { availableParallelism } from "node:os";
import { HpoError } from "../util/errors.js";

/** The environment variable that carries a worker's budget (and lets a user set it). */
export const KERNEL_THREADS_ENV = "HPO_KERNEL_THREADS";

/** The largest budget accepted (the addon's own bound). */
const MAX_THREADS = 4096;

/** A trial worker's share of `cores` when `parallel` trials run at once: at least one thread. */
export function kernelThreadShare(cores: number, parallel: number): number {
  return Math.max(1, Math.floor(Math.max(1, cores) / Math.max(1, parallel)));
}

/** The budget `HPO_KERNEL_THREADS` asks for: undefined when unset or empty; an HpoError when malformed. */
export function parseKernelThreads(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === "") return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > MAX_THREADS)
    throw new HpoError(
      `${KERNEL_THREADS_ENV} must be an integer from 1 to ${MAX_THREADS}, got \`${value}\``,
      {
        hint: `unset it to give each trial worker its share of the cores (cores / parallel)`,
      },
    );
  return n;
}

/**
 * The environment of a trial worker of a study that runs `parallel` trials at once: the study's own,
 * with the worker's kernel budget unless the user chose one.
 */
export function workerEnv(
  parallel: number,
  env: NodeJS.ProcessEnv = process.env,
  cores: number = availableParallelism(),
): NodeJS.ProcessEnv {
  if (parseKernelThreads(env[KERNEL_THREADS_ENV]) !== undefined) return { ...env };
  return { ...env, [KERNEL_THREADS_ENV]: String(kernelThreadShare(cores, parallel)) };
}
