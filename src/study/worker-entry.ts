/**
 * The program a trial worker runs, as a worker thread or a child process (`--isolate process`): it
 * loads the objective once per source and runs the trials the study sends, one at a time.
 */
import { isMainThread, parentPort } from "node:worker_threads";
import { HpoError, describeError } from "../util/errors.js";
import { type ObjectiveFn, type TrialContext, loadObjective } from "./objective.js";
import type { FromWorker, ToWorker } from "./protocol.js";

/**
 * A child whose study process is gone (killed, even by kill -9) has nobody to report to: it exits
 * quietly instead of finishing a trial whose result would be lost, or printing an EPIPE stack.
 */
function orphaned(): never {
  process.exit(0);
}

const send: (msg: FromWorker) => void = isMainThread
  ? (msg) => {
      if (!process.connected) orphaned();
      process.send?.(msg, undefined, {}, (err) => {
        if (err) orphaned();
      });
    }
  : (msg) => parentPort?.postMessage(msg);

const loaded = new Map<string, Promise<ObjectiveFn>>();
const aborts = new Map<number, AbortController>();
const pendingReports = new Map<number, () => void>();
const pruneFlags = new Map<number, boolean>();

async function run(msg: Extract<ToWorker, { type: "run" }>): Promise<void> {
  const controller = new AbortController();
  aborts.set(msg.id, controller);
  pruneFlags.set(msg.id, false);
  let fn: ObjectiveFn;
  try {
    const key = JSON.stringify(msg.source);
    let p = loaded.get(key);
    if (!p) loaded.set(key, (p = loadObjective(msg.source, msg.shared)));
    fn = await p;
  } catch (err) {
    send({
      type: "error",
      id: msg.id,
      message: describeError(err),
      loadError: err instanceof HpoError,
      pruned: false,
    });
    return;
  }
  const ctx: TrialContext = {
    report: (step, values) =>
      new Promise<void>((resolve) => {
        pendingReports.set(msg.id, resolve);
        send({ type: "report", id: msg.id, step, values });
      }),
    shouldPrune: () => pruneFlags.get(msg.id) === true,
    signal: controller.signal,
    seed: msg.seed,
    trial: msg.trial,
    ...(msg.fidelity ? { fidelity: msg.fidelity } : {}),
  };
  // The trial's timeout starts now: worker start-up and module loading do not count against it.
  send({ type: "started", id: msg.id });
  try {
    const value = await fn(msg.params, ctx);
    send({ type: "result", id: msg.id, value, pruned: pruneFlags.get(msg.id) === true });
  } catch (err) {
    send({
      type: "error",
      id: msg.id,
      message: describeError(err),
      loadError: false,
      pruned: pruneFlags.get(msg.id) === true,
    });
  } finally {
    aborts.delete(msg.id);
    pruneFlags.delete(msg.id);
    pendingReports.delete(msg.id);
  }
}

function onMessage(msg: ToWorker): void {
  if (msg.type === "run") void run(msg);
  else if (msg.type === "preload") {
    if (msg.source.kind !== "module") import(msg.source.from).catch(() => {});
  } else if (msg.type === "prune-decision") {
    if (msg.prune) pruneFlags.set(msg.id, true);
    pendingReports.get(msg.id)?.();
    pendingReports.delete(msg.id);
  } else if (msg.type === "abort") aborts.get(msg.id)?.abort(new Error(msg.reason));
}

if (isMainThread) {
  process.on("message", (m) => onMessage(m as ToWorker));
  // The study process went away (even kill -9): nothing is left to report to.
  process.on("disconnect", orphaned);
  // A send that fails after the channel closed is reported here as well as to its callback.
  process.on("error", orphaned);
} else parentPort?.on("message", onMessage);
