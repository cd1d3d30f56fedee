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
 * Marks trials left running by dead processes as failed (not counted against the budget) and returns
 * the configurations to retry: each abandoned trial once, a retry that is abandoned again not at all.
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
    if (won && t.attributes["retryOf"] === undefined) retry.push(t);
  }
  return retry;
}
