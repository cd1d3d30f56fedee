import { test } from "uvu";
import * as assert from "uvu/assert";
import { compileSource } from "../../src/lang/index.js";
import { packageRoot } from "../../src/util/package.js";

const file = `${packageRoot()}/examples/spec.hpo`;
const source = (strategy: string) =>
  [
    "study t",
    'evaluate "./objective.mjs"',
    "space { lr = loguniform(1e-4, 1e-1) }",
    "objective minimize loss",
    strategy,
    "budget { trials = 10 }",
  ].join("\n");

test("multi-fidelity strategies take min and max epochs positionally, in that order", () => {
  for (const name of ["sha", "asha", "hyperband"]) {
    const { plan, diagnostics } = compileSource(source(`strategy ${name}(2, 18)`), file);
    assert.equal(diagnostics, []);
    assert.is(plan?.strategy.options.min_epochs, 2, name);
    assert.is(plan?.strategy.options.max_epochs, 18, name);
    assert.is(plan?.strategy.options.eta, 3, name);
  }
});

test("a named option overrides nothing positional and defaults fill the rest", () => {
  const { plan } = compileSource(source("strategy sha(1, eta = 2)"), file);
  assert.equal(plan?.strategy.options, { min_epochs: 1, max_epochs: 27, eta: 2 });
});

test("an option above its catalogue maximum is rejected by check (no hang at run time)", () => {
  const { plan, diagnostics } = compileSource(source("strategy tpe(candidates = 1e12)"), file);
  assert.is(plan, undefined);
  assert.equal(
    diagnostics.map((d) => [d.code, d.message]),
    [["E084", "`tpe` option `candidates` must be in [0, 10000], got 1e12"]],
  );
});

test.run();
