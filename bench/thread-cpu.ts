/**
 * CPU seconds of this process's threads by role, read from /proc/self/task (Linux; elsewhere the
 * breakdown is empty): the study's main thread, the threads started during the measurement (the trial
 * workers' JavaScript threads and the data-sharing thread), the native kernels' pool threads (named
 * `hpo-kernels` by native/common/thread_pool.h) and the threads that were there before (V8's platform
 * threads, which run the garbage collector's parallel and concurrent work, and libuv's). CPU time is
 * what a thread ran, whatever else the machine was doing, so unlike wall time it says where a trial's
 * work goes on a loaded machine too. Threads that exit between samples lose their last interval:
 * sample often (the bench samples every 100 ms).
 */
import { readFileSync, readdirSync } from "node:fs";

export interface ThreadCpu {
  main: number;
  workers: number;
  kernels: number;
  helpers: number;
}

/** `cpu` divided by `n` (per trial). */
export function perUnit(cpu: ThreadCpu, n: number): ThreadCpu {
  const d = Math.max(1, n);
  return { main: cpu.main / d, workers: cpu.workers / d, kernels: cpu.kernels / d, helpers: cpu.helpers / d };
}

/** USER_HZ: the unit of /proc's utime and stime, 100 on every Linux ABI Node supports. */
const TICKS_PER_SECOND = 100;

function readThreads(): Map<string, { name: string; seconds: number }> {
  const out = new Map<string, { name: string; seconds: number }>();
  let tids: string[];
  try {
    tids = readdirSync("/proc/self/task");
  } catch {
    return out;
  }
  for (const tid of tids) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, "utf8");
      const close = stat.lastIndexOf(")");
      const fields = stat.slice(close + 2).split(" ");
      // fields[11], fields[12]: utime and stime (the 14th and 15th of stat(5), counted after the name)
      out.set(tid, {
        name: stat.slice(stat.indexOf("(") + 1, close),
        seconds: (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND,
      });
    } catch {
      // the thread exited while we listed them
    }
  }
  return out;
}

/** Follows every thread's CPU time from `start()` on; `sample()` often, `result()` at the end. */
export class ThreadCpuMeter {
  private readonly before = readThreads();
  private readonly last = new Map<string, { name: string; seconds: number }>();

  sample(): void {
    for (const [tid, t] of readThreads()) this.last.set(tid, t);
  }

  result(): ThreadCpu {
    this.sample();
    const out: ThreadCpu = { main: 0, workers: 0, kernels: 0, helpers: 0 };
    const mainTid = String(process.pid);
    for (const [tid, t] of this.last) {
      const seconds = t.seconds - (this.before.get(tid)?.seconds ?? 0);
      if (tid === mainTid) out.main += seconds;
      else if (t.name === "hpo-kernels") out.kernels += seconds;
      else if (this.before.has(tid)) out.helpers += seconds;
      else out.workers += seconds;
    }
    return out;
  }
}
