import { test } from "uvu";
import * as assert from "uvu/assert";
import { assertCompleteAndFinite, runExample } from "../helpers/examples.js";

// The family and objective-expression example: 6 trials on 200 rows, 3 epochs. Each trial has one
// width per layer it has (`units[0]` … `units[num_layers-1]`, no others), the network has exactly
// those hidden layers (its parameter count says so), and the stored goal is the expression computed
// over the trial's own metrics.
test("houses-layer-widths.hpo: one width per layer, and the goal is the expression over the metrics", async () => {
  const { plan, result } = await runExample("houses-layer-widths.hpo", { trials: 6, limit: 200, epochs: 3 });
  assertCompleteAndFinite(result, 6);
  assert.equal(
    plan.space.filter((p) => p.family).map((p) => p.name),
    ["units[0]", "units[1]", "units[2]", "units[3]"],
  );
  const inputWidths = new Set<number>();
  for (const t of result.trials) {
    const n = t.params.num_layers as number;
    const widths = Object.keys(t.params).filter((k) => k.startsWith("units["));
    assert.equal(
      widths,
      Array.from({ length: n }, (_, j) => `units[${j}]`),
      `trial ${t.number}`,
    );
    const m = t.attributes.metrics as Record<string, number>;
    assert.ok(Math.abs(t.values![0]! - (m.val_rmse! + 2000 * Math.log10(m.params!))) < 1e-6 * t.values![0]!);
    // A dense stack in → units[0] → … → units[n-1] → 1 output: its trainable parameter count.
    const sizes = widths.map((k) => t.params[k] as number);
    let inputs = -1;
    for (let d = 1; d < 64 && inputs < 0; d++) {
      let count = 0;
      let prev = d;
      for (const u of [...sizes, 1]) {
        count += prev * u + u;
        prev = u;
      }
      if (count === m.params) inputs = d;
    }
    assert.ok(inputs > 0, `trial ${t.number}: ${m.params} parameters fit no dense stack of widths ${sizes}`);
    inputWidths.add(inputs);
  }
  // The same features feed every trial's network.
  assert.is(inputWidths.size, 1, `input widths ${[...inputWidths]}`);
});

test.run();
