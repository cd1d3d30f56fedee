import { HpoError, describeError } from "../util/errors.js";
import { EXIT_STORAGE_UNAVAILABLE } from "./errors.js";

/** How often and how patiently a storage call is retried after a transient failure. */
export interface RetryPolicy {
  /** Attempts in all (the first included). */
  attempts: number;
  /** Wait before the second attempt; doubled each time up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
}

/**
 * Defaults: about 15 s of waiting in all, enough for a database restart or a network blip, short
 * enough that a server gone for good ends the run with a clear error.
 */
export const DEFAULT_RETRY: RetryPolicy = { attempts: 7, baseDelayMs: 250, maxDelayMs: 5_000 };

/**
 * Runs `fn`, retrying it with exponential backoff while `transient` says the failure may pass; the
 * last failure (or any other one) goes to `fail`, which turns it into the error the user sees.
 * `fn` gets the attempt number (0 first) so a write can check whether an earlier attempt landed.
 */
export async function withRetry<T>(
  fn: (attempt: number) => Promise<T>,
  transient: (err: unknown) => boolean,
  fail: (err: unknown, attempts: number) => unknown,
  policy: RetryPolicy = DEFAULT_RETRY,
): Promise<T> {
  let delay = policy.baseDelayMs;
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      if (err instanceof HpoError) throw err;
      if (!transient(err) || attempt + 1 >= policy.attempts) throw fail(err, attempt + 1);
      // A spread by pid keeps workers that lost the same server from reconnecting in lockstep.
      await new Promise((r) => setTimeout(r, delay * (0.5 + (process.pid % 64) / 128)));
      delay = Math.min(policy.maxDelayMs, delay * 2);
    }
  }
}

/** The message of a storage failure after its retries, without a stack. */
export function retriesExhausted(where: string, err: unknown, attempts: number): HpoError {
  const tried = attempts > 1 ? ` (after ${attempts} attempts)` : "";
  return new HpoError(`the study database ${where} failed${tried}: ${describeError(err)}`, {
    cause: err,
    exitCode: EXIT_STORAGE_UNAVAILABLE,
    hint: "check that the database is reachable and retry: finished trials are stored, and a resumed run continues the study",
  });
}
