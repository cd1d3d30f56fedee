import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { compileSource } from "../../src/lang/index.js";
import { explorableParams } from "../../src/plan/explorable.js";
import type { Plan } from "../../src/plan/types.js";

const examples = fileURLToPath(new URL("../../../examples/", import.meta.url));

function planOf(text: string): Plan {
  const { plan, diagnostics } = compileSource(text, `${examples}explorable.hpo`);
  const errors = diagnostics.filter((d) => d.severity === "error");
  assert.equal(errors, []);
  return plan!;
}

const spec = (space: string, model: string, train: string) => `study t
data csv(path = "data/houses.csv", target = "price", categorical = ["neighbourhood"], normalize = true)
space {
${space}
}
${model}
train {
${train}
}
objective minimize val_loss
budget { trials = 4 }
`;

test("houses-pbt.hpo: the learning rate, batch size and dropout change, the model's shape does not", () => {
  const file = `${examples}houses-pbt.hpo`;
  const { plan } = compileSource(readFileSync(file, "utf8"), file);
  assert.equal(explorableParams(plan!), ["lr", "batch", "dropout"]);
});

test("optimizer arguments are free, the choice of optimizer (and what it reads) is not", () => {
  const plan = planOf(
    spec(
      `  opt = choice("adam", "sgd")
  lr = loguniform(1e-4, 1e-1)
  momentum = uniform(0.5, 0.99) when opt == "sgd"
  units = int(4, 16)
  clip = uniform(0.5, 5)
  decay = uniform(0.01, 0.1)`,
      "model mlp(units = units)",
      `  optimizer = if opt == "sgd" then sgd(lr = lr, momentum = momentum) else adam(lr)
  schedule = time_decay(decay)
  gradient_clip = clip
  loss = "mse"
  epochs = 3`,
    ),
  );
  assert.equal(explorableParams(plan), ["lr", "momentum", "clip", "decay"]);
});

test("a parameter read anywhere structural is fixed, even if also read by the optimizer", () => {
  const plan = planOf(
    spec(
      `  lr = loguniform(1e-4, 1e-1)
  rate = uniform(0, 0.5)
  width = int(4, 16)`,
      `model {
  dense(units = width, activation = "relu")
  dropout(rate)
  dense(units = 4)
}`,
      `  optimizer = adam(lr = lr)
  batch_size = width
  loss = "mse"
  epochs = 3`,
    ),
  );
  assert.equal(explorableParams(plan), ["lr", "rate"]);
});

test("a plan without the built-in trainer leaves every parameter to the strategy", () => {
  const { plan } = compileSource(
    "study t\nevaluate branin\nspace {\n  x1 = uniform(-5, 10)\n  x2 = uniform(0, 15)\n}\nobjective minimize value\nbudget { trials = 4 }\n",
    `${examples}b.hpo`,
  );
  assert.is(explorableParams(plan!), undefined);
});

test.run();
