import { test } from "uvu";
import * as assert from "uvu/assert";
import { ExprError } from "../../src/plan/expr.js";
import { resolve } from "../../src/plan/resolve.js";
import type { Plan } from "../../src/plan/types.js";
import { compileSource } from "../../src/lang/index.js";

function plan(src: string): Plan {
  const r = compileSource(src, "/tmp/spec.hpo");
  assert.equal(
    r.diagnostics.filter((d) => d.severity === "error").map((d) => d.message),
    [],
  );
  return r.plan!;
}

const cnn = [
  "study t",
  "data mnist()",
  "space {",
  "  blocks = choice(1, 3)",
  '  opt = choice("adam", "sgd")',
  '  mom = uniform(0.5, 0.9) when opt == "sgd"',
  "  drop = choice(true, false)",
  "}",
  "model {",
  "  repeat blocks {",
  '    conv2d(filters = 8 * 2 ** i, kernel = 3, padding = "same")',
  "  }",
  "  dropout(rate = 0.5) when drop",
  "  flatten()",
  "}",
  "train {",
  '  optimizer = if opt == "sgd" then sgd(lr = 0.1, momentum = mom) else adam(lr = 0.001)',
  "  epochs = blocks + 1",
  "}",
  "objective minimize val_loss",
  "budget { trials = 3 }",
].join("\n");

test("repeats are unrolled with the loop variable bound to 0…n-1", () => {
  const r = resolve(plan(cnn), { blocks: 3, opt: "adam", drop: false });
  assert.is(r.kind, "trainer");
  if (r.kind !== "trainer" || r.model.kind !== "layers") throw new Error("unexpected");
  assert.equal(
    r.model.layers.map((l) => [l.name, l.args.filters]),
    [
      ["conv2d", 8],
      ["conv2d", 16],
      ["conv2d", 32],
      ["flatten", undefined],
    ],
  );
  assert.is(r.model.autoOutput, true);
});

test("a layer whose condition is false is dropped, and kept when true", () => {
  const p = plan(cnn);
  const on = resolve(p, { blocks: 1, opt: "adam", drop: true });
  if (on.kind !== "trainer" || on.model.kind !== "layers") throw new Error("unexpected");
  assert.equal(
    on.model.layers.map((l) => l.name),
    ["conv2d", "dropout", "flatten"],
  );
});

test("expressions are evaluated and calls stay CallValues; the conditional branch picks the present parameter", () => {
  const p = plan(cnn);
  const sgd = resolve(p, { blocks: 1, opt: "sgd", mom: 0.7, drop: false });
  if (sgd.kind !== "trainer") throw new Error("unexpected");
  assert.equal(sgd.train.optimizer, { call: "sgd", args: [], kwargs: { lr: 0.1, momentum: 0.7 } });
  assert.is(sgd.train.epochs, 2);
  const adam = resolve(p, { blocks: 3, opt: "adam", drop: false });
  if (adam.kind !== "trainer") throw new Error("unexpected");
  assert.equal(adam.train.optimizer, { call: "adam", args: [], kwargs: { lr: 0.001 } });
  assert.is(adam.train.epochs, 4);
});

test("an absent parameter read without its guard is an ExprError, not a crash", () => {
  const p = plan(cnn);
  assert.throws(
    () => resolve(p, { blocks: 1, opt: "sgd", drop: false }),
    (e: unknown) => e instanceof ExprError,
  );
});

test("a built-in test function resolves its arguments", () => {
  const p = plan(
    "study t\nevaluate rosenbrock(dim = 2)\nspace {\n  x1 = uniform(-2, 2)\n  x2 = uniform(-2, 2)\n}\nobjective minimize value\nbudget { trials = 3 }",
  );
  assert.equal(resolve(p, { x1: 0, x2: 1 }), {
    kind: "evaluate",
    builtin: { name: "rosenbrock", args: { dim: 2 } },
  });
});

test.run();
