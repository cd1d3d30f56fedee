import { test } from "uvu";
import * as assert from "uvu/assert";
import { PassThrough } from "node:stream";
import { RunOutput, summaryCounts, trialLine } from "../../src/cli/run-output.js";
import type { TrialRecord } from "../../src/storage/types.js";
import { testPlan } from "../helpers/runtime-plans.js";

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

test.run();
