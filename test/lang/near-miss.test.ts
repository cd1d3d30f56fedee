import { test } from "uvu";
import * as assert from "uvu/assert";
import { compileSource } from "../../src/lang/index.js";
import { check, expectClean, spec } from "./helpers.js";

// Near misses: inputs one step away from a diagnostic, which must be accepted without it.
const trainer = (space: string, model: string, train: string, extra = "") =>
  [
    "study t",
    "data mnist()",
    "space {",
    space,
    "}",
    `model ${model}`,
    "train {",
    train,
    "}",
    "objective minimize val_loss",
    "budget { trials = 10 }",
    extra,
  ].join("\n");

const cases: Record<string, string> = {
  "E050: the conditional parameter read under its own condition": trainer(
    '  lr = loguniform(1e-4, 1e-1)\n  opt = choice("adam", "sgd", "rmsprop")\n  mom = uniform(0.5, 0.99) when opt == "sgd"',
    "mlp(units = 32)",
    '  optimizer = if opt == "sgd" then sgd(lr = lr, momentum = mom) else adam(lr = lr)',
  ),
  "E050: a stronger guard (opt in [..] and …) also proves it": trainer(
    '  lr = loguniform(1e-4, 1e-1)\n  opt = choice("adam", "sgd", "rmsprop")\n  mom = uniform(0.5, 0.99) when opt in ["sgd", "rmsprop"]',
    "mlp(units = 32)",
    '  optimizer = if opt == "rmsprop" then rmsprop(lr = lr, momentum = mom) else adam(lr = lr)',
  ),
  "E050: a layer under the same `when` as its parameter": trainer(
    "  lr = loguniform(1e-4, 1e-1)\n  deep = choice(true, false)\n  width = choice(32, 64) when deep",
    "{\n  flatten()\n  dense(units = width) when deep\n}",
    "  optimizer = adam(lr = lr)",
  ),
  "E052: a satisfiable constraint": spec("  constraint x1 < x2"),
  "E064: transformer heads and width tied by a constraint": [
    "study t",
    'data pairs(path = ".", max_len = 10)',
    "space {",
    "  heads = choice(8, 12)",
    "  hidden = choice(256, 384)",
    "  constraint hidden % heads == 0",
    "}",
    "model transformer(layers = 2, heads = heads, d_model = hidden, d_ff = 4 * hidden)",
    "train {",
    "  optimizer = adam(lr = 0.001)",
    "}",
    "objective minimize val_loss",
    "budget { trials = 3 }",
  ].join("\n"),
  "E063: pooling every other block keeps the image above 1×1": trainer(
    "  lr = loguniform(1e-4, 1e-1)\n  blocks = choice(3, 8)",
    '{\n  repeat blocks {\n    conv2d(filters = 8, kernel = 3, padding = "same")\n    maxpool2d(pool = 2) when i % 2 == 1\n  }\n  flatten()\n}',
    "  optimizer = adam(lr = lr)",
  ),
  "E080: grid with points over a continuous space": spec("", "strategy grid(points = 5)", {
    budget: "budget { trials = 25 }",
  }),
  "E083: train.epochs equal to max_epochs": trainer(
    "  lr = loguniform(1e-4, 1e-1)",
    "mlp(units = 32)",
    "  optimizer = adam(lr = lr)\n  epochs = 27",
    "strategy hyperband(max_epochs = 27)",
  ),
  "E065: every x parameter declared": spec(""),
  "E036: an integer expression from a float parameter via round()": trainer(
    "  lr = loguniform(1e-4, 1e-1)\n  u = uniform(8, 64)",
    "{\n  flatten()\n  dense(units = round(u))\n}",
    "  optimizer = adam(lr = lr)",
  ),
  "E046: a dropout rate inside [0, 1] for every configuration": trainer(
    "  lr = loguniform(1e-4, 1e-1)\n  d = uniform(0.0, 0.9)",
    "{\n  flatten()\n  dropout(rate = d)\n}",
    "  optimizer = adam(lr = lr)",
  ),
  "E090: a time limit alone": spec("", "", { budget: "budget { time = 30m }" }),
  "E091: every storage kind": spec("", 'storage "postgresql://user@host/db"'),
};

for (const [name, src] of Object.entries(cases)) {
  test(name, () => {
    const ds = check(src);
    expectClean(ds);
    const code = name.slice(0, 4);
    assert.not.ok(
      ds.some((d) => d.code === code),
      ds.map((d) => `${d.code} ${d.message}`).join(" | "),
    );
  });
}

test("the default storage sanitises the study name into a file name", () => {
  const r = compileSource(spec("").replace("study t", 'study "my study/1"'), "/tmp/spec.hpo");
  assert.is(r.plan?.storage, "sqlite:/tmp/.hpo/my_study_1.db");
});

test.run();
