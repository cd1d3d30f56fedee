import { test } from "uvu";
import * as assert from "uvu/assert";
import { compileSource, formatSource } from "../../../src/lang/index.js";
import { resolve } from "../../../src/plan/resolve.js";
import { check, expectClean, expectDiagnostic } from "../helpers.js";

/** A trainer spec whose space and layers are spliced in (mnist: no data file is read by the checker). */
const trainer = (space: string, layers: string, objective = "objective minimize val_loss") =>
  [
    "study t",
    "data mnist()",
    "space {",
    "  lr = loguniform(1e-4, 1e-1)",
    space,
    "}",
    "model {",
    layers,
    "}",
    "train {",
    "  optimizer = adam(lr = lr)",
    "}",
    objective,
    "budget { trials = 3 }",
  ].join("\n");

const FAMILY = "  n = int(1, 3)\n  units[n] = choice(8, 16, 32)";

test("units[i] inside repeat over the count, and guarded constant indices, are proven present", () => {
  expectClean(check(trainer(FAMILY, "  repeat n {\n    dense(units = units[i])\n  }")));
  expectClean(check(trainer(FAMILY, "  repeat n - 1 {\n    dense(units = units[i + 1])\n  }")));
  expectClean(check(trainer(FAMILY, "  dense(units = units[0])")));
  expectClean(check(trainer(FAMILY, "  dense(units = if n > 2 then units[2] else 4)")));
  expectClean(check(trainer(FAMILY, "  dense(units = units[2]) when n == 3")));
  // The count may be a choice of integers or a constant.
  expectClean(
    check(
      trainer("  n = choice(2, 4)\n  w[n] = choice(8, 16)", "  repeat n {\n    dense(units = w[i])\n  }"),
    ),
  );
  expectClean(check(trainer("  w[2] = choice(8, 16)", "  dense(units = w[1])")));
});

test("constant arguments inside repeat are still value-checked (the loop bound i < count is no guard on them)", () => {
  const ds = check(trainer(FAMILY, '  repeat n {\n    dense(units = units[i], activation = "rleu")\n  }'));
  expectDiagnostic(ds, "E046", 10, 42);
});

test("an index that may name an absent member is rejected with the configuration that shows it", () => {
  const wrongLoop = check(
    trainer(`${FAMILY}\n  depth = int(1, 3)`, "  repeat depth {\n    dense(units = units[i])\n  }"),
  );
  expectDiagnostic(wrongLoop, "E056", 11, 19);
  const d = wrongLoop.find((x) => x.code === "E056")!;
  assert.match(d.notes![0]!, /n = 1, depth = 2, i = 1/);
  assert.match(d.hint!, /repeat n \{ … \}/);
  expectDiagnostic(
    check(trainer(FAMILY, "  repeat n {\n    dense(units = units[i + 1])\n  }")),
    "E056",
    10,
    19,
  );
  expectDiagnostic(
    check(trainer(FAMILY, "  dense(units = units[3])")),
    "E056",
    9,
    17,
    /units\[0\] … units\[2\]/,
  );
  expectDiagnostic(
    check(trainer(FAMILY, "  dense(units = units[2])")),
    "E050",
    9,
    17,
    /exists only when n > 2/,
  );
});

test("a family's own condition applies to each member; its count is checked", () => {
  const gated = `  n = int(1, 3)\n  wide = choice(true, false)\n  units[n] = choice(8, 16) when wide`;
  expectDiagnostic(check(trainer(gated, "  repeat n {\n    dense(units = units[i])\n  }")), "E056", 11, 19);
  expectClean(check(trainer(gated, "  repeat n {\n    dense(units = units[i]) when wide\n  }")));
  expectDiagnostic(check(trainer("  units[m] = choice(8, 16)", "  dense(units = 8)")), "E020", 5, 9);
  expectDiagnostic(
    check(trainer("  units[n] = choice(8, 16)\n  n = int(1, 2)", "  dense(units = 8)")),
    "E022",
    5,
    9,
  );
  expectDiagnostic(
    check(trainer("  n = choice(1.5, 2)\n  units[n] = choice(8, 16)", "  dense(units = 8)")),
    "E055",
    6,
    9,
  );
  expectDiagnostic(check(trainer("  units[100] = choice(8, 16)", "  dense(units = 8)")), "E055", 5, 9);
});

test("members compile to conditional parameters; resolve unrolls the repeat with each member", () => {
  const src = trainer(FAMILY, "  repeat n {\n    dense(units = units[i])\n  }");
  const { plan, diagnostics } = compileSource(src, "/tmp/f.hpo");
  assert.ok(plan, diagnostics.map((x) => x.message).join("\n"));
  const members = plan!.space.filter((p) => p.family);
  assert.equal(
    members.map((p) => [p.name, p.family, p.condition ? "conditional" : "always"]),
    [
      ["units[0]", { name: "units", index: 0 }, "always"],
      ["units[1]", { name: "units", index: 1 }, "conditional"],
      ["units[2]", { name: "units", index: 2 }, "conditional"],
    ],
  );
  const r = resolve(plan!, { lr: 0.01, n: 2, "units[0]": 32, "units[1]": 8 });
  assert.ok(r.kind === "trainer" && r.model.kind === "layers");
  if (r.kind === "trainer" && r.model.kind === "layers")
    assert.equal(
      r.model.layers.map((l) => l.args.units),
      [32, 8],
    );
});

test("fmt keeps families and objective expressions", () => {
  const src = trainer(
    "  n = int(1, 3)\n  units[ n ] = choice(8,16)",
    "  repeat n {\n    dense(units = units[ i ])\n  }",
    "objective minimize val_loss+0.1*log10( params )",
  );
  const out = formatSource(src, "f.hpo").text!;
  assert.match(out, /\n {2}units\[n\] = choice\(8, 16\)\n/);
  assert.match(out, /dense\(units = units\[i\]\)/);
  assert.match(out, /\nobjective minimize val_loss \+ 0\.1 \* log10\(params\)\n/);
});

test("objective expressions: metrics only, numbers only, and the Plan keeps the expression", () => {
  expectDiagnostic(
    check(trainer("", "  dense(units = 8)", "objective minimize val_los + 0.1 * params")),
    "E070",
    13,
    20,
    /did you mean `val_loss`/,
  );
  expectDiagnostic(
    check(trainer("", "  dense(units = 8)", "objective minimize val_loss * foo(params)")),
    "E023",
    13,
    31,
  );
  expectDiagnostic(
    check(trainer("", "  dense(units = 8)", 'objective minimize val_loss + "a"')),
    "E076",
    13,
    31,
  );
  expectDiagnostic(
    check(trainer("", "  dense(units = 8)", "objective maximize test_accuracy - 0.1 * val_loss")),
    "W009",
    13,
    20,
  );
  const { plan } = compileSource(
    trainer(
      "",
      "  dense(units = 8)",
      "objectives {\n  minimize val_error + 0.01 * train_seconds\n  minimize params\n}",
    ) + "\nstrategy nsga2()",
    "/tmp/g.hpo",
  );
  assert.ok(plan);
  assert.equal(
    plan!.objectives.map((o) => [o.metric, o.expr ? "expr" : "metric"]),
    [
      ["val_error + 0.01 * train_seconds", "expr"],
      ["params", "metric"],
    ],
  );
});

test.run();
