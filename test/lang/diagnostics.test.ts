import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { CATALOGUE } from "../../src/lang/diagnostics.js";
import { check, expectDiagnostic } from "./helpers.js";

// One input per diagnostic code, with the position and message it must produce.
const base = (space: string, extra = "", o: { objective?: string; budget?: string } = {}) =>
  [
    "study t",
    "evaluate branin",
    "space {",
    "  x1 = uniform(-5, 10)",
    "  x2 = uniform(0, 15)",
    space,
    "}",
    o.objective ?? "objective minimize value",
    o.budget ?? "budget { trials = 10 }",
    extra,
  ].join("\n");
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

const fixture = (name: string) =>
  fileURLToPath(new URL(`../../../test/fixtures/modules/${name}`, import.meta.url));
const userModule = (name: string) =>
  [
    "study t",
    `evaluate ${JSON.stringify(fixture(name))}`,
    "space {",
    "  x1 = uniform(-5, 10)",
    "  x2 = uniform(0, 15)",
    "}",
    "objective minimize value",
    "budget { trials = 10 }",
  ].join("\n");

const cases: Record<string, string> = {
  E001: base("  a = uniform(0, 1) $"),
  E002: base('  s = choice("abc)'),
  E003: base("  a = uniform(0, 1e999)"),
  E004: base("", "", { budget: "budget { time = 10x }" }),
  E005: base('  s = choice("a\\q")'),
  E010: base("  a = uniform(0, 1))"),
  E011: base("  a = uniform(0, 1"),
  E012: base("", "seed 1\nseed 2"),
  E013: base("", "stratgy random()"),
  E014: base("  seed = uniform(0, 1)"),
  E015: base("  constraint x1 < x2 < 3"),
  E016: base("  a = uniform(low = 0, 1)"),
  E020: base("  constraint x1 < x3"),
  E021: base("  x1 = uniform(0, 1)"),
  E022: base("  a = uniform(0, 1) when b > 1\n  b = uniform(0, 2)"),
  E023: base("  a = logunifrm(1e-4, 1)"),
  E024: base("  a = uniform(0, 1, stpe = 0.1)"),
  E025: base("  a = uniform(0)"),
  E026: base("", "", { budget: "budget { trials = 10 }\nstrategy tpe(3)" }),
  E030: base('  a = uniform("0", 1)'),
  E031: base("  a = 2 * uniform(0, 1)"),
  E032: trainer(
    "  lr = loguniform(1e-4, 1e-1)",
    "{\n  flatten()\n}",
    "  optimizer = adam(lr = lr)\n  loss = dense(units = 3)",
  ),
  E033: base('  a = choice(1, "two")'),
  E034: base("  a = uniform(0, x1)"),
  E035: base("", "", { budget: "budget { trials = 10 time = 100 }" }),
  E036: trainer(
    "  lr = loguniform(1e-4, 1e-1)\n  u = uniform(8, 64)",
    "{\n  flatten()\n  dense(units = u)\n}",
    "  optimizer = adam(lr = lr)",
  ),
  E037: base('  s = choice("a", "b")\n  constraint s != "bb" or x1 > 0'),
  E040: base("  a = uniform(1, 0)"),
  E041: base("  a = loguniform(0, 1)"),
  E042: base("  a = choice()"),
  E043: base("  a = int(1.5, 4)"),
  E044: base("  a = uniform(0, 1, step = 0.3)"),
  E045: base("  a = normal(0, 0)"),
  E046: trainer(
    "  lr = loguniform(1e-4, 1e-1)\n  d = uniform(0.5, 1.5)",
    "{\n  flatten()\n  dropout(rate = d)\n}",
    "  optimizer = adam(lr = lr)",
  ),
  E050: trainer(
    '  lr = loguniform(1e-4, 1e-1)\n  opt = choice("adam", "sgd", "rmsprop")\n  mom = uniform(0.5, 0.99) when opt == "sgd"',
    "mlp(units = 32)",
    '  optimizer = if opt == "adam" then adam(lr = lr) else sgd(lr = lr, momentum = mom)',
  ),
  E051: base('  s = choice("a", "b")\n  c = uniform(0, 1) when s == "a" and s == "b"'),
  E052: base("  constraint x1 > 20"),
  E053: base("  constraint 1 > 2"),
  E054: trainer(
    "  lr = loguniform(1e-4, 1e-1)",
    "{\n  dense(units = 8 * (i + 1))\n}",
    "  optimizer = adam(lr = lr)",
  ),
  E055: trainer(
    "  lr = loguniform(1e-4, 1e-1)\n  units[lr] = choice(8, 16)",
    "mlp(units = 32)",
    "  optimizer = adam(lr = lr)",
  ),
  E056: trainer(
    "  lr = loguniform(1e-4, 1e-1)\n  n = int(1, 3)\n  depth = int(1, 3)\n  units[n] = choice(8, 16)",
    "{\n  repeat depth {\n    dense(units = units[i])\n  }\n}",
    "  optimizer = adam(lr = lr)",
  ),
  E057: trainer(
    "  lr = loguniform(1e-4, 1e-1)\n  n = int(1, 3)\n  units[n] = choice(8, 16)",
    "{\n  dense(units = units)\n}",
    "  optimizer = adam(lr = lr)",
  ),
  E058: trainer(
    "  lr = loguniform(1e-4, 1e-1)\n  n = int(1, 3)",
    "{\n  repeat n {\n    dense(units = n[i])\n  }\n}",
    "  optimizer = adam(lr = lr)",
  ),
  E060: [
    "study t",
    "data mnist()",
    "space {",
    "  lr = loguniform(1e-4, 1)",
    "}",
    "objective minimize val_loss",
    "budget { trials = 3 }",
  ].join("\n"),
  E061: base("", "data mnist()"),
  E062: [
    "study t",
    "space {",
    "  a = uniform(0, 1)",
    "}",
    "objective minimize value",
    "budget { trials = 3 }",
  ].join("\n"),
  E063: [
    "study t",
    'data cifar10(path = ".")',
    "space {",
    "  blocks = choice(3, 8)",
    "  lr = loguniform(1e-4, 1e-1)",
    "}",
    "model cnn(blocks = blocks, filters = 32, kernel = 3)",
    "train {",
    "  optimizer = adam(lr = lr)",
    "}",
    "objective minimize val_loss",
    "budget { trials = 3 }",
  ].join("\n"),
  E064: [
    "study t",
    'data pairs(path = ".", max_len = 10)',
    "space {",
    "  heads = choice(8, 12)",
    "  hidden = choice(256, 512)",
    "}",
    "model transformer(layers = 2, heads = heads, d_model = hidden, d_ff = 4 * hidden)",
    "train {",
    "  optimizer = adam(lr = 0.001)",
    "}",
    "objective minimize val_loss",
    "budget { trials = 3 }",
  ].join("\n"),
  E065: [
    "study t",
    "evaluate branin",
    "space {",
    "  x1 = uniform(-5, 10)",
    "}",
    "objective minimize value",
    "budget { trials = 3 }",
  ].join("\n"),
  E066:
    trainer("  lr = loguniform(1e-4, 1e-1)", "mlp(units = 32)", "  optimizer = adam(lr = lr)", "").replace(
      "mnist()",
      "mnist(validation = 0.1)",
    ) + "\nvalidation holdout(0.2)",
  E067: [
    "evaluate branin",
    "space {",
    "  x1 = uniform(-5, 10)",
    "  x2 = uniform(0, 15)",
    "}",
    "objective minimize value",
    "budget { trials = 3 }",
  ].join("\n"),
  E070: base("", "", { objective: "objective minimize valeu" }),
  E071: base("", "objectives {\n  minimize value\n}"),
  E072: trainer("  lr = loguniform(1e-4, 1e-1)", "mlp(units = 32)", "  optimizer = adam(lr = lr)").replace(
    "minimize val_loss",
    "minimize val_perplexity",
  ),
  E073: base("", "", { objective: "" }),
  E074: [
    "study t",
    "evaluate zdt1(dim = 2)",
    "space {",
    "  x1 = uniform(0, 1)",
    "  x2 = uniform(0, 1)",
    "}",
    "objectives {\n  minimize f1\n  minimize f1\n}",
    "strategy random()",
    "budget { trials = 3 }",
  ].join("\n"),
  E075: trainer("  lr = loguniform(1e-4, 1e-1)", "mlp(units = 32)", "  optimizer = adam(lr = lr)").replace(
    "minimize val_loss",
    "minimize val_loss + lr",
  ),
  E076: trainer("  lr = loguniform(1e-4, 1e-1)", "mlp(units = 32)", "  optimizer = adam(lr = lr)").replace(
    "minimize val_loss",
    "minimize val_loss < 0.5",
  ),
  E080: base("", "strategy grid()"),
  E081: [
    "study t",
    "evaluate zdt1(dim = 2)",
    "space {",
    "  x1 = uniform(0, 1)",
    "  x2 = uniform(0, 1)",
    "}",
    "objectives {\n  minimize f1\n  minimize f2\n}",
    "strategy tpe()",
    "budget { trials = 3 }",
  ].join("\n"),
  E082: base("", "strategy nsga2()"),
  E083: base("", "strategy sha()"),
  E084: base("", 'strategy bayes(kernel = "matern")'),
  E090: base("", "", { budget: "budget { parallel = 2 }" }),
  E091: base("", 'storage "mysql://x"'),
  E092: trainer("  lr = loguniform(1e-4, 1e-1)", "mlp(units = 32)", "  optimizer = adam(lr = lr)").replace(
    "mnist()",
    'csv(path = "nope.csv", target = "y")',
  ),
  E093: [
    "study t",
    'evaluate "./nope.mjs"',
    "space {",
    "  a = uniform(0, 1)",
    "}",
    "objective minimize loss",
    "budget { trials = 3 }",
  ].join("\n"),
  E094: base("", "", { budget: "budget { trials = 60 / 0 }" }),
  E006: "#".repeat(1024 * 1024 + 1),
  E017: base(`  a = uniform(0, ${"(".repeat(100)}1${")".repeat(100)})`),
  W001: trainer("  lr = loguniform(1e-4, 10)", "mlp(units = 32)", "  optimizer = adam(lr = lr)"),
  W002: base("  c = uniform(0, 1) when x1 == 0.5"),
  W003: base("  unused = uniform(0, 1)"),
  W004: trainer(
    '  lr = loguniform(1e-4, 1e-1)\n  sched = choice("cyclic", "constant")',
    "mlp(units = 32)",
    '  optimizer = adam(lr = lr)\n  schedule = if sched == "cyclic" then cyclic(min_lr = 0.001, max_lr = 0.1, period = 10) else constant()',
  ),
  W005: base("  a = choice(1, 2, 3)", "strategy grid(points = 5)"),
  W006: base("", "", { budget: "budget { trials = 2 parallel = 4 }" }),
  W007: base("  constraint x1 > 9.9"),
  W008: trainer(
    "  lr = loguniform(1e-4, 1e-1)",
    "mlp(units = 32)",
    "  optimizer = adam(lr = lr)",
    "strategy sha()\npruner median()",
  ),
  W009: trainer("  lr = loguniform(1e-4, 1e-1)", "mlp(units = 32)", "  optimizer = adam(lr = lr)").replace(
    "minimize val_loss",
    "maximize test_accuracy",
  ),
  W013: trainer(
    "  lr = loguniform(1e-4, 1e-1)",
    "mlp(units = 8)",
    '  optimizer = adam(lr = lr)\n  loss = "categorical_crossentropy"',
    "strategy pbt(population = 4, interval = 2, max_epochs = 6)",
  ),
  W010: trainer(
    "  lr = loguniform(1e-4, 1e-1)",
    "{\n  repeat 2 {\n    repeat 2 {\n      dense(units = 8)\n    }\n  }\n}",
    "  optimizer = adam(lr = lr)",
  ),
  W011: userModule("mistyped-objective.ts"),
  W012: userModule("no-default-objective.ts"),
};

const expected: Record<string, [number, number, string]> = {
  E001: [6, 21, "unexpected character `$`"],
  E002: [6, 14, "unterminated string"],
  E003: [6, 18, "number `1e999` is out of range"],
  E004: [9, 17, "unknown unit `x`: durations use ms, s, m, h, d (e.g. `90m`)"],
  E005: [6, 16, "unknown escape `\\q`"],
  E010: [6, 20, "expected `}`, found `)`"],
  E011: [6, 14, "`(` opened at 6:14 is never closed"],
  E012: [11, 1, "`seed` is given twice (first at 10:1)"],
  E013: [10, 1, "unknown declaration `stratgy`; did you mean `strategy`?"],
  E014: [6, 3, "`seed` is a reserved word and cannot name a hyperparameter"],
  E015: [6, 22, "comparisons do not chain; write `a < b and b < c`"],
  E016: [6, 24, "positional argument after a named one"],
  E020: [6, 19, "unknown name `x3`; did you mean `x1`?"],
  E021: [6, 3, "hyperparameter `x1` is already declared at 4:3"],
  E022: [6, 26, "`b` is used before its declaration at 7:3"],
  E023: [
    6,
    7,
    "unknown distribution `logunifrm`; did you mean `loguniform`? (known: uniform, loguniform, int, choice, ordinal, normal, fixed)",
  ],
  E024: [6, 21, "`uniform` has no argument `stpe`; it takes `low`, `high`, `step`"],
  E025: [6, 7, "`uniform` needs `high`"],
  E026: [10, 14, "`tpe` takes at most 0 positional arguments"],
  E030: [6, 15, "`uniform` argument `low` expects a number, got a string"],
  E031: [6, 11, "a distribution must be the whole right-hand side of `a`"],
  E032: [11, 10, "layer `dense` cannot be used in `train`"],
  E033: [6, 17, "values of `a` mix numbers and strings"],
  E034: [6, 18, "`a` must be a constant: it cannot depend on hyperparameters"],
  E035: [9, 29, "`time` expects a duration such as `2h`"],
  E036: [9, 17, "`units` needs an integer, but `u` may be fractional; use floor() or round()"],
  E037: [7, 19, '`s` is never "bb" (its values: "a", "b"); did you mean "b"?'],
  E040: [6, 7, "low 1 must be below high 0"],
  E041: [6, 7, "a log scale needs a positive lower bound, got 0"],
  E042: [6, 7, "`choice` needs at least one value"],
  E043: [6, 7, "int bounds and step must be integers, step > 0"],
  E044: [6, 28, "step 0.3 does not divide [0, 1]; the last value would be 0.9"],
  E045: [6, 17, "a normal distribution needs sd > 0"],
  E046: [9, 18, "`dropout` argument `rate` must be in [0, 1], but `d` reaches [0.5, 1.5]"],
  E050: [10, 80, '`mom` may be absent here: it exists only when opt == "sgd"'],
  E051: [7, 3, '`c` can never be active: `s == "a" and s == "b"` is false for every configuration'],
  E052: [6, 14, "no configuration satisfies the constraints (1000 checked); `x1 > 20` rejects all"],
  E053: [6, 14, "this constraint is always false"],
  E054: [7, 22, "`i` is only defined inside `repeat`"],
  E055: [5, 9, "the count of family `units` must be an integer parameter or constant from 1 to 64, got `lr`"],
  E056: [11, 19, "`units[i]` may read a member of `units` that is absent (members: units[0] … units[2])"],
  E057: [9, 17, "`units` is a family: read one member, e.g. `units[i]` inside `repeat n {…}`"],
  E058: [9, 19, "`n` is not a family, so it cannot be indexed"],
  E060: [2, 1, "`data` needs `model`"],
  E061: [10, 1, "`evaluate` cannot be combined with `data` (declared at 2:1)"],
  E062: [1, 1, "add `evaluate …` or `data` + `model` + `train`"],
  E063: [7, 7, "8 conv blocks with pooling 2 shrink a 32×32 image below 1×1 when blocks = 8"],
  E064: [7, 7, "`transformer` needs d_model divisible by heads, but heads = 12, hidden = 256 breaks it"],
  E065: [2, 10, "`branin` needs parameters `x2` in `space`"],
  E066: [13, 1, "the validation split is set both in `data` and in `validation`"],
  E067: [1, 1, "`study` is required"],
  E070: [8, 20, "unknown metric `valeu`; did you mean `value`? (available: value)"],
  E071: [10, 1, "use one of `objective` or `objectives`"],
  E072: [10, 20, "`val_perplexity` needs text or pairs data"],
  E073: [1, 1, "declare `objective` or `objectives`"],
  E074: [9, 12, "goal `f1` is listed twice"],
  E075: [10, 31, "a goal reads metrics, not hyperparameters: `lr` is a hyperparameter"],
  E076: [10, 20, "goal `val_loss < 0.5` must compute a number, but it is true/false"],
  E080: [10, 10, "grid needs finite values, but `x1` is continuous; use choice(…) or grid(points = N)"],
  E081: [11, 10, "`tpe` optimizes one goal, 2 are declared; use nsga2 or random"],
  E082: [10, 10, "nsga2 needs two or more goals"],
  E083: [10, 10, "`sha` stops trials by epochs, but `branin` reports no steps; use random, tpe or bayes"],
  E084: [10, 25, '`bayes` option `kernel` must be one of "matern52", "matern32", "rbf", got "matern"'],
  E090: [9, 1, "budget needs `trials` or `time`"],
  E091: [10, 9, "storage must be `sqlite:PATH`, `memory:` or `postgresql://…`"],
  E092: [2, 17, "no file `nope.csv` (paths are relative to the spec)"],
  E093: [2, 10, "no module `./nope.mjs` (paths are relative to the spec)"],
  E094: [9, 19, "budget `trials` needs a finite value, but `60 / 0` has none: division by zero"],
  E006: [1, 1, "the spec is 1048577 bytes, above the limit of 1048576 bytes"],
  E017: [
    6,
    80,
    "brackets, prefix operators or operator chains nest too deeply (the limit is 64 levels, 1000 operators)",
  ],
  W001: [8, 25, "the learning-rate range of `lr` goes above 1 (high 10)"],
  W002: [6, 26, "`x1` is a float: an equality test on it is almost never true"],
  W003: [6, 3, "hyperparameter `unused` is not used by any model, train or data setting"],
  W004: [9, 25, '`lr` has no effect when sched == "cyclic" (the schedule is then `cyclic`)'],
  W005: [10, 10, "the grid has 75 points but the budget allows 10 trials: a seeded shuffle of it runs"],
  W006: [9, 32, "`parallel` = 4 is above `trials` = 2"],
  W007: [6, 14, "the constraints reject 99.2 % of random draws"],
  W008: [13, 8, "a pruner has no effect beside `sha`, which stops trials itself"],
  W009: [10, 20, "goal `test_accuracy` uses the test split, which should never be used for tuning"],
  W010: [8, 5, "this `repeat` is inside another: its `i` shadows the outer one"],
  W011: [
    2,
    10,
    `the parameter type \`${fixture("mistyped-objective.ts")}\` declares disagrees with the space: Type 'Params' is not assignable to type '{ x1: number; x2: string; }'. Types of property 'x2' are incompatible. Type 'number' is not assignable to type 'string'.`,
  ],
  W012: [
    2,
    10,
    `the parameter type of \`${fixture("no-default-objective.ts")}\` was not checked: it has no default export`,
  ],
  W013: [
    13,
    10,
    "`pbt` trains 12 trials (4 members × 3 rounds) but the budget allows 10: the study stops in round 2",
  ],
};

for (const [code, [line, col, msg]] of Object.entries(expected)) {
  test(`${code}: reported at ${line}:${col} with its message`, () => {
    const ds = check(cases[code]!);
    expectDiagnostic(ds, code, line, col);
    assert.is(ds.find((d) => d.code === code)!.message, msg);
  });
}

test("every catalogue code except the internal E000 has a test here", () => {
  const missing = Object.keys(CATALOGUE).filter((c) => !(c in expected) && c !== "E000");
  assert.equal(missing, []);
});

test("several problems are reported in one run, sorted by position", () => {
  const ds = check(base("  a = uniform(1, 0)\n  b = logunifrm(1, 2)", "stratgy random()"));
  assert.equal(
    ds.map((d) => d.code),
    ["E040", "E023", "E013"],
  );
});

test("parsing continues past a syntax error: later declarations are still checked", () => {
  const ds = check(base("  a = uniform(0, 1))", 'storage "bad"'));
  assert.ok(ds.some((d) => d.code === "E010"));
  assert.ok(ds.some((d) => d.code === "E091"));
});

test("a call of any catalogue kind in the wrong place names its kind (E032), pruners and validations too", () => {
  const at = (train: string) =>
    check(
      trainer("  lr = loguniform(1e-4, 1e-1)", "{\n  flatten()\n}", `  optimizer = adam(lr = lr)\n${train}`),
    )
      .filter((d) => d.code === "E032")
      .map((d) => d.message);
  assert.equal(at("  loss = median()"), ["pruner `median` cannot be used in `train`"]);
  assert.equal(at("  loss = holdout(0.2)"), ["validation `holdout` cannot be used in `train`"]);
});

test("docs/language.md lists every diagnostic code", () => {
  const docs = readFileSync(new URL("../../../docs/language.md", import.meta.url), "utf8");
  const missing = Object.keys(CATALOGUE).filter((c) => !docs.includes(`| ${c} |`));
  assert.equal(missing, []);
});

test.run();
