import type { TrialRecord } from "../../src/storage/types.js";

/** What a study's stored trials must satisfy after any number of kills, and what they break. */
export interface Verdict {
  trials: number;
  duplicates: number;
  /** Evaluations the objective logged as finished whose result is not stored. */
  lost: number;
  counted: number;
  running: number;
}

/**
 * Checks unique, dense trial numbers, the budget (counted trials), and that every logged evaluation
 * (`trial value` lines) is stored as complete with its value.
 */
export function checkStudy(trials: TrialRecord[], log: string): Verdict {
  const numbers = trials.map((t) => t.number);
  const duplicates = numbers.length - new Set(numbers).size;
  const byNumber = new Map(trials.map((t) => [t.number, t]));
  let lost = 0;
  for (const line of log.split("\n")) {
    if (!line.trim()) continue;
    const [n, v] = line.split(" ").map(Number);
    const t = byNumber.get(n as number);
    // A logged evaluation may belong to a trial whose process was killed before storing it: then the
    // trial is abandoned and retried (not lost). Lost means stored as complete with another value,
    // or missing altogether.
    if (!t) lost++;
    else if (t.state === "complete" && t.values?.[0] !== v) lost++;
  }
  return {
    trials: trials.length,
    duplicates,
    lost,
    counted: trials.filter((t) => t.attributes["abandoned"] !== true).length,
    running: trials.filter((t) => t.state === "running").length,
  };
}
