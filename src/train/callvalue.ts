/** CallValues of `train { … }` settings (`adam(lr = 0.01)`, `early_stopping(patience = 3)`). */
import { readCall } from "../plan/options.js";
import type { CallValue, Value } from "../plan/types.js";
import { HpoError } from "../util/errors.js";

/** Accepts a CallValue, or a bare string naming a call without arguments (`"adam"`). */
export function asCall(v: Value | undefined, what: string): CallValue | undefined {
  if (v === undefined) return undefined;
  if (typeof v === "string") return { call: v, args: [], kwargs: {} };
  if (typeof v === "object" && !Array.isArray(v) && "call" in v) return v;
  throw new HpoError(
    `${what} must be a call such as ${what === "optimizer" ? "adam(lr = 0.001)" : "name(…)"}, got ${JSON.stringify(v)}`,
  );
}

/** How `train { early_stopping = early_stopping(…) }` stops: its arguments, defaults filled in. */
export interface EarlyStopping {
  monitor: string;
  patience: number;
  minDelta: number;
}

/** The early-stopping setting, read through the catalogue's `early_stopping` entry. */
export function readEarlyStopping(v: Value | undefined): EarlyStopping | undefined {
  const c = asCall(v, "early_stopping");
  if (c === undefined) return undefined;
  if (c.call !== "early_stopping")
    throw new HpoError(`unknown callback \`${c.call}\``, { hint: "callbacks: early_stopping" });
  const a = readCall("callback", "early_stopping", c);
  return { monitor: a.monitor ?? "val_loss", patience: a.patience, minDelta: a.min_delta ?? 0 };
}
