import { test } from "uvu";
import { assertCompleteAndFinite, runExample } from "../helpers/examples.js";

// The English→French Transformer on the bundled Tatoeba excerpt: 2 trials, 40 pairs, 1 epoch, and
// narrower models than the full search (the choices below) so it fits a test on two CPU cores.
test("translation-transformer.hpo runs (smaller budget and data)", async () => {
  const { result } = await runExample("translation-transformer.hpo", {
    trials: 2,
    limit: 40,
    epochs: 1,
    replace: [
      ["layers = choice(4, 6, 8)", "layers = choice(1, 2)"],
      ["heads = choice(8, 16, 32)", "heads = choice(2, 4)"],
      ["hidden = choice(256, 512, 1024)", "hidden = choice(16, 32)"],
    ],
  });
  assertCompleteAndFinite(result, 2);
});

test.run();
