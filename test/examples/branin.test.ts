import { test } from "uvu";
import { assertCompleteAndFinite, runExample } from "../helpers/examples.js";

// A test-function example with a 3-trial budget.
test("branin.hpo runs (smaller budget and data)", async () => {
  const { result } = await runExample("branin.hpo", { trials: 3 });
  assertCompleteAndFinite(result, 3);
});

test.run();
