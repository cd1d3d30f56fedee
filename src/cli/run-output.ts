import cliProgress from "cli-progress";
import Table from "cli-table3";
import { resolve } from "../plan/resolve.js";
import type { ObjectiveSpec, Plan, ResolvedTrainer } from "../plan/types.js";
import type { TrialRecord } from "../storage/types.js";
import { type StopReason, type StudyEvent, describeReason } from "../study/loop.js";
import { bestTrials, rankTrials, trialJson } from "../study/results.js";
import { formatNumber } from "../util/format.js";

export type OutputMode = "bar" | "lines" | "json" | "quiet";

/** A running trial as the display knows it: its last intermediate report and how many epochs it has. */
interface Running {
  step?: number;
  value?: number;
  total?: number;
}

/**
 * Shows a running study: a live bar on a TTY, plain lines otherwise (trial lines on stdout, progress
 * on stderr), or JSON events.
 */
export class RunOutput {
  private bar?: cliProgress.SingleBar;
  private ticker?: ReturnType<typeof setInterval>;
  private best?: number;
  private readonly running = new Map<number, Running>();
  /** The trial that reported last: the one the progress line follows. */
  private latest?: number;
  private failed = 0;
  private done = 0;
  private ranHere = 0;
  private limit?: number;
  private timeSeconds?: number;
  private startedAt = Date.now();
  /** Time the study ran before this process (a resume): elapsed time continues from it. */
  private previousMs = 0;
  private readonly rungs = new Map<number, number>();

  constructor(
    private readonly mode: OutputMode,
    private readonly plan: Plan,
    private readonly out: NodeJS.WritableStream = process.stdout,
    private readonly err: NodeJS.WritableStream = process.stderr,
    private readonly now: () => number = Date.now,
  ) {}

  event(e: StudyEvent): void {
    if (this.mode === "json") {
      // The JSON stream's events are a contract; intermediate reports stay out of it.
      if (e.type !== "trial-report")
        this.out.write(`${JSON.stringify(jsonEvent(e, this.plan.objectives))}\n`);
      return;
    }
    switch (e.type) {
      case "open":
        this.opened(e);
        return;
      case "recovered":
        if (this.mode !== "quiet")
          this.say(
            `trials ${e.trials.join(", ")} were left running by a stopped process: failed, retried once`,
          );
        return;
      case "trial-start":
        this.rung(e.trial);
        this.running.set(e.trial.number, { total: epochsOf(this.plan, e.trial) });
        this.refresh();
        return;
      case "trial-report": {
        const r = this.running.get(e.trial);
        if (!r) return;
        r.step = e.step;
        r.value = e.value;
        this.latest = e.trial;
        if (this.bar) this.refresh();
        else if (this.mode === "lines" && this.plan.trial.kind === "trainer")
          this.err.write(`${reportText(e.trial, r, this.plan)}\n`);
        return;
      }
      case "trial-end":
        this.finished(e.trial);
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
        if (this.ticker) clearInterval(this.ticker);
        this.ticker = undefined;
        this.bar?.stop();
        this.bar = undefined;
    }
  }

  private opened(e: Extract<StudyEvent, { type: "open" }>): void {
    this.startedAt = this.now();
    this.previousMs = busyMs(e.trials);
    this.limit = e.limit;
    this.timeSeconds = e.timeSeconds;
    this.done = e.counted;
    for (const t of e.trials) {
      this.rung(t);
      if (t.state === "failed") this.failed++;
      this.track(t);
    }
    if (this.mode === "quiet") return;
    this.say(
      `${e.resumed ? "resuming" : "starting"} study ${e.study.name}` +
        (e.resumed ? ` (${e.existing} trials stored)` : "") +
        ` with ${this.plan.strategy.name}, ${e.parallel} worker${e.parallel === 1 ? "" : "s"}`,
    );
    if (this.mode !== "bar") return;
    this.bar = new cliProgress.SingleBar(
      {
        // Without a trial budget there is no total to fill a bar against: the line alone.
        format: e.limit !== undefined ? "{bar} {status}" : "{status}",
        hideCursor: true,
        // stop() erases the bar, so a message printed between stop() and start() leaves no stale bar.
        clearOnComplete: true,
        stream: this.err,
        barsize: 24,
      },
      cliProgress.Presets.shades_classic,
    );
    this.bar.start(e.limit ?? 0, e.counted, { status: this.status() });
    // Elapsed time and ETA move between events too.
    this.ticker = setInterval(() => this.refresh(), 1000);
    this.ticker.unref();
  }

  private finished(t: TrialRecord): void {
    this.running.delete(t.number);
    if (this.latest === t.number) this.latest = undefined;
    this.rung(t);
    this.done++;
    this.ranHere++;
    if (t.state === "failed") this.failed++;
    this.track(t);
    if (this.bar) {
      this.bar.update(this.done, { status: this.status() });
      if (t.state === "failed")
        this.say(`trial ${t.number}${this.fidelity(t)} failed: ${failureReason(t.error)}`);
    } else if (this.mode === "lines") {
      this.out.write(`${trialLine(t, this.plan.objectives, this.rungs.get(t.number))}\n`);
      this.err.write(`${this.status(false)}\n`);
    }
  }

  private fidelity(t: TrialRecord): string {
    const text = fidelityText(t, this.rungs.get(t.number));
    return text ? ` (${text})` : "";
  }

  private rung(t: TrialRecord): void {
    if (!t.fidelity || this.rungs.has(t.number)) return;
    const parent = t.fidelity.resumedFrom;
    this.rungs.set(t.number, parent === undefined ? 0 : (this.rungs.get(parent) ?? 0) + 1);
  }

  /** The progress line as it stands now (with the latest running trial's epoch on the live bar). */
  private status(detail = true): string {
    const elapsedMs = this.now() - this.startedAt;
    const latest = this.latest ?? [...this.running.keys()].at(-1);
    const running = latest !== undefined ? this.running.get(latest) : undefined;
    return progressLine({
      done: this.done,
      ...(this.limit !== undefined ? { total: this.limit } : {}),
      running: this.running.size,
      failed: this.failed,
      best: this.best,
      elapsedSeconds: (this.previousMs + elapsedMs) / 1000,
      etaSeconds: estimateEta({
        ranHere: this.ranHere,
        elapsedMs,
        ...(this.limit !== undefined ? { remaining: Math.max(0, this.limit - this.done) } : {}),
        ...(this.timeSeconds !== undefined
          ? { timeLeftSeconds: Math.max(0, this.timeSeconds - elapsedMs / 1000) }
          : {}),
      }),
      ...(detail && latest !== undefined && running?.step !== undefined
        ? { detail: reportText(latest, running, this.plan) }
        : {}),
    });
  }

  private refresh(): void {
    this.bar?.update({ status: this.status() });
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
      this.bar.start(this.bar.getTotal(), this.done, { status: this.status() });
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
    this.out.write(
      `${multi ? "Pareto front" : "best trials"}:\n${trialTable(shown, this.plan, false, trialRungs(trials))}\n`,
    );
    const best = shown[0]!;
    if (!multi)
      this.out.write(`best parameters (trial ${best.number}):\n${JSON.stringify(best.params, null, 2)}\n`);
  }
}

/** How many epochs a trial trains: its multi-fidelity resource, or a trainer's fixed `epochs`. */
export function epochsOf(plan: Plan, t: Pick<TrialRecord, "params" | "fidelity">): number | undefined {
  if (t.fidelity) return t.fidelity.resource;
  if (plan.trial.kind !== "trainer") return undefined;
  try {
    const epochs = (resolve(plan, t.params) as ResolvedTrainer).train["epochs"];
    return typeof epochs === "number" ? epochs : undefined;
  } catch {
    return undefined; // the trial itself reports what is wrong with its configuration
  }
}

/** `trial 4: epoch 3/9 val_accuracy=0.91` (a trainer's epochs) or `trial 4: step 3 value=0.5`. */
export function reportText(trial: number, r: Running, plan: Plan): string {
  const unit = plan.trial.kind === "trainer" ? "epoch" : "step";
  const metric = plan.objectives[0]?.metric ?? "value";
  const of = r.total !== undefined ? `/${r.total}` : "";
  return `trial ${trial}: ${unit} ${r.step}${of} ${metric}=${formatNumber(r.value)}`;
}

/** What a progress line shows. */
export interface ProgressSnapshot {
  /** Trials finished (counted against the budget), and the budget if there is one. */
  done: number;
  total?: number;
  running: number;
  failed: number;
  best?: number;
  elapsedSeconds: number;
  /** Absent until it can be estimated. */
  etaSeconds?: number | undefined;
  /** The latest running trial's progress. */
  detail?: string;
}

/** `12/81 done | 2 running | 1 failed | best 0.93 | 4m05s | ETA 10m20s | trial 14: epoch 3/9 …` */
export function progressLine(s: ProgressSnapshot): string {
  const parts = [
    s.total !== undefined ? `${s.done}/${s.total} done` : `${s.done} done`,
    `${s.running} running`,
    ...(s.failed > 0 ? [`${s.failed} failed`] : []),
    `best ${s.best !== undefined ? formatNumber(s.best) : "-"}`,
    formatDuration(s.elapsedSeconds),
    ...(s.etaSeconds !== undefined ? [`ETA ${formatDuration(s.etaSeconds)}`] : []),
    ...(s.detail ? [s.detail] : []),
  ];
  return parts.join(" | ");
}

/**
 * Seconds left, or undefined while they cannot be estimated: the trials still to run at this run's
 * pace (known once one of its trials ended), capped by what is left of a time budget.
 */
export function estimateEta(a: {
  ranHere: number;
  elapsedMs: number;
  remaining?: number;
  timeLeftSeconds?: number;
}): number | undefined {
  const byTrials =
    a.remaining !== undefined && a.ranHere > 0 ? (a.remaining * a.elapsedMs) / a.ranHere / 1000 : undefined;
  if (a.timeLeftSeconds === undefined) return byTrials;
  return byTrials === undefined ? a.timeLeftSeconds : Math.min(byTrials, a.timeLeftSeconds);
}

/** `45s`, `4m05s`, `2h03m`, `1d04h`: rounded to whole seconds first, so never `4m60s`. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const pad = (n: number) => String(n).padStart(2, "0");
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${pad(s % 60)}s`;
  if (s < 86400) return `${Math.floor(s / 3600)}h${pad(Math.floor(s / 60) % 60)}m`;
  return `${Math.floor(s / 86400)}d${pad(Math.floor(s / 3600) % 24)}h`;
}

/** Milliseconds during which the study had a trial running (overlaps counted once, gaps between runs not). */
export function busyMs(
  trials: readonly Pick<TrialRecord, "startedAt" | "finishedAt" | "heartbeat">[],
): number {
  const spans = trials
    .map((t) => [t.startedAt, Math.max(t.startedAt, t.finishedAt ?? t.heartbeat)] as const)
    .sort((a, b) => a[0] - b[0]);
  let total = 0;
  let from = -Infinity;
  let to = -Infinity;
  for (const [a, b] of spans) {
    if (a > to) {
      if (to > from) total += to - from;
      from = a;
      to = b;
    } else to = Math.max(to, b);
  }
  if (to > from) total += to - from;
  return total;
}

/** A failed trial's error as one line: its first line, shortened to `max` characters. */
export function failureReason(error: string | undefined, max = 160): string {
  const line =
    (error ?? "")
      .split("\n")
      .map((l) => l.trim())
      .find((l) => l !== "") ?? "failed";
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** Each multi-fidelity trial's rung: 0 for a new configuration, one above the trial it continues. */
export function trialRungs(trials: readonly TrialRecord[]): Map<number, number> {
  const rungs = new Map<number, number>();
  for (const t of [...trials].sort((a, b) => a.number - b.number)) {
    if (!t.fidelity) continue;
    const parent = t.fidelity.resumedFrom;
    rungs.set(t.number, parent === undefined ? 0 : (rungs.get(parent) ?? 0) + 1);
  }
  return rungs;
}

/**
 * `rung 2, 9 epochs, continues trial 4` for a multi-fidelity trial, `member 3, round 2, 6 epochs,
 * continues trial 4` for a pbt member's round, "" otherwise.
 */
export function fidelityText(t: Pick<TrialRecord, "fidelity">, rung: number | undefined): string {
  if (!t.fidelity) return "";
  const { resumedFrom: parent, member, round } = t.fidelity;
  return [
    ...(member !== undefined ? [`member ${member}`, `round ${round ?? rung}`] : []),
    ...(member === undefined && rung !== undefined ? [`rung ${rung}`] : []),
    `${t.fidelity.resource} epochs`,
    ...(parent !== undefined ? [`continues trial ${parent}`] : []),
  ].join(", ");
}

/** Trials per state, as one phrase. */
export function summaryCounts(trials: readonly TrialRecord[]): string {
  const count = (s: TrialRecord["state"]) => trials.filter((t) => t.state === s).length;
  return `${trials.length} trials: ${count("complete")} complete, ${count("pruned")} pruned, ${count("failed")} failed, ${count("running")} running`;
}

/**
 * A table of trials with one column per objective and per parameter; multi-fidelity trials add their
 * rung, epochs and the trial they continue, so one configuration at three rungs reads as three rows.
 */
export function trialTable(
  trials: readonly TrialRecord[],
  plan: Plan,
  withError = false,
  rungs: ReadonlyMap<number, number> = trialRungs(trials),
): string {
  const params = plan.space.map((p) => p.name);
  const fidelity = trials.some((t) => t.fidelity);
  // Population-based training: a trial is one member's round (its rung is its round).
  const members = trials.some((t) => t.fidelity?.member !== undefined);
  const head = [
    "trial",
    "state",
    ...(members ? ["member"] : []),
    ...(fidelity ? [members ? "round" : "rung", "epochs", "from"] : []),
    ...plan.objectives.map((o) => o.metric),
    ...params,
    ...(withError ? ["error"] : []),
  ];
  const table = new Table({ head, style: { head: [], border: [] } });
  for (const t of trials)
    table.push([
      String(t.number),
      t.state,
      ...(members ? [String(t.fidelity?.member ?? "")] : []),
      ...(fidelity
        ? [
            String(rungs.get(t.number) ?? ""),
            String(t.fidelity?.resource ?? ""),
            String(t.fidelity?.resumedFrom ?? ""),
          ]
        : []),
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

/** One plain line per finished trial (no TTY); `rung` for a multi-fidelity trial. */
export function trialLine(t: TrialRecord, objectives: readonly ObjectiveSpec[], rung?: number): string {
  const params = Object.entries(t.params)
    .map(([k, v]) => `${k}=${typeof v === "number" ? formatNumber(v) : String(v)}`)
    .join(" ");
  const seconds = t.finishedAt !== undefined ? ` ${((t.finishedAt - t.startedAt) / 1000).toFixed(2)}s` : "";
  const what =
    t.state === "complete"
      ? valuesText(t, objectives)
      : t.state === "failed"
        ? `(${failureReason(t.error)})`
        : "";
  const fidelity = fidelityText(t, rung);
  return `trial ${t.number}${fidelity ? ` (${fidelity})` : ""} ${t.state}${what ? ` ${what}` : ""}${seconds} | ${params}`;
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
    case "trial-report":
      return { event: "trial_report", number: e.trial, step: e.step, value: e.value };
  }
}
