import { test } from "uvu";
import * as assert from "uvu/assert";
import { applyTargetScaler, fitTargetScaler, unscaleRegressionMetrics } from "../../src/data/normalize.js";
import type { Dataset } from "../../src/data/types.js";

const houses = (y: number[]): Dataset => ({
  task: "regression",
  n: y.length,
  inputShape: [1],
  x: new Float32Array(y.length),
  y: Float32Array.from(y),
  numClasses: 0,
});

test("the target scaler is fitted on the given (training) split and standardizes targets", () => {
  const train = houses([100_000, 200_000, 300_000]);
  const s = fitTargetScaler(train);
  assert.is(s.mean, 200_000);
  assert.ok(Math.abs(s.std - Math.sqrt(2 / 3) * 100_000) < 1e-6);
  const scaled = applyTargetScaler(train, s);
  assert.ok(Math.abs(scaled.y[0]! + 1.2247449) < 1e-5 && Math.abs(scaled.y[1]!) < 1e-6);
  assert.is(train.y[0], 100_000, "the input is not modified");
  // Validation data is scaled with the training split's statistics, not its own.
  assert.ok(Math.abs(applyTargetScaler(houses([200_000]), s).y[0]!) < 1e-6);
  // A constant target stays centred instead of being divided by zero.
  assert.equal(fitTargetScaler(houses([5, 5])), { mean: 5, std: 1 });
});

test("metrics on standardized targets come back in the target's units", () => {
  const s = { mean: 200_000, std: 1_000 };
  assert.equal(unscaleRegressionMetrics({ loss: 0.25, mae: 0.4, rmse: 0.5 }, s, "mse"), {
    loss: 250_000, // an MSE scales with std²
    mae: 400,
    rmse: 500,
  });
  assert.equal(unscaleRegressionMetrics({ loss: 0.4, mae: 0.4 }, s, "mae"), { loss: 400, mae: 400 });
});

test.run();
