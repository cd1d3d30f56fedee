import { test } from "uvu";
import * as assert from "uvu/assert";
import { fixture } from "../helpers/runtime-deps.js";
import { hpo, storedTrials, writePlan } from "../helpers/runtime-cli.js";
import { report } from "./summary.js";

// Trials 1-6 of the fixture throw, return NaN, exit, loop forever, allocate one huge array and grow
// the heap: each must fail alone, with its reason, and the study must reach its budget.
test("faulty objectives (throw, NaN, process.exit, endless loop, heap hogs) fail only their own trial", async () => {
  const { spec, db } = writePlan({
    trial: { kind: "evaluate", module: fixture("../faults/faulty.mjs") },
    budget: { trials: 9, parallel: 2, trialTimeoutSeconds: 15 },
  });
  const r = hpo("run", spec, "--trial-memory", "64");
  assert.is(r.status, 0, r.stderr);
  assert.not.match(r.stderr, /FATAL ERROR|\n\s+at /, "no V8 dump or stack reaches the user");
  const trials = await storedTrials(db);
  assert.is(trials.length, 9);
  const failed = trials.filter((t) => t.state === "failed").map((t) => t.number);
  assert.equal(failed, [1, 2, 3, 4, 5, 6]);
  assert.match(trials[4]!.error ?? "", /timed out/);
  assert.match(trials[5]!.error ?? "", /ran out of memory/);
  assert.match(trials[6]!.error ?? "", /ran out of memory/);
  // The reason is shown live too, not only stored.
  assert.match(r.stdout + r.stderr, /ran out of memory/);
  report({ trials: trials.length, crashes: 0 });
});

test.run();
