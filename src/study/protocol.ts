import type { Params } from "../plan/types.js";
import type { Fidelity } from "../plan/trial.js";
import type { ObjectiveSource } from "./objective.js";

/** Messages from the study to a worker (thread or child process). */
export type ToWorker =
  | {
      type: "run";
      id: number;
      source: ObjectiveSource;
      params: Params;
      seed: number;
      trial: number;
      fidelity?: Fidelity;
      /** What the source's `share` export returned in the study process (worker threads only). */
      shared?: unknown;
    }
  | { type: "prune-decision"; id: number; prune: boolean }
  | { type: "abort"; id: number; reason: string };

/** Messages from a worker to the study. */
export type FromWorker =
  | { type: "started"; id: number }
  | { type: "report"; id: number; step: number; values: number | Record<string, number> }
  | { type: "result"; id: number; value: unknown; pruned: boolean }
  | { type: "error"; id: number; message: string; loadError: boolean; pruned: boolean };
