import { hostname } from "node:os";
import type { Storage, TrialRecord } from "../storage/types.js";

/** How often a study refreshes the heartbeat of its running trials. */
export const HEARTBEAT_MS = 5_000;
/** A running trial whose heartbeat is older than this is taken as abandoned by a vanished process. */
export const STALE_MS = 30_000;

/** This process, as trials record it: `host:pid`. */
export function workerId(): string {
  return `${hostname()}:${process.pid}`;
}

/** Whether the process that runs a trial is gone: its pid is dead on this host, or its heartbeat is stale. */
export function isAbandoned(t: TrialRecord, now: number, staleMs: number): boolean {
  if (t.state !== "running" || t.worker === workerId()) return false;
  if (now - t.heartbeat > staleMs) return true;
  const [host, pidText] = splitWorker(t.worker ?? "");
  if (host !== hostname() || !pidText) return false;
  const pid = Number(pidText);
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "ESRCH";
  }
}

function splitWorker(w: string): [string, string] {
  const i = w.lastIndexOf(":");
  return i < 0 ? [w, ""] : [w.slice(0, i), w.slice(i + 1)];
}

/**
 * How many times one configuration is retried after the processes running it died. Bounded so that a
 * configuration that kills its host (a native crash under thread isolation) cannot loop forever.
 */
export const MAX_RETRIES = 5;

/** How many retries a trial is (0 for an original), counting older records without `attempt` as 1. */
export function retryAttempt(t: Pick<TrialRecord, "attributes">): number {
  const a = t.attributes["attempt"];
  if (typeof a === "number") return a;
  return t.attributes["retryOf"] === undefined ? 0 : 1;
}

/** The attributes of the retry of an abandoned trial: the original's number and the attempt. */
export function retryAttributes(t: Pick<TrialRecord, "attributes" | "number">): Record<string, number> {
  const root = t.attributes["retryOf"];
  return { retryOf: typeof root === "number" ? root : t.number, attempt: retryAttempt(t) + 1 };
}

/**
 * Marks trials left running by dead processes as failed (not counted against the budget) and returns
 * the configurations to retry: each abandoned trial, including a retry that was itself abandoned, up
 * to MAX_RETRIES times per configuration.
 * Only the process whose update wins retries a trial, so two resuming processes never both do.
 */
export async function recoverAbandoned(
  storage: Storage,
  trials: readonly TrialRecord[],
  staleMs = STALE_MS,
): Promise<TrialRecord[]> {
  const now = Date.now();
  const retry: TrialRecord[] = [];
  for (const t of trials) {
    if (!isAbandoned(t, now, staleMs)) continue;
    const won = await storage.finishTrial(t.id, {
      state: "failed",
      error: `abandoned: the process running it (${t.worker ?? "unknown"}) stopped`,
      attributes: { abandoned: true },
    });
    if (won && retryAttempt(t) < MAX_RETRIES) retry.push(t);
  }
  return retry;
}
