import { test } from "uvu";
import { assertCompleteAndFinite, runExample } from "../helpers/examples.js";

// The char-level LSTM on the bundled tiny-Shakespeare excerpt: 2 trials, 200 sequences, 1 epoch, and
// narrower models than the full search (the choices below) so it fits a test on two CPU cores.
test("shakespeare-lstm.hpo runs (smaller budget and data)", async () => {
  const { result } = await runExample("shakespeare-lstm.hpo", {
    trials: 2,
    limit: 200,
    epochs: 1,
    replace: [
      ["layers = choice(1, 2, 3)", "layers = choice(1, 2)"],
      ["units = choice(64, 128, 256)", "units = choice(8, 16)"],
    ],
  });
  assertCompleteAndFinite(result, 2);
});

test.run();
