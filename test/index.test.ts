import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import * as hpo from "../src/index.js";

// The package's public face: the native engines are usable without going through a strategy.
test("exports the GP engine: fit-free posterior on two points interpolates them", async () => {
  const X = new Float64Array([0.1, 0.2, 0.8, 0.7]);
  const y = new Float64Array([1, -1]);
  const gp = await hpo.GaussianProcess.create({ X, y, n: 2, d: 2, device: "cpu" });
  await gp.setHyperparameters({ lengthscales: [0.3, 0.3], outputscale: 1, noise: 1e-6, mean: 0 });
  const { mean, variance } = await gp.predict(X);
  assert.ok(Math.abs(mean[0]! - 1) < 1e-3 && Math.abs(mean[1]! + 1) < 1e-3, `mean ${mean}`);
  assert.ok(variance[0]! < 1e-3 && variance[1]! < 1e-3, `variance ${variance}`);
  gp.dispose();
});

test("exports the population engine and NSGA-II ranking", () => {
  const { rank } = hpo.rankObjectives([
    [1, 2],
    [2, 1],
    [3, 3],
  ]);
  assert.equal(Array.from(rank), [0, 0, 1]);
  assert.is(typeof hpo.Population, "function");
});

// The API checks hand-written spaces as the language checks a `space` block (issue 21).
const rejection = async (options: hpo.StudyOptions): Promise<hpo.HpoError> => {
  try {
    await hpo.createStudy(options);
  } catch (err) {
    assert.instance(err, hpo.HpoError);
    return err as hpo.HpoError;
  }
  throw new Error("createStudy accepted the options");
};

test("an int parameter without a step gives whole numbers (step 1, as in a spec)", async () => {
  const study = await hpo.createStudy({
    study: "ints",
    space: [{ name: "n", kind: "int", low: 1, high: 4 }],
    seed: 5,
    budget: { trials: 12 },
  });
  assert.equal(study.plan.space, [{ name: "n", kind: "int", low: 1, high: 4, log: false, step: 1 }]);
  await study.optimize(({ n }) => n as number);
  const values = (await study.trials()).map((t) => t.params["n"] as number);
  assert.is(values.length, 12);
  assert.ok(
    values.every((v) => Number.isInteger(v) && v >= 1 && v <= 4),
    String(values),
  );
});

test("an unknown kind is an error naming the parameter and suggesting the kind, not a dropped parameter", async () => {
  const err = await rejection({
    study: "typo",
    // A JavaScript caller is not type-checked: the cast stands for that.
    space: [{ name: "units", kind: "integer", low: 1, high: 4 } as unknown as hpo.ParamInput],
  });
  assert.match(
    err.message,
    /space\[0\] \(units\): error\[E023\]: unknown distribution `integer`; did you mean `int`\?/,
  );
  assert.match(err.hint ?? "", /docs\/api\.md/);
  const notList = await rejection({ study: "flat", space: "x1" as unknown as hpo.ParamInput[] });
  assert.match(notList.message, /`space` must be a list of parameters/);
  const nameless = await rejection({
    study: "nameless",
    space: [{ kind: "float", low: 0, high: 1 } as unknown as hpo.ParamInput],
  });
  assert.match(nameless.message, /space\[0\]: error\[E093\]: a parameter needs a `name`/);
});

test("range, step, choice and field errors carry the language's codes, all listed at once", async () => {
  const err = await rejection({
    study: "many",
    space: [
      { name: "lr", kind: "float", low: 0.1, high: 0.001, log: true },
      { name: "k", kind: "int", low: 0, high: 10, step: 3 },
      { name: "act", kind: "categorical", choices: [1, "relu"] },
      { name: "sd", kind: "normal", mean: 0, sd: 0 },
      { name: "w", kind: "float", lo: 0, high: 1 } as unknown as hpo.ParamInput,
      { name: "lr", kind: "float", low: 0, high: 1 },
    ],
    strategy: { name: "tpe", options: { start_up: 3 } },
    pruner: { name: "medain", options: {} },
  } as unknown as hpo.StudyOptions);
  const lines = err.message.split("\n").slice(1);
  const codes = lines.map((l) => /^(.*?): error\[(\w+)\]/.exec(l)?.slice(1, 3).join(" "));
  assert.equal(codes, [
    "space[0] (lr) E040",
    "space[1] (k) E044",
    "space[2] (act) E033",
    "space[3] (sd) E045",
    "space[4] (w) E024",
    "space[4] (w) E025",
    "space[5] (lr) E021",
    "strategy E024",
    "pruner E023",
  ]);
  assert.match(err.message, /unknown pruner `medain`; did you mean `median`\?/);
});

test("trials() and best() return the documented StudyTrial objects, not storage rows", async () => {
  const study = await hpo.createStudy({
    study: "typed",
    space: [{ name: "x", kind: "float", low: 0, high: 1 }],
    metric: "loss",
    budget: { trials: 4 },
  });
  await study.optimize(({ x }) => ({ loss: x as number, extra: 1 }));
  const [best] = await study.best();
  const all = await study.trials();
  assert.is(all.length, 4);
  assert.equal(Object.keys(best!).sort(), [
    "durationSeconds",
    "finishedAt",
    "intermediate",
    "metrics",
    "number",
    "params",
    "startedAt",
    "state",
    "values",
  ]);
  assert.is(best!.state, "complete");
  assert.equal(best!.values, { loss: Math.min(...all.map((t) => t.params["x"] as number)) });
  assert.equal(best!.metrics, { loss: best!.values!["loss"], extra: 1 });
  assert.instance(best!.startedAt, Date);
  assert.ok(best!.durationSeconds! >= 0);
});

// docs/api.md promises that its examples run: each ```js block runs as its own module.
// scripts/ is plain JavaScript; the same extraction serves the install test (scripts/install-test.mjs).
const { apiExamples } = (await import(
  new URL("../../scripts/lib/api-examples.mjs", import.meta.url).href
)) as {
  apiExamples(markdown: string): string[];
};

test("every example in docs/api.md runs", () => {
  const docs = fileURLToPath(new URL("../../docs/api.md", import.meta.url));
  const index = new URL("../src/index.js", import.meta.url).href;
  const blocks = apiExamples(readFileSync(docs, "utf8"));
  assert.ok(blocks.length >= 5, `${blocks.length} examples`);
  const dir = mkdtempSync(join(tmpdir(), "hpo-api-docs-"));
  blocks.forEach((code, i) => {
    const file = join(dir, `example-${i + 1}.mjs`);
    writeFileSync(file, code.replace(/from "hpo";/g, `from ${JSON.stringify(index)};`));
    const r = spawnSync(process.execPath, [file], { encoding: "utf8", timeout: 60_000 });
    assert.is(r.status, 0, `example ${i + 1} of docs/api.md failed:\n${r.stderr}`);
  });
});

test.run();
