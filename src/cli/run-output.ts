import cliProgress from "cli-progress";
import Table from "cli-table3";
import type { ObjectiveSpec, Plan } from "../plan/types.js";
import type { TrialRecord } from "../storage/types.js";
import { type StopReason, type StudyEvent, describeReason } from "../study/loop.js";
import { bestTrials, formatNumber, rankTrials, trialJson } from "../study/results.js";

export type OutputMode = "bar" | "lines" | "json" | "quiet";

/** Shows a running study: a live bar on a TTY, one line per trial otherwise, or JSON events. */
export class RunOutput {
  private bar?: cliProgress.SingleBar;
  private best?: number;
  private running = 0;

  constructor(
    private readonly mode: OutputMode,
    private readonly plan: Plan,
    private readonly out: NodeJS.WritableStream = process.stdout,
    private readonly err: NodeJS.WritableStream = process.stderr,
  ) {}

  event(e: StudyEvent): void {
    if (this.mode === "json") {
      this.out.write(`${JSON.stringify(jsonEvent(e, this.plan.objectives))}\n`);
      return;
    }
    switch (e.type) {
      case "open":
        if (this.mode === "quiet") return;
        this.say(
          `${e.resumed ? "resuming" : "starting"} study ${e.study.name}` +
            (e.resumed ? ` (${e.existing} trials stored)` : "") +
            ` with ${this.plan.strategy.name}, ${e.parallel} worker${e.parallel === 1 ? "" : "s"}`,
        );
        if (this.mode === "bar") {
          this.bar = new cliProgress.SingleBar(
            {
              // Without a trial budget there is no total: count trials against the clock instead.
              format:
                e.limit !== undefined
                  ? "{bar} {value}/{total} | running {running} | best {best} | {duration_formatted} | ETA {eta_formatted}"
                  : `{value} trials | running {running} | best {best} | {duration_formatted} of ${e.timeSeconds ?? "?"}s`,
              hideCursor: true,
              stream: this.err,
              etaBuffer: 20,
            },
            cliProgress.Presets.shades_classic,
          );
          this.bar.start(e.limit ?? 0, e.counted, { running: 0, best: "-" });
        }
        return;
      case "recovered":
        if (this.mode !== "quiet")
          this.say(
            `trials ${e.trials.join(", ")} were left running by a stopped process: failed, retried once`,
          );
        return;
      case "trial-start":
        this.running++;
        this.bar?.update({ running: this.running });
        return;
      case "trial-end":
        this.running--;
        this.track(e.trial);
        if (this.bar) this.bar.increment({ running: this.running, best: formatNumber(this.best) || "-" });
        else if (this.mode === "lines") this.out.write(`${trialLine(e.trial, this.plan.objectives)}\n`);
        return;
      case "draining":
        this.say(
          `stopping: waiting for ${e.running} running trial${e.running === 1 ? "" : "s"} (Ctrl-C again to stop now)`,
        );
        return;
      case "stopping":
        this.say(`stopping now: interrupting ${e.running} running trial${e.running === 1 ? "" : "s"}`);
        return;
      case "end":
        this.bar?.stop();
        this.bar = undefined;
    }
  }

  private track(t: TrialRecord): void {
    const v = t.values?.[0];
    if (t.state !== "complete" || v === undefined || this.plan.objectives.length !== 1) return;
    const max = this.plan.objectives[0]?.direction === "maximize";
    if (this.best === undefined || (max ? v > this.best : v < this.best)) this.best = v;
  }

  /** A status line that does not tear the progress bar. */
  private say(line: string): void {
    if (this.mode === "quiet" || this.mode === "json") return;
    if (this.bar) {
      this.bar.stop();
      this.err.write(`${line}\n`);
      const value = (this.bar as unknown as { value: number }).value;
      const total = this.bar.getTotal();
      this.bar.start(total, value, { running: this.running, best: formatNumber(this.best) || "-" });
    } else this.err.write(`${line}\n`);
  }

  /** The end of a run: why it stopped, the best trials and the best parameters. */
  summary(reason: StopReason, trials: readonly TrialRecord[]): void {
    if (this.mode === "json") return;
    this.out.write(`\n${this.plan.study}: ${describeReason(reason)}; ${summaryCounts(trials)}\n`);
    if (this.mode === "quiet") {
      const best = bestTrials(trials, this.plan.objectives)[0];
      if (best) this.out.write(`best: trial ${best.number} ${valuesText(best, this.plan.objectives)}\n`);
      return;
    }
    const multi = this.plan.objectives.length > 1;
    const shown = multi
      ? bestTrials(trials, this.plan.objectives)
      : rankTrials(trials, this.plan.objectives).slice(0, 5);
    if (shown.length === 0) {
      this.out.write("no trial completed\n");
      return;
    }
    this.out.write(`${multi ? "Pareto front" : "best trials"}:\n${trialTable(shown, this.plan)}\n`);
    const best = shown[0]!;
    if (!multi)
      this.out.write(`best parameters (trial ${best.number}):\n${JSON.stringify(best.params, null, 2)}\n`);
  }
}

/** Trials per state, as one phrase. */
export function summaryCounts(trials: readonly TrialRecord[]): string {
  const count = (s: TrialRecord["state"]) => trials.filter((t) => t.state === s).length;
  return `${trials.length} trials: ${count("complete")} complete, ${count("pruned")} pruned, ${count("failed")} failed, ${count("running")} running`;
}

/** A table of trials with one column per objective and per parameter. */
export function trialTable(trials: readonly TrialRecord[], plan: Plan, withError = false): string {
  const params = plan.space.map((p) => p.name);
  const head = [
    "trial",
    "state",
    ...plan.objectives.map((o) => o.metric),
    ...params,
    ...(withError ? ["error"] : []),
  ];
  const table = new Table({ head, style: { head: [], border: [] } });
  for (const t of trials)
    table.push([
      String(t.number),
      t.state,
      ...plan.objectives.map((_, i) => formatNumber(t.values?.[i])),
      ...params.map((p) =>
        t.params[p] === undefined
          ? ""
          : typeof t.params[p] === "number"
            ? formatNumber(t.params[p] as number)
            : String(t.params[p]),
      ),
      ...(withError ? [t.error ?? ""] : []),
    ]);
  return table.toString();
}

function valuesText(t: TrialRecord, objectives: readonly ObjectiveSpec[]): string {
  return objectives.map((o, i) => `${o.metric}=${formatNumber(t.values?.[i])}`).join(" ");
}

/** One plain line per finished trial (no TTY). */
export function trialLine(t: TrialRecord, objectives: readonly ObjectiveSpec[]): string {
  const params = Object.entries(t.params)
    .map(([k, v]) => `${k}=${typeof v === "number" ? formatNumber(v) : String(v)}`)
    .join(" ");
  const seconds = t.finishedAt !== undefined ? ` ${((t.finishedAt - t.startedAt) / 1000).toFixed(2)}s` : "";
  const what =
    t.state === "complete"
      ? valuesText(t, objectives)
      : t.state === "failed"
        ? `(${t.error ?? "failed"})`
        : "";
  return `trial ${t.number} ${t.state}${what ? ` ${what}` : ""}${seconds} | ${params}`;
}

function jsonEvent(e: StudyEvent, objectives: readonly ObjectiveSpec[]): Record<string, unknown> {
  switch (e.type) {
    case "open":
      return {
        event: "open",
        study: e.study.name,
        resumed: e.resumed,
        existing: e.existing,
        trials: e.limit ?? null,
        parallel: e.parallel,
      };
    case "recovered":
      return { event: "recovered", trials: e.trials };
    case "trial-start":
      return { event: "trial_start", number: e.trial.number, params: e.trial.params };
    case "trial-end":
      return { event: "trial_end", ...trialJson(e.trial, objectives) };
    case "draining":
      return { event: "draining", running: e.running };
    case "stopping":
      return { event: "stopping", running: e.running };
    case "end":
      return { event: "end", reason: e.reason };
  }
}
