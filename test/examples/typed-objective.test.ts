import { test } from "uvu";
import * as assert from "uvu/assert";
import { assertCompleteAndFinite, runExample } from "../helpers/examples.js";

// The typed TypeScript module: it reads the family `rate` as an array (a trial fails if it is not),
// `tilt` only when shape is "ridge", and its goal `loss + 0.1 * steps` is computed over what it returns.
test("typed-objective.hpo: the module gets the family as an array and the goal is the expression", async () => {
  const { result } = await runExample("typed-objective.hpo", { trials: 6 });
  assertCompleteAndFinite(result, 6);
  for (const t of result.trials) {
    const m = t.attributes.metrics as Record<string, number>;
    assert.is(m.stages, t.params.stages, "the module saw the count");
    assert.ok(Math.abs(t.values![0]! - (m.loss! + 0.1 * m.steps!)) < 1e-9);
    assert.is(Object.hasOwn(t.params, "tilt"), t.params.shape === "ridge");
  }
});

test.run();
