import { type ChildProcess, fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { debuglog } from "node:util";
import { Worker } from "node:worker_threads";
import type { Fidelity, TrialOutcome } from "../plan/trial.js";
import type { Params } from "../plan/types.js";
import { describeError } from "../util/errors.js";
import { workerEnv } from "../native/threads.js";
import type { ObjectiveFn, ObjectiveSource, TrialContext } from "./objective.js";
import type { FromWorker, ToWorker } from "./protocol.js";

export interface TrialJob {
  /** The trial's storage id (unique across processes' messages). */
  id: number;
  trial: number;
  params: Params;
  seed: number;
  fidelity?: Fidelity;
}

export interface RunHooks {
  /** Called for each intermediate report; resolves to whether the trial should be pruned. */
  onReport(step: number, values: number | Record<string, number>): Promise<boolean>;
  /** Abort the trial's signal after this many ms, and kill it if it has not stopped `graceMs` later. */
  timeoutMs?: number;
}

/** Runs trials somewhere (worker threads, child processes, or this thread for in-process functions). */
export interface TrialRunner {
  run(job: TrialJob, hooks: RunHooks): Promise<TrialOutcome>;
  /** Ends every running trial now (their outcome is `stopped`) and frees the workers. */
  close(): Promise<void>;
}

/** How long a timed-out trial has to honour its aborted signal before its worker is killed. */
export function graceMs(timeoutMs: number): number {
  return Math.min(5_000, Math.max(200, timeoutMs / 10));
}

/** One worker as the pool sees it, whatever it is made of. */
interface Channel {
  post(msg: ToWorker): void;
  kill(): void;
  onMessage(fn: (msg: FromWorker) => void): void;
  onExit(fn: (why: string) => void): void;
}

const entry = new URL("./worker-entry.js", import.meta.url);
const shareEntry = new URL("./share-entry.js", import.meta.url);
const log = debuglog("hpo");

/** JS heap of one trial worker by default (MB): a runaway objective fails its trial near here. */
export const DEFAULT_TRIAL_MEMORY_MB = 2048;

/**
 * Young generation of one trial worker thread (MB). TensorFlow.js allocates ~320 KB of short-lived
 * objects per training step; with V8's default (16 MB semi-spaces) a small model's trial runs ~120
 * scavenges, whose survivors are promoted and later swept by full collections on helper threads that
 * two workers then fight over on two cores. 96 MB measured fastest beside the default and 192 MB:
 * bench/results/cpu-examples-2026-12-07.md (the d2l example, parallel = 1 and 2).
 */
export const TRIAL_YOUNG_GENERATION_MB = 96;

/** What the user sees when a trial exhausted its heap. */
function outOfMemory(memoryMb: number): string {
  return `the trial ran out of memory (JavaScript heap over ${memoryMb} MB; raise it with --trial-memory)`;
}

/**
 * A worker thread. Its heap limit holds for gradual growth, but V8 aborts the whole process on some
 * allocation patterns (one huge array) despite resourceLimits: use process isolation for untrusted code.
 */
function threadChannel(memoryMb: number, env: NodeJS.ProcessEnv): Channel {
  const w = new Worker(entry, {
    env,
    resourceLimits: { maxOldGenerationSizeMb: memoryMb, maxYoungGenerationSizeMb: TRIAL_YOUNG_GENERATION_MB },
  });
  let lastError = "";
  w.on(
    "error",
    (err) =>
      (lastError =
        (err as { code?: string }).code === "ERR_WORKER_OUT_OF_MEMORY"
          ? outOfMemory(memoryMb)
          : describeError(err)),
  );
  return {
    post: (msg) => w.postMessage(msg),
    kill: () => void w.terminate(),
    onMessage: (fn) => w.on("message", fn),
    onExit: (fn) =>
      w.on("exit", (code) =>
        fn(
          lastError.startsWith("the trial ran out")
            ? lastError
            : lastError
              ? `the worker crashed: ${lastError}`
              : `the worker exited with code ${code}`,
        ),
      ),
  };
}

/**
 * A child process with its own heap limit: a trial that exhausts it ends only this process. Its
 * stderr is passed through except V8's out-of-memory dump, which becomes the trial's failure reason.
 */
function processChannel(memoryMb: number, env: NodeJS.ProcessEnv): Channel {
  const execArgv = process.execArgv.filter((a) => !a.startsWith("--max-old-space-size"));
  const child: ChildProcess = fork(fileURLToPath(entry), [], {
    serialization: "advanced",
    env,
    stdio: ["ignore", "inherit", "pipe", "ipc"],
    execArgv: [...execArgv, `--max-old-space-size=${memoryMb}`],
  });
  let oom = false;
  child.stderr?.on("data", (chunk: Buffer) => {
    const text = chunk.toString();
    if (!oom && /<--- Last few GCs --->|heap out of memory|Reached heap limit/.test(text)) oom = true;
    if (!oom) process.stderr.write(chunk);
  });
  return {
    post: (msg) => child.connected && child.send(msg),
    kill: () => void child.kill("SIGKILL"),
    onMessage: (fn) => child.on("message", (m) => fn(m as FromWorker)),
    onExit: (fn) =>
      child.on("exit", (code, signal) =>
        fn(
          oom
            ? outOfMemory(memoryMb)
            : signal
              ? `the worker process was killed by ${signal}`
              : `the worker process exited with code ${code}`,
        ),
      ),
  };
}

interface Slot {
  channel: Channel;
  current?: {
    job: TrialJob;
    hooks: RunHooks;
    timedOut: boolean;
    started(): void;
    finish(outcome: TrialOutcome, reusable: boolean): void;
  };
  dead: boolean;
}

/** Where trials run: `auto` (the default) is `process` for a user's module and `thread` for hpo's own objectives. */
export type Isolation = "auto" | "thread" | "process";
export const ISOLATIONS: readonly Isolation[] = ["auto", "thread", "process"];

/**
 * A user module runs in a child process: a heap it exhausts (which can abort a whole process despite
 * a worker thread's resource limits) then fails that trial alone. hpo's trainer and built-in test
 * functions run in worker threads, which share the trainer's data without copies (a trainer model's
 * size is checked before it trains).
 */
export function isolationFor(source: ObjectiveSource, isolate: Isolation): "thread" | "process" {
  if (isolate !== "auto") return isolate;
  return source.kind === "module" ? "process" : "thread";
}

/**
 * A pool of isolated workers (threads or processes) that each run one trial at a time. A worker whose
 * trial crashed or hung is killed and replaced, so one bad trial never takes the study down.
 */
export class PoolRunner implements TrialRunner {
  private idle: Slot[] = [];
  private busy = new Set<Slot>();
  private closed = false;
  /** What the source's `share` export returned, computed once before the first trial. */
  private shared?: Promise<unknown>;
  /** The thread computing it, ended by close() (a study stopped during a long read). */
  private sharer?: Worker;

  constructor(
    private readonly source: ObjectiveSource,
    private readonly isolate: Isolation = "auto",
    private readonly memoryMb = DEFAULT_TRIAL_MEMORY_MB,
    /** How many trials the study runs at once: each worker's native kernels get that share of the cores. */
    private readonly parallel = 1,
  ) {}

  private spawn(): Slot {
    const channel =
      isolationFor(this.source, this.isolate) === "process"
        ? processChannel(this.memoryMb, workerEnv(this.parallel))
        : threadChannel(this.memoryMb, workerEnv(this.parallel));
    const slot: Slot = { channel, dead: false };
    channel.onMessage((msg) => this.onMessage(slot, msg));
    if (this.source.kind !== "module") channel.post({ type: "preload", source: this.source });
    channel.onExit((why) => {
      slot.dead = true;
      this.idle = this.idle.filter((s) => s !== slot);
      slot.current?.finish(
        slot.current.timedOut ? timeoutOutcome(slot.current.hooks) : { kind: "crashed", message: why },
        false,
      );
    });
    return slot;
  }

  private onMessage(slot: Slot, msg: FromWorker): void {
    const cur = slot.current;
    if (!cur || msg.id !== cur.job.id) return;
    if (msg.type === "started") cur.started();
    else if (msg.type === "report") {
      cur.hooks.onReport(msg.step, msg.values).then(
        (prune) => slot.channel.post({ type: "prune-decision", id: msg.id, prune }),
        () => slot.channel.post({ type: "prune-decision", id: msg.id, prune: false }),
      );
    } else if (cur.timedOut) cur.finish(timeoutOutcome(cur.hooks), true);
    else if (msg.type === "result")
      cur.finish({ kind: "returned", value: msg.value, pruned: msg.pruned }, true);
    else if (msg.loadError) cur.finish({ kind: "load-error", message: msg.message }, true);
    else cur.finish({ kind: "threw", message: msg.message, pruned: msg.pruned }, true);
  }

  run(job: TrialJob, hooks: RunHooks): Promise<TrialOutcome> {
    if (this.closed) return Promise.resolve({ kind: "stopped" });
    const slot = this.idle.pop() ?? this.spawn();
    this.busy.add(slot);
    return new Promise<TrialOutcome>((resolve) => {
      const timers: NodeJS.Timeout[] = [];
      const cur: NonNullable<Slot["current"]> = {
        job,
        hooks,
        timedOut: false,
        started: () => {
          if (hooks.timeoutMs === undefined) return;
          const timeoutMs = hooks.timeoutMs;
          timers.push(
            setTimeout(() => {
              cur.timedOut = true;
              slot.channel.post({
                type: "abort",
                id: job.id,
                reason: `the trial timed out after ${timeoutMs / 1000} s`,
              });
              // A trial that ignores its signal (or blocks its thread) is killed with its worker.
              timers.push(setTimeout(() => cur.finish(timeoutOutcome(hooks), false), graceMs(timeoutMs)));
            }, timeoutMs),
          );
        },
        finish: (outcome, reusable) => {
          if (slot.current !== cur) return;
          for (const t of timers) clearTimeout(t);
          slot.current = undefined;
          this.busy.delete(slot);
          if (reusable && !slot.dead && !this.closed) this.idle.push(slot);
          else if (!slot.dead) slot.channel.kill();
          resolve(outcome);
        },
      };
      slot.current = cur;
      this.shared ??= shareOnce(this.source, this.isolate === "thread", (w) => (this.sharer = w));
      void this.shared.then((shared) => {
        if (slot.current !== cur) return; // stopped while the shared data were read
        slot.channel.post({
          type: "run",
          id: job.id,
          source: this.source,
          params: job.params,
          seed: job.seed,
          trial: job.trial,
          ...(job.fidelity ? { fidelity: job.fidelity } : {}),
          ...(shared !== undefined ? { shared } : {}),
        });
      });
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    void this.sharer?.terminate();
    for (const slot of [...this.busy]) slot.current?.finish({ kind: "stopped" }, false);
    for (const slot of this.idle) slot.channel.kill();
    this.idle = [];
  }
}

/**
 * Runs a factory source's `share` export once for the pool (e.g. reading a data set for every worker),
 * in a worker thread of its own so the study's event loop keeps running. Best effort: a failure
 * shares nothing, and each worker then meets the problem itself and reports it with its trial.
 */
function shareOnce(
  source: ObjectiveSource,
  threads: boolean,
  started: (w: Worker) => void,
): Promise<unknown> {
  if (source.kind !== "factory" || !source.share) return Promise.resolve(undefined);
  const { from, name } = source.share;
  return new Promise((resolve) => {
    const w = new Worker(shareEntry, { workerData: { from, name, arg: source.arg, threads } });
    started(w);
    let settled = false;
    const settle = (value: unknown, why?: string) => {
      if (settled) return;
      settled = true;
      if (why) log("sharing %s failed: %s", name, why);
      resolve(threads ? value : undefined);
      void w.terminate();
    };
    w.on("message", (m: { value?: unknown; error?: string }) => settle(m.value, m.error));
    w.on("error", (err) => settle(undefined, describeError(err)));
    w.on("exit", (code) => settle(undefined, `the share worker exited with code ${code}`));
  });
}

function timeoutOutcome(hooks: RunHooks): TrialOutcome {
  return { kind: "timeout", seconds: (hooks.timeoutMs ?? 0) / 1000 };
}

/**
 * Runs an objective function in this thread (the programmatic `study.optimize(fn)`): no isolation, so
 * a timed-out trial is only aborted through its signal and then abandoned, not killed.
 */
export class InlineRunner implements TrialRunner {
  private stops = new Set<() => void>();

  constructor(private readonly fn: ObjectiveFn) {}

  run(job: TrialJob, hooks: RunHooks): Promise<TrialOutcome> {
    return new Promise<TrialOutcome>((resolve) => {
      const controller = new AbortController();
      let pruned = false;
      let done = false;
      const timers: NodeJS.Timeout[] = [];
      const finish = (o: TrialOutcome) => {
        if (done) return;
        done = true;
        for (const t of timers) clearTimeout(t);
        this.stops.delete(stop);
        resolve(o);
      };
      const stop = () => {
        controller.abort(new Error("the study was stopped"));
        finish({ kind: "stopped" });
      };
      this.stops.add(stop);
      if (hooks.timeoutMs !== undefined) {
        const timeoutMs = hooks.timeoutMs;
        timers.push(
          setTimeout(() => {
            controller.abort(new Error(`the trial timed out after ${timeoutMs / 1000} s`));
            timers.push(setTimeout(() => finish(timeoutOutcome(hooks)), graceMs(timeoutMs)));
          }, timeoutMs),
        );
      }
      const ctx: TrialContext = {
        report: async (step, values) => {
          if (await hooks.onReport(step, values)) pruned = true;
        },
        shouldPrune: () => pruned,
        signal: controller.signal,
        seed: job.seed,
        trial: job.trial,
        ...(job.fidelity ? { fidelity: job.fidelity } : {}),
      };
      Promise.resolve()
        .then(() => this.fn(job.params, ctx))
        .then(
          (value) =>
            finish(
              controller.signal.aborted && !done
                ? timeoutOutcome(hooks)
                : { kind: "returned", value, pruned },
            ),
          (err) =>
            finish(
              controller.signal.aborted
                ? timeoutOutcome(hooks)
                : { kind: "threw", message: describeError(err), pruned },
            ),
        );
    });
  }

  async close(): Promise<void> {
    for (const stop of [...this.stops]) stop();
  }
}
