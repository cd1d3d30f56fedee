import { test } from "uvu";
import * as assert from "uvu/assert";
import { planDifferences } from "../../src/study/plan-diff.js";
import type { ParamSpec } from "../../src/plan/types.js";
import { floatParam, testPlan } from "../helpers/runtime-plans.js";

test("the same study with another budget, source file or storage, or stored with positions, has no differences", () => {
  const a = testPlan();
  const b = testPlan({
    budget: { trials: 500 },
    storage: "sqlite:/x.db",
    source: { file: "/elsewhere.hpo", sha256: "1".repeat(64) },
    space: [
      // Plans stored before the Plan dropped source positions still carry them.
      {
        ...floatParam("x1", -5, 10),
        pos: { line: 9, col: 9, endLine: 9, endCol: 12 },
      } as unknown as ParamSpec,
      floatParam("x2", 0, 15),
    ],
  });
  assert.equal(planDifferences(a, b), []);
});

test("names each changed field by path, with parameters labelled by name", () => {
  const a = testPlan();
  const b = testPlan({
    strategy: { name: "tpe", options: { startup: 10 } },
    space: [floatParam("x1", -5, 10), floatParam("x2", 0, 15), floatParam("x3", 0, 1)],
  });
  assert.equal(planDifferences(a, b), [
    'space[2 x3]: (absent) → {"name":"x3","kind":"float","low":0,"high":1,"log":false}',
    'strategy.name: "random" → "tpe"',
    "strategy.options.startup: (absent) → 10",
  ]);
});

test.run();
