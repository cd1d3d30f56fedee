/**
 * Trials as every layer after the compiler sees them: their states, the view strategies and pruners
 * read, the result storage keeps, and the one function that judges what a trial's objective did.
 * Storage, strategies, the study loop and the programmatic `Study.tell` all import these from here.
 */
import { evaluate, ExprError } from "./expr.js";
import type { ObjectiveSpec, Params, StrategySpec } from "./types.js";

/** A goal as the judge reads it: a metric's name, or the Plan's objective (with its expression, if any). */
export type GoalKey = string | ObjectiveSpec;

/** Where a trial is in its life; every state but `running` is final. */
export type TrialState = "running" | "complete" | "pruned" | "failed";

/** What a strategy or a pruner sees of one trial. */
export interface TrialView {
  /** 0-based, unique within the study, in the order trials were created. */
  number: number;
  state: TrialState;
  params: Params;
  /** One value per objective, in `objectives` order; present when `state` is complete. */
  values?: number[];
  /** Intermediate values reported by the trial: (step, value of the first objective), steps ascending. */
  intermediate: { step: number; value: number }[];
  /** Multi-fidelity: the resource (e.g. epochs) this trial was run to, and the trial it continued. */
  fidelity?: Fidelity;
}

/**
 * What a multi-fidelity trial is run to, as proposed, stored and handed to the objective: train to
 * `resource` (epochs), continuing trial `resumedFrom`'s checkpoint when set. Population-based
 * training adds the population `member` the trial trains and its `round` (0-based).
 */
export interface Fidelity {
  resource: number;
  resumedFrom?: number;
  member?: number;
  round?: number;
}

/**
 * The most epochs any trial of a multi-fidelity strategy trains to (its `max_epochs`), at least
 * `resource`: the span a trial's learning-rate schedule follows whatever rung it stops at.
 */
export function fidelityHorizon(strategy: StrategySpec, resource: number): number {
  const max = strategy.options.max_epochs;
  return typeof max === "number" && Number.isFinite(max) ? Math.max(max, resource) : resource;
}

/** A trial's end, as storage records it. */
export interface TrialResult {
  state: Exclude<TrialState, "running">;
  /** One value per objective (Plan order); set when complete. */
  values?: number[];
  error?: string;
  /** Merged into the trial's attributes. */
  attributes?: Record<string, unknown>;
}

/** How a trial ended, as the study observed it (in a worker, in-process, or told by the API's user). */
export type TrialOutcome =
  /** The objective returned `value`; `pruned` when the pruner had asked it to stop. */
  | { kind: "returned"; value: unknown; pruned: boolean }
  | { kind: "threw"; message: string; pruned: boolean }
  /** The objective's module could not be loaded (the study stops: no trial could run). */
  | { kind: "load-error"; message: string }
  | { kind: "timeout"; seconds: number }
  /** The worker died (out of memory, a native crash). */
  | { kind: "crashed"; message: string }
  /** The study was stopped while the trial ran: the trial is retried by the next run. */
  | { kind: "stopped" }
  /** The caller declared the trial pruned or failed itself (`Study.tell(n, { state })`). */
  | { kind: "declared"; state: "pruned" | "failed"; error?: string };

/**
 * Judges a trial's outcome: complete with one value per objective (`metrics`, Plan order), pruned,
 * or failed with the reason the user will read. The only place a trial's final state is decided.
 */
export function judgeTrial(outcome: TrialOutcome, metrics: readonly GoalKey[]): TrialResult {
  switch (outcome.kind) {
    case "returned": {
      if (outcome.pruned) return { state: "pruned" };
      const v = objectiveValues(outcome.value, metrics);
      return "error" in v
        ? { state: "failed", error: v.error }
        : { state: "complete", values: v.values, attributes: { metrics: v.metrics } };
    }
    case "threw":
      return outcome.pruned ? { state: "pruned" } : { state: "failed", error: outcome.message };
    case "load-error":
    case "crashed":
      return { state: "failed", error: outcome.message };
    case "timeout":
      return { state: "failed", error: `timed out after ${outcome.seconds} s` };
    case "stopped":
      return {
        state: "failed",
        error: "interrupted: the study was stopped",
        attributes: { abandoned: true },
      };
    case "declared":
      return outcome.error !== undefined
        ? { state: outcome.state, error: outcome.error }
        : { state: outcome.state };
  }
}

/**
 * Turns what an objective returned into one value per objective, in Plan order. A non-finite value,
 * a missing metric or a bare number for several objectives is an error message (the trial fails).
 */
export function objectiveValues(
  result: unknown,
  metrics: readonly GoalKey[],
): { values: number[]; metrics: Record<string, number> } | { error: string } {
  if (typeof result === "number") {
    if (metrics.length !== 1)
      return { error: `the objective returned one number but the study has ${metrics.length} objectives` };
    const only = metrics[0] as GoalKey;
    if (typeof only !== "string" && only.expr)
      return {
        error: `the objective returned one number, but the goal \`${only.metric}\` needs its metrics`,
      };
    if (!Number.isFinite(result)) return { error: `the objective returned ${result}` };
    return { values: [result], metrics: { [nameOf(only)]: result } };
  }
  if (result === null || typeof result !== "object" || Array.isArray(result))
    return { error: `the objective returned ${describe(result)}, not a number or an object of metrics` };
  const record = result as Record<string, unknown>;
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(record)) if (typeof v === "number") out[k] = v;
  const values: number[] = [];
  for (const m of metrics) {
    const v = goalValue(m, out);
    if (typeof v === "object") return v;
    if (v === undefined) return { error: `the objective returned no number for metric \`${nameOf(m)}\`` };
    if (!Number.isFinite(v)) return { error: `the objective returned ${v} for metric \`${nameOf(m)}\`` };
    values.push(v);
  }
  return { values, metrics: out };
}

/**
 * One goal's value from reported metrics: the metric itself, or the objective expression computed over
 * them. Undefined when an input is missing (a per-epoch report without `test_loss`, say: that epoch
 * then gives pruners nothing); an error when the expression cannot be computed (log10 of a negative…).
 */
export function goalValue(
  goal: GoalKey,
  metrics: Readonly<Record<string, number>>,
): number | undefined | { error: string } {
  if (typeof goal === "string" || !goal.expr) {
    const v = metrics[nameOf(goal)];
    return typeof v === "number" ? v : undefined;
  }
  try {
    const v = evaluate(goal.expr, metrics);
    return typeof v === "number"
      ? v
      : { error: `the goal \`${goal.metric}\` gave ${String(v)}, not a number` };
  } catch (err) {
    if (!(err instanceof ExprError)) throw err;
    if (err.expr.op === "param") return undefined;
    return { error: `the goal \`${goal.metric}\` cannot be computed: ${err.message}` };
  }
}

function nameOf(goal: GoalKey): string {
  return typeof goal === "string" ? goal : goal.metric;
}

function describe(v: unknown): string {
  if (v === undefined) return "nothing";
  if (Array.isArray(v)) return "an array";
  return typeof v === "string" ? `the string ${JSON.stringify(v)}` : String(v);
}
