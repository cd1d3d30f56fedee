import { test } from "uvu";
import * as assert from "uvu/assert";
import { fidelityHorizon, goalValue, judgeTrial, objectiveValues } from "../../src/plan/trial.js";
import type { ObjectiveSpec } from "../../src/plan/types.js";

test("a number is the value of a single objective", () => {
  assert.equal(objectiveValues(0.5, ["value"]), { values: [0.5], metrics: { value: 0.5 } });
});

test("an object gives one value per objective, in Plan order, keeping every metric", () => {
  assert.equal(objectiveValues({ f2: 2, f1: 1, note: "x" }, ["f1", "f2"]), {
    values: [1, 2],
    metrics: { f2: 2, f1: 1 },
  });
});

test("non-finite values, bare numbers for several objectives and junk are errors", () => {
  assert.equal(objectiveValues(Number.POSITIVE_INFINITY, ["v"]), {
    error: "the objective returned Infinity",
  });
  assert.match((objectiveValues(1, ["a", "b"]) as { error: string }).error, /one number but the study has 2/);
  assert.match((objectiveValues(undefined, ["v"]) as { error: string }).error, /returned nothing/);
  assert.match((objectiveValues([1], ["v"]) as { error: string }).error, /returned an array/);
  assert.match((objectiveValues({ v: Number.NaN }, ["v"]) as { error: string }).error, /NaN for metric `v`/);
});

test("a returned result completes the trial with its values and metrics, unless it was pruned", () => {
  assert.equal(judgeTrial({ kind: "returned", value: { a: 1, b: 2 }, pruned: false }, ["b"]), {
    state: "complete",
    values: [2],
    attributes: { metrics: { a: 1, b: 2 } },
  });
  assert.equal(judgeTrial({ kind: "returned", value: 3, pruned: true }, ["v"]), { state: "pruned" });
  assert.equal(judgeTrial({ kind: "returned", value: Number.NaN, pruned: false }, ["v"]), {
    state: "failed",
    error: "the objective returned NaN",
  });
});

test("a throw fails the trial with its message, or prunes it when the pruner had asked", () => {
  assert.equal(judgeTrial({ kind: "threw", message: "boom", pruned: false }, ["v"]), {
    state: "failed",
    error: "boom",
  });
  assert.equal(judgeTrial({ kind: "threw", message: "stop", pruned: true }, ["v"]), { state: "pruned" });
});

test("timeouts, crashes and load errors fail; a stopped trial is failed and marked abandoned", () => {
  assert.equal(judgeTrial({ kind: "timeout", seconds: 2 }, ["v"]), {
    state: "failed",
    error: "timed out after 2 s",
  });
  assert.equal(judgeTrial({ kind: "crashed", message: "worker exited" }, ["v"]).error, "worker exited");
  assert.equal(judgeTrial({ kind: "load-error", message: "no module" }, ["v"]).state, "failed");
  assert.equal(judgeTrial({ kind: "stopped" }, ["v"]), {
    state: "failed",
    error: "interrupted: the study was stopped",
    attributes: { abandoned: true },
  });
});

test("a declared state is kept, with its reason when one is given", () => {
  assert.equal(judgeTrial({ kind: "declared", state: "pruned" }, ["v"]), { state: "pruned" });
  assert.equal(judgeTrial({ kind: "declared", state: "failed", error: "diverged" }, ["v"]), {
    state: "failed",
    error: "diverged",
  });
});

const penalised: ObjectiveSpec = {
  metric: "val_loss + 0.5 * log10(params)",
  direction: "minimize",
  expr: {
    op: "+",
    args: [
      { op: "param", name: "val_loss" },
      {
        op: "*",
        args: [
          { op: "lit", value: 0.5 },
          { op: "call", name: "log10", args: [{ op: "param", name: "params" }] },
        ],
      },
    ],
  },
};

test("an objective expression is computed over the returned metrics", () => {
  assert.equal(objectiveValues({ val_loss: 1, params: 100, other: 3 }, [penalised]), {
    values: [2],
    metrics: { val_loss: 1, params: 100, other: 3 },
  });
  assert.equal(objectiveValues({ val_loss: 1 }, [penalised]), {
    error: "the objective returned no number for metric `val_loss + 0.5 * log10(params)`",
  });
  assert.equal(objectiveValues(1, [penalised]), {
    error:
      "the objective returned one number, but the goal `val_loss + 0.5 * log10(params)` needs its metrics",
  });
  assert.equal(objectiveValues({ val_loss: 1, params: -1 }, [penalised]), {
    error: "the objective returned NaN for metric `val_loss + 0.5 * log10(params)`",
  });
});

test("per step, a goal is a value only where all its inputs are reported", () => {
  assert.is(goalValue(penalised, { val_loss: 0.5, params: 10 }), 1);
  assert.is(goalValue(penalised, { val_loss: 0.5 }), undefined);
  assert.is(goalValue("loss", { loss: 2 }), 2);
  assert.is(goalValue({ metric: "loss", direction: "minimize" }, {}), undefined);
});

test.run();

test("a multi-fidelity schedule spans the strategy's max_epochs, never less than the rung", () => {
  assert.is(fidelityHorizon({ name: "sha", options: { min_epochs: 1, max_epochs: 27, eta: 3 } }, 3), 27);
  assert.is(fidelityHorizon({ name: "pbt", options: { max_epochs: 20 } }, 24), 24);
  // a strategy without max_epochs: the rung's own epochs
  assert.is(fidelityHorizon({ name: "random", options: {} }, 5), 5);
});
