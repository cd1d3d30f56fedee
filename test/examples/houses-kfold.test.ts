import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync } from "node:fs";
import { assertCompleteAndFinite, examplePath, runExample } from "../helpers/examples.js";

// The tabular search, scored by 5-fold cross-validation: 3 trials on 200 rows, 10 epochs. The price
// (dollars, ~1e5) is standardized for training, so SGD trains instead of diverging, and the metrics
// come back in dollars.
test("houses-kfold.hpo trains sensibly and reports its errors in dollars", async () => {
  const { result } = await runExample("houses-kfold.hpo", { trials: 3, limit: 200, epochs: 10 });
  assertCompleteAndFinite(result, 3);
  const prices = readFileSync(examplePath("data/houses.csv"), "utf8")
    .trim()
    .split("\n")
    .slice(1, 201)
    .map((line) => Number(line.split(",").at(-1)));
  assert.ok(prices.every(Number.isFinite), "price is the last column of houses.csv");
  const mean = prices.reduce((a, b) => a + b, 0) / prices.length;
  const std = Math.sqrt(prices.reduce((a, b) => a + (b - mean) ** 2, 0) / prices.length);
  for (const t of result.trials) {
    const m = t.attributes.metrics as Record<string, number>;
    // RMSE is the square root of the MSE loss: both are in the target's units (dollars, dollars²).
    assert.ok(Math.abs(Math.sqrt(m.val_loss!) - m.val_rmse!) / m.val_rmse! < 0.2);
  }
  // The best configuration predicts far better than the mean price would (RMSE = the std).
  const best = Math.min(
    ...result.trials.map((t) => (t.attributes.metrics as Record<string, number>).val_rmse!),
  );
  assert.ok(best < 0.5 * std, `best val_rmse ${best} vs price std ${std}`);
});

test.run();
