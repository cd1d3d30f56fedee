import { test } from "uvu";
import * as assert from "uvu/assert";
import { modelLayers } from "../../../src/lang/checks/model.js";
import { cyclicIgnoresRate, optimizerGiven, trainSettings } from "../../../src/lang/checks/train.js";
import { decl } from "../../../src/lang/checked.js";
import { checkedOf, expectDiagnostic, runCheck } from "../helpers.js";

const trainer = (space: string, model: string, train: string) =>
  checkedOf(
    [
      "study t",
      "data mnist()",
      `space { ${space} }`,
      `model ${model}`,
      `train { ${train} }`,
      "objective minimize val_loss",
      "budget { trials = 4 }",
    ].join("\n"),
  );

test("trainSettings: an unknown setting, and W001 on a learning rate above 1", () => {
  const c = trainer("lr = uniform(0.1, 3)", "mlp()", "optimizer = adam(lr = lr)\nepoch = 3");
  const ds = runCheck(trainSettings, decl(c, "train")!, c);
  expectDiagnostic(ds, "W001", 5, 31);
  expectDiagnostic(ds, "E024", 6, 1, /no argument `epoch`/);
  assert.is(ds.find((d) => d.code === "E024")?.hint, "did you mean `epochs`?");
  const ok = trainer("lr = uniform(0.1, 0.9)", "mlp()", "optimizer = adam(lr = lr)\nepochs = 3");
  assert.equal(runCheck(trainSettings, decl(ok, "train")!, ok), []);
});

test("optimizerGiven", () => {
  const c = trainer("a = uniform(0, 1)", "mlp()", "epochs = 2");
  expectDiagnostic(runCheck(optimizerGiven, decl(c, "train")!, c), "E025", 5, 1);
  const ok = trainer("a = uniform(0, 1)", "mlp()", "optimizer = adam()");
  assert.equal(runCheck(optimizerGiven, decl(ok, "train")!, ok), []);
});

test("cyclicIgnoresRate: the optimizer's rate under a cyclic schedule", () => {
  const c = trainer("lr = uniform(0.001, 0.1)", "mlp()", "optimizer = adam(lr = lr)\nschedule = cyclic()");
  expectDiagnostic(runCheck(cyclicIgnoresRate, decl(c, "train")!, c), "W004", 5, 31);
  const ok = trainer("lr = uniform(0.001, 0.1)", "mlp()", "optimizer = adam(lr = lr)\nschedule = cosine()");
  assert.equal(runCheck(cyclicIgnoresRate, decl(ok, "train")!, ok), []);
});

test("modelLayers: a `when` condition that is no boolean, and a nested repeat", () => {
  const c = trainer(
    "n = int(1, 3)",
    "{ repeat n { repeat 2 { dense(8) } } dense(4) when n }",
    "optimizer = adam()",
  );
  const ds = runCheck(modelLayers, decl(c, "model")!, c);
  expectDiagnostic(ds, "W010", 4, 20);
  expectDiagnostic(ds, "E030", 4, 58, /true or false/);
  const ok = trainer("n = int(1, 3)", "{ repeat n { dense(8) } dense(4) when n > 1 }", "optimizer = adam()");
  assert.equal(runCheck(modelLayers, decl(ok, "model")!, ok), []);
});

test.run();
