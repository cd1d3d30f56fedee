import { test } from "uvu";
import * as assert from "uvu/assert";
import { dataFiles } from "../../../src/lang/checks/data.js";
import { objectiveModule } from "../../../src/lang/checks/evaluate.js";
import { constraintsSatisfiable, everActive } from "../../../src/lang/checks/satisfiability.js";
import { shapes } from "../../../src/lang/checks/shapes.js";
import { unusedParameters } from "../../../src/lang/checks/unused.js";
import { validationPlace } from "../../../src/lang/checks/validation.js";
import { decl } from "../../../src/lang/checked.js";
import { checkedOf, expectDiagnostic, runCheck, spec } from "../helpers.js";

const trainer = (space: string, data: string, model: string, extra = "") =>
  checkedOf(
    [
      "study t",
      `data ${data}`,
      `space { ${space} }`,
      `model ${model}`,
      "train { optimizer = adam() }",
      "objective minimize val_loss",
      "budget { trials = 4 }",
      extra,
    ].join("\n"),
  );

test("everActive: a condition no configuration meets", () => {
  const c = checkedOf(spec('  s = choice("a", "b")\n  c = uniform(0, 1) when s == "a" and s == "b"'));
  expectDiagnostic(runCheck(everActive, c.ast, c), "E051", 7, 3);
  const ok = checkedOf(spec('  s = choice("a", "b")\n  c = uniform(0, 1) when s == "a"'));
  assert.equal(runCheck(everActive, ok.ast, ok), []);
});

test("constraintsSatisfiable: E052 when nothing passes, W007 when almost nothing does", () => {
  const none = checkedOf(spec("  constraint x1 > 20"));
  expectDiagnostic(runCheck(constraintsSatisfiable, none.ast, none), "E052", 6, 14);
  const few = checkedOf(spec("  constraint x1 > 9.9"));
  expectDiagnostic(runCheck(constraintsSatisfiable, few.ast, few), "W007", 6, 14);
  const ok = checkedOf(spec("  constraint x1 > 0"));
  assert.equal(runCheck(constraintsSatisfiable, ok.ast, ok), []);
});

test("shapes: pooling that shrinks the image below 1×1", () => {
  const c = trainer("blocks = int(2, 8)", "cifar10()", "cnn(blocks = blocks)");
  expectDiagnostic(runCheck(shapes, c.ast, c), "E063", 4, 7, /below 1×1/);
  const ok = trainer("blocks = int(2, 4)", "cifar10()", "cnn(blocks = blocks)");
  assert.equal(runCheck(shapes, ok.ast, ok), []);
});

test("unusedParameters: a hyperparameter nothing reads", () => {
  const c = checkedOf(spec("  unused = uniform(0, 1)"));
  // The expression checks record what they read; a direct run sees the space's own reads only.
  expectDiagnostic(runCheck(unusedParameters, c.ast, c), "W003", 6, 3);
  const ok = checkedOf(spec("  k = uniform(0, 1)\n  constraint k < x1"));
  assert.equal(runCheck(unusedParameters, ok.ast, ok), []);
});

test("dataFiles: a CSV that does not exist", () => {
  const c = trainer("a = uniform(0, 1)", 'csv("nope.csv", target = "y")', "mlp(units = a)");
  expectDiagnostic(runCheck(dataFiles, decl(c, "data")!, c), "E092", 2, 10, /`nope.csv`/);
  const ok = trainer("a = uniform(0, 1)", "mnist()", "mlp(units = a)");
  assert.equal(runCheck(dataFiles, decl(ok, "data")!, ok), []);
});

test("objectiveModule: the module's extension", () => {
  const c = checkedOf(spec("").replace("evaluate branin", 'evaluate "./objective.py"'));
  expectDiagnostic(runCheck(objectiveModule, decl(c, "evaluate")!, c), "E093", 2, 10, /\.mjs, \.js or \.ts/);
  const ok = checkedOf(spec(""));
  assert.equal(runCheck(objectiveModule, decl(ok, "evaluate")!, ok), []);
});

test("validationPlace: a split in `data` and in `validation`", () => {
  const c = trainer(
    "a = uniform(0, 1)",
    "mnist(validation = 0.2)",
    "mlp(units = 8)",
    "validation holdout(0.1)",
  );
  expectDiagnostic(runCheck(validationPlace, decl(c, "validation")!, c), "E066", 8, 1);
  const ok = trainer("a = uniform(0, 1)", "mnist()", "mlp(units = 8)", "validation holdout(0.1)");
  assert.equal(runCheck(validationPlace, decl(ok, "validation")!, ok), []);
});

test.run();
