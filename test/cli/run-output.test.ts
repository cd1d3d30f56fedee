import { test } from "uvu";
import * as assert from "uvu/assert";
import { PassThrough } from "node:stream";
import {
  RunOutput,
  busyMs,
  epochsOf,
  estimateEta,
  failureReason,
  formatDuration,
  progressLine,
  summaryCounts,
  trialLine,
  trialRungs,
  trialTable,
} from "../../src/cli/run-output.js";
import type { TrialRecord } from "../../src/storage/types.js";
import { testPlan } from "../helpers/runtime-plans.js";
import { hpo, writePlan } from "../helpers/runtime-cli.js";
import { fixture } from "../helpers/runtime-deps.js";

function trial(number: number, state: TrialRecord["state"], value?: number, error?: string): TrialRecord {
  const t: TrialRecord = {
    id: number + 1,
    studyId: 1,
    number,
    state,
    params: { x1: 0.5, x2: 2 },
    intermediate: [],
    attributes: {},
    startedAt: 1000,
    finishedAt: 1250,
    heartbeat: 1000,
  };
  if (value !== undefined) t.values = [value];
  if (error !== undefined) t.error = error;
  return t;
}

function capture(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  let text = "";
  stream.on("data", (d) => (text += d));
  return { stream, text: () => text };
}

test("a plain line per trial names its state, value or error, time and parameters", () => {
  const objectives = testPlan().objectives;
  assert.is(
    trialLine(trial(3, "complete", 0.125), objectives),
    "trial 3 complete value=0.125 0.25s | x1=0.5 x2=2",
  );
  assert.is(
    trialLine(trial(4, "failed", undefined, "boom"), objectives),
    "trial 4 failed (boom) 0.25s | x1=0.5 x2=2",
  );
  assert.is(trialLine(trial(5, "pruned"), objectives), "trial 5 pruned 0.25s | x1=0.5 x2=2");
});

test("the summary says why the study ended, counts states and shows the best trials first", () => {
  const out = capture();
  const output = new RunOutput("lines", testPlan(), out.stream, capture().stream);
  const trials = [
    trial(0, "complete", 2),
    trial(1, "complete", 1),
    trial(2, "failed", undefined, "x"),
    trial(3, "pruned"),
  ];
  output.summary("trials", trials);
  const text = out.text();
  assert.match(
    text,
    /test_study: the trial budget is spent; 4 trials: 2 complete, 1 pruned, 1 failed, 0 running/,
  );
  assert.ok(text.indexOf("│ 1     │ complete │ 1") < text.indexOf("│ 0     │ complete │ 2"));
  assert.match(text, /best parameters \(trial 1\):/);
  assert.is(summaryCounts([]), "0 trials: 0 complete, 0 pruned, 0 failed, 0 running");
});

test("json mode writes one parseable event per line", () => {
  const out = capture();
  const output = new RunOutput("json", testPlan(), out.stream, capture().stream);
  output.event({ type: "trial-end", trial: trial(0, "complete", 3) });
  output.event({ type: "end", reason: "time" });
  const events = out
    .text()
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l));
  assert.is(events[0].event, "trial_end");
  assert.equal(events[0].values, { value: 3 });
  assert.equal(events[1], { event: "end", reason: "time" });
});

test("a multi-objective summary shows the Pareto front", () => {
  const out = capture();
  const plan = testPlan({
    objectives: [
      { metric: "f1", direction: "minimize" },
      { metric: "f2", direction: "minimize" },
    ],
  });
  const a = { ...trial(0, "complete"), values: [1, 3] };
  const b = { ...trial(1, "complete"), values: [2, 2] };
  const dominated = { ...trial(2, "complete"), values: [3, 3] };
  new RunOutput("lines", plan, out.stream, capture().stream).summary("trials", [a, b, dominated]);
  assert.match(out.text(), /Pareto front:/);
  assert.match(out.text(), /│ 1 {5}│ complete │/);
  assert.not.match(out.text(), /│ 2 {5}│ complete │/);
});

test("durations round to whole seconds before they are split, so never 4m60s", () => {
  assert.is(formatDuration(0), "0s");
  assert.is(formatDuration(59.4), "59s");
  assert.is(formatDuration(59.6), "1m00s");
  assert.is(formatDuration(299.7), "5m00s");
  assert.is(formatDuration(245), "4m05s");
  assert.is(formatDuration(3599.9), "1h00m");
  assert.is(formatDuration(7385), "2h03m");
  assert.is(formatDuration(90000), "1d01h");
  assert.is(formatDuration(-3), "0s");
});

test("the ETA is unknown until a trial of this run ended, then the pace times what is left", () => {
  assert.is(estimateEta({ ranHere: 0, elapsedMs: 5000, remaining: 10 }), undefined);
  assert.is(estimateEta({ ranHere: 2, elapsedMs: 4000, remaining: 10 }), 20);
  assert.is(estimateEta({ ranHere: 0, elapsedMs: 0 }), undefined);
  // A time budget is known from the start and caps the estimate.
  assert.is(estimateEta({ ranHere: 0, elapsedMs: 1000, remaining: 10, timeLeftSeconds: 50 }), 50);
  assert.is(estimateEta({ ranHere: 1, elapsedMs: 1000, remaining: 10, timeLeftSeconds: 5 }), 5);
});

test("elapsed time before a resume counts the time trials ran, overlaps once and gaps not at all", () => {
  const span = (startedAt: number, finishedAt?: number, heartbeat = startedAt) => ({
    startedAt,
    finishedAt,
    heartbeat,
  });
  assert.is(busyMs([]), 0);
  assert.is(busyMs([span(0, 1000), span(500, 1500), span(10_000, 10_250)]), 1750);
  // A trial left running by a dead process ran until its last heartbeat.
  assert.is(busyMs([span(0, undefined, 400)]), 400);
});

test("the progress line shows counts and best, and the ETA only once it is known", () => {
  const base = { done: 3, total: 10, running: 2, failed: 0, elapsedSeconds: 65 };
  assert.is(progressLine(base), "3/10 done | 2 running | best - | 1m05s");
  assert.is(
    progressLine({ ...base, failed: 1, best: 0.25, etaSeconds: 130, detail: "trial 4: epoch 2/9 acc=0.9" }),
    "3/10 done | 2 running | 1 failed | best 0.25 | 1m05s | ETA 2m10s | trial 4: epoch 2/9 acc=0.9",
  );
  const { total: _, ...open } = base;
  assert.is(progressLine(open), "3 done | 2 running | best - | 1m05s");
});

test("a failed trial's reason is one line, shortened", () => {
  assert.is(failureReason("boom\n    at f (x.js:1:1)"), "boom");
  assert.is(failureReason(undefined), "failed");
  assert.is(failureReason("x".repeat(200), 20), `${"x".repeat(19)}…`);
});

function fidelityTrial(number: number, resource: number, resumedFrom?: number): TrialRecord {
  return {
    ...trial(number, "complete", number),
    fidelity: resumedFrom === undefined ? { resource } : { resource, resumedFrom },
  };
}

test("multi-fidelity trials show their rung, epochs and the trial they continue", () => {
  const trials = [fidelityTrial(0, 1), fidelityTrial(1, 1), fidelityTrial(2, 3, 1), fidelityTrial(3, 9, 2)];
  const rungs = trialRungs(trials);
  assert.equal(
    [...rungs],
    [
      [0, 0],
      [1, 0],
      [2, 1],
      [3, 2],
    ],
  );
  assert.is(
    trialLine(trials[3]!, testPlan().objectives, 2),
    "trial 3 (rung 2, 9 epochs, continues trial 2) complete value=3 0.25s | x1=0.5 x2=2",
  );
  const table = trialTable(trials, testPlan());
  assert.match(table, /│ trial │ state {4}│ rung │ epochs │ from │ value/);
  assert.match(table, /│ 3 {5}│ complete │ 2 {4}│ 9 {6}│ 2 {4}│ 3/);
  assert.not.match(trialTable([trial(0, "complete", 1)], testPlan()), /rung/);
});

test("a pbt trial shows its member and round, and the table a member column", () => {
  const trials: TrialRecord[] = [
    { ...trial(0, "complete", 2), fidelity: { resource: 2, member: 0, round: 0 } },
    { ...trial(1, "complete", 1), fidelity: { resource: 2, member: 1, round: 0 } },
    { ...trial(2, "complete", 0.5), fidelity: { resource: 4, resumedFrom: 1, member: 0, round: 1 } },
  ];
  assert.is(
    trialLine(trials[2]!, testPlan().objectives, trialRungs(trials).get(2)),
    "trial 2 (member 0, round 1, 4 epochs, continues trial 1) complete value=0.5 0.25s | x1=0.5 x2=2",
  );
  const table = trialTable(trials, testPlan());
  assert.match(table, /│ trial │ state {4}│ member │ round │ epochs │ from │ value/);
  assert.match(table, /│ 2 {5}│ complete │ 0 {6}│ 1 {5}│ 4 {6}│ 1 {4}│ 0\.5/);
});

test("a trainer trial's epochs come from its fidelity or its plan's fixed epochs", () => {
  assert.is(epochsOf(testPlan(), { params: {}, fidelity: { resource: 9 } }), 9);
  assert.is(epochsOf(testPlan(), { params: {} }), undefined);
});

test("the lines mode writes trial lines on stdout and progress on stderr, with a failure's reason", () => {
  const out = capture();
  const err = capture();
  let now = 0;
  const output = new RunOutput("lines", testPlan(), out.stream, err.stream, () => now);
  const study = { id: 1, name: "test_study", plan: testPlan(), createdAt: 0 };
  output.event({
    type: "open",
    study,
    resumed: true,
    existing: 1,
    counted: 1,
    limit: 3,
    parallel: 1,
    trials: [{ ...trial(0, "complete", 2), startedAt: 0, finishedAt: 60_000 }],
  });
  output.event({ type: "trial-start", trial: trial(1, "running") });
  now = 10_000;
  output.event({
    type: "trial-end",
    trial: trial(1, "failed", undefined, "the wasm backend ran out of memory\n  hint: install tfjs-node"),
  });
  const lines = err.text().trim().split("\n");
  assert.is(lines[0], "resuming study test_study (1 trials stored) with random, 1 worker");
  // One minute before the resume plus ten seconds now; one trial left at ten seconds a trial.
  assert.is(lines[1], "2/3 done | 0 running | 1 failed | best 2 | 1m10s | ETA 10s");
  assert.is(out.text(), "trial 1 failed (the wasm backend ran out of memory) 0.25s | x1=0.5 x2=2\n");
});

test("a study run with a non-TTY output prints plain lines: trials on stdout, progress on stderr", () => {
  const { spec } = writePlan({
    trial: { kind: "evaluate", module: fixture("faulty.mjs") },
    budget: { trials: 3 },
  });
  const r = hpo("run", spec);
  assert.is(r.status, 0, r.stderr);
  const trials = r.stdout.split("\n").filter((l) => l.startsWith("trial "));
  assert.is(trials.length, 3);
  assert.match(
    trials.find((l) => l.startsWith("trial 1 "))!,
    /^trial 1 failed \([^\n]*deliberate failure[^\n]*\) /,
  );
  const progress = r.stderr.split("\n").filter((l) => / done \| /.test(l));
  assert.is(progress.length, 3);
  assert.match(progress[0]!, /^1\/3 done \| \d running \| best [\d.e-]+ \| \d+s \| ETA \d+s$/);
  assert.match(progress[2]!, /^3\/3 done \| 0 running \| 2 failed \| best [\d.e-]+ \| \d+s \| ETA 0s$/);
  // No bar, no cursor movement: nothing a log file would garble.
  assert.not.match(r.stderr + r.stdout, /\r|\u001b\[/);
});

test.run();
