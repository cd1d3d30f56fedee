import { test } from "uvu";
import * as assert from "uvu/assert";
import * as hpo from "../src/index.js";

// The package's public face: the native engines are usable without going through a strategy.
test("exports the GP engine: fit-free posterior on two points interpolates them", async () => {
  const X = new Float64Array([0.1, 0.2, 0.8, 0.7]);
  const y = new Float64Array([1, -1]);
  const gp = await hpo.GaussianProcess.create({ X, y, n: 2, d: 2, device: "cpu" });
  await gp.setHyperparameters({ lengthscales: [0.3, 0.3], outputscale: 1, noise: 1e-6, mean: 0 });
  const { mean, variance } = await gp.predict(X);
  assert.ok(Math.abs(mean[0]! - 1) < 1e-3 && Math.abs(mean[1]! + 1) < 1e-3, `mean ${mean}`);
  assert.ok(variance[0]! < 1e-3 && variance[1]! < 1e-3, `variance ${variance}`);
  gp.dispose();
});

test("exports the population engine and NSGA-II ranking", () => {
  const { rank } = hpo.rankObjectives([
    [1, 2],
    [2, 1],
    [3, 3],
  ]);
  assert.equal(Array.from(rank), [0, 0, 1]);
  assert.is(typeof hpo.Population, "function");
});

test.run();
