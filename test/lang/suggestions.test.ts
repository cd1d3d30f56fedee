import { test } from "uvu";
import * as assert from "uvu/assert";
import { closest } from "../../src/lang/diagnostics.js";
import { check, spec } from "./helpers.js";

// The "did you mean" of the mistakes a new user makes first (issue 21), and syntax errors that must
// report only the real problem.
const message = (src: string, code: string) => check(src).find((d) => d.code === code)?.message ?? "";

test("a misspelled declaration keyword suggests the declaration", () => {
  assert.match(
    message(spec("", "strategys tpe()"), "E013"),
    /unknown declaration `strategys`; did you mean `strategy`\?/,
  );
});

test("an unknown strategy that extends a known name suggests it, and lists the strategies once", () => {
  const m = message(spec("", "strategy bayesian()"), "E023");
  assert.match(
    m,
    /unknown strategy `bayesian`; did you mean `bayes`\? \(known: random, qmc, grid, tpe, bayes/,
  );
  assert.not.match(m, /strategys/);
});

test("an abbreviated metric suggests the full name", () => {
  const trainer = [
    "study t",
    "data mnist()",
    "space {",
    "  lr = loguniform(1e-4, 1e-1)",
    "}",
    "model mlp(units = 32)",
    "train {",
    "  optimizer = adam(lr = lr)",
    "}",
    "objective maximize val_acc",
    "budget { trials = 10 }",
  ].join("\n");
  assert.match(message(trainer, "E070"), /unknown metric `val_acc`; did you mean `val_accuracy`\?/);
});

test("closest: edit-distance matches first, then a word that abbreviates or extends a candidate", () => {
  assert.is(closest("stratgy", ["strategy", "storage"]), "strategy");
  assert.is(closest("bayesian", ["tpe", "bayes"]), "bayes");
  assert.is(closest("val_acc", ["val_loss", "val_accuracy"]), "val_accuracy");
  assert.is(closest("integer", ["uniform", "int"]), "int");
  // Too short to be meant, and unrelated words, get nothing.
  assert.is(closest("va", ["val_loss"]), undefined);
  assert.is(closest("zebra", ["tpe", "bayes"]), undefined);
});

test("a missing `)` reports the `(` and the `}` it met, not the `{` around them", () => {
  const ds = check(spec("  a = uniform(0, 1"));
  const unclosed = ds.filter((d) => d.code === "E011");
  assert.equal(
    unclosed.map((d) => d.message),
    ["`(` opened at 6:14 is never closed"],
  );
  assert.ok(ds.some((d) => d.code === "E010" && /expected `\)`, found `\}`/.test(d.message)));
  // A `{` that really is never closed is still reported.
  const open = check("study t\nevaluate branin\nspace {\n  x1 = uniform(-5, 10)\n");
  assert.ok(open.some((d) => d.code === "E011" && d.message.startsWith("`{` opened at 3:7")));
});

test.run();
