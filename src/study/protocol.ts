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
  /**
   * Sent when the worker starts: import hpo's own objective module (`factory` and `builtin` sources)
   * now, so that a trainer's TensorFlow.js loads while the study process reads the shared data rather
   * than after it. A failed import is ignored here; the trial's own load reports it.
   */
  | { type: "preload"; source: ObjectiveSource }
  | { type: "prune-decision"; id: number; prune: boolean }
  | { type: "abort"; id: number; reason: string };

/** Messages from a worker to the study. */
export type FromWorker =
  | { type: "started"; id: number }
  | { type: "report"; id: number; step: number; values: number | Record<string, number> }
  | { type: "result"; id: number; value: unknown; pruned: boolean }
  | { type: "error"; id: number; message: string; loadError: boolean; pruned: boolean };
