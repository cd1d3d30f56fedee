import { test } from "uvu";
import * as assert from "uvu/assert";
import type { Plan } from "../../src/plan/types.js";
import { studyDataFrom } from "../../src/report/convert.js";
import { bestTrial } from "../../src/report/data.js";
import { smallStudy } from "./fixtures.js";

const plan: Plan = {
  version: 1,
  study: "conv",
  seed: 42,
  source: { file: "/tmp/conv.hpo", sha256: "0" },
  space: smallStudy().space!,
  constraints: [],
  trial: { kind: "evaluate", builtin: { name: "branin", args: {} } },
  objectives: [{ metric: "loss", direction: "maximize" }],
  strategy: { name: "tpe", options: {} },
  validation: { kind: "holdout", options: {} },
  budget: { trials: 10, parallel: 1 },
  storage: "memory:",
};

test("a stored study becomes StudyData: objectives, space, seed, strategy and trials in number order", () => {
  const data = studyDataFrom({ name: "conv", plan }, [
    {
      number: 1,
      state: "complete",
      params: { lr: 0.1 },
      values: [2],
      intermediate: [],
      startedAt: 10,
      finishedAt: 20,
    },
    {
      number: 0,
      state: "failed",
      params: { lr: 0.2 },
      intermediate: [
        { step: 2, value: 1 },
        { step: 1, value: 3 },
      ],
      error: "boom",
      startedAt: 5,
      finishedAt: 6,
    },
  ]);
  assert.is(data.name, "conv");
  assert.equal(data.objectives, [{ metric: "loss", direction: "maximize" }]);
  assert.is(data.seed, 42);
  assert.is(data.strategy, "tpe");
  assert.is(data.space?.length, 3);
  assert.equal(
    data.trials.map((t) => t.number),
    [0, 1],
  );
  assert.equal(
    data.trials[0].intermediate.map((s) => s.step),
    [1, 2],
  );
  assert.is(data.trials[0].error, "boom");
  assert.is(bestTrial(data)?.number, 1);
  assert.is(data.specText, undefined);
});

test("the spec's text and file are kept when given", () => {
  const data = studyDataFrom({ name: "conv", plan }, [], { text: "study conv", file: "conv.hpo" });
  assert.is(data.specText, "study conv");
  assert.is(data.specFile, "conv.hpo");
});

test.run();
