import { test } from "uvu";
import { assertCompleteAndFinite, runExample } from "../helpers/examples.js";

// NSGA-II on validation error and model size: 2 trials, 200 images, 1 epoch, and
// narrower models than the full search (the choices below) so it fits a test on two CPU cores.
test("pareto-nsga2.hpo runs (smaller budget and data)", async () => {
  const { result } = await runExample("pareto-nsga2.hpo", {
    trials: 2,
    limit: 200,
    epochs: 1,
    replace: [["units = choice(32, 64, 128, 256, 512)", "units = choice(8, 16)"]],
  });
  assertCompleteAndFinite(result, 2);
});

test.run();
