import { test } from "uvu";
import { assertCompleteAndFinite, runExample } from "../helpers/examples.js";

// The CIFAR-10 CNN on the bundled synthetic batches: 2 trials, 40 images, 1 epoch, and
// narrower models than the full search (the choices below) so it fits a test on two CPU cores.
test("cifar10-cnn.hpo runs (smaller budget and data)", async () => {
  const { result } = await runExample("cifar10-cnn.hpo", {
    trials: 2,
    limit: 40,
    epochs: 1,
    replace: [
      ["blocks = choice(3, 5, 8)", "blocks = choice(2, 3)"],
      ["filters = choice(32, 64, 128)", "filters = choice(4, 8)"],
    ],
  });
  assertCompleteAndFinite(result, 2);
});

test.run();
