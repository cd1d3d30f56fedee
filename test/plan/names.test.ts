/**
 * Every name the catalogue gives the checker has a runtime implementation, and the runtime implements
 * no name the checker would refuse: test functions, metrics, layers, templates, activations,
 * optimizers, schedules, losses and data readers. (TypeScript proves most of it through tables keyed
 * by the catalogue's names; these tests hold the parts it cannot see.)
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { compileSource } from "../../src/lang/index.js";
import type { Dataset } from "../../src/data/types.js";
import { loadData } from "../../src/data/index.js";
import { BUILTIN_OBJECTIVES } from "../../src/objectives/index.js";
import {
  ACTIVATIONS,
  type FunctionSpec,
  LAYERS,
  LOSSES,
  OPTIMIZERS,
  DECODING_METRICS,
  PREDICTION_METRICS,
  READERS,
  RUN_METRICS,
  SCHEDULES,
  TEMPLATES,
  TEST_FUNCTIONS,
  TRAINER_METRICS,
} from "../../src/plan/catalog.js";
import type { CallValue, Value } from "../../src/plan/types.js";
import { evaluateMetrics, lossKind } from "../../src/train/metrics.js";
import { buildModel } from "../../src/train/model.js";
import { createOptimizer } from "../../src/train/optimizers.js";
import { createSchedule } from "../../src/train/schedules.js";

const sorted = (xs: Iterable<string>) => [...xs].sort();

test("test functions: the same names, metrics and dimensions in the catalogue and in src/objectives", () => {
  assert.equal(sorted(Object.keys(BUILTIN_OBJECTIVES)), sorted(Object.keys(TEST_FUNCTIONS)));
  for (const [name, fn] of Object.entries(TEST_FUNCTIONS)) {
    const impl = BUILTIN_OBJECTIVES[name]!;
    const args: Record<string, Value> = fn.dims === undefined ? { dim: fn.minDim ?? 1 } : {};
    const dims = impl.dims(args);
    if (fn.dims !== undefined) assert.is(dims, fn.dims, name);
    const box = impl.domain(args);
    const out = impl.evaluate(
      box.map(([lo, hi]) => (lo + hi) / 2),
      args,
    );
    assert.equal(sorted(Object.keys(out)), sorted(fn.metrics), `${name}: the metrics it returns`);
  }
});

test("test functions: the smallest `dim` is accepted by both, one less by neither", () => {
  const spec = (f: string, dim: number) =>
    [
      "study t",
      `evaluate ${f}(dim = ${dim})`,
      "space {",
      ...Array.from({ length: Math.max(dim, 1) }, (_, i) => `  x${i + 1} = uniform(0, 1)`),
      "}",
      `objective minimize ${TEST_FUNCTIONS[f]!.metrics[0]}`,
      "budget { trials = 2 }",
    ].join("\n");
  const errors = (src: string) =>
    compileSource(src, "/tmp/names.hpo").diagnostics.filter((d) => d.severity === "error");
  for (const [name, fn] of Object.entries(TEST_FUNCTIONS)) {
    if (fn.dims !== undefined) continue;
    const min = fn.minDim ?? 1;
    assert.equal(errors(spec(name, min)), [], `${name}(dim = ${min}) passes the checker`);
    BUILTIN_OBJECTIVES[name]!.dims({ dim: min });
    assert.ok(errors(spec(name, min - 1)).length > 0, `${name}(dim = ${min - 1}) fails the checker`);
    assert.throws(() => BUILTIN_OBJECTIVES[name]!.dims({ dim: min - 1 }), /dim/);
  }
});

test("metrics: every metric a goal may name is one the trainer computes, on some set", () => {
  const computed = new Set<string>(RUN_METRICS);
  const tasks: [Dataset["task"], Float32Array, Float32Array, number][] = [
    ["classification", Float32Array.from([0.9, 0.1, 0.2, 0.8]), Float32Array.from([0, 1]), 2],
    ["language_model", Float32Array.from([0.9, 0.1, 0.2, 0.8]), Float32Array.from([0, 1]), 2],
    ["translation", Float32Array.from([0.1, 0.9, 0.2, 0.8]), Float32Array.from([1, 1]), 2],
    ["regression", Float32Array.from([0.5, 1.5]), Float32Array.from([1, 1]), 1],
  ];
  for (const [task, pred, y, classes] of tasks) {
    const kind = task === "regression" ? "mse" : "crossentropy";
    for (const name of Object.keys(evaluateMetrics(kind, task, pred, y, classes))) {
      assert.ok((PREDICTION_METRICS as readonly string[]).includes(name), `${task} computes ${name}`);
      computed.add(name);
    }
  }
  // Decoding metrics (val_bleu) come from greedy translation, not from one set of predictions:
  // test/train/metrics-catalog.test.ts trains a translation model and finds them reported.
  for (const metric of TRAINER_METRICS.filter((m) => !(DECODING_METRICS as readonly string[]).includes(m))) {
    const base = metric.replace(/^(val|test)_/, "");
    assert.ok(computed.has(metric) || computed.has(base), `${metric} is computed by the trainer`);
  }
});

test("losses: every loss of the catalogue has its kind in the trainer", () => {
  for (const loss of LOSSES) {
    const task = loss.includes("crossentropy") ? "classification" : "regression";
    assert.type(lossKind(loss, task), "string", loss);
  }
  assert.throws(() => lossKind("huber", "regression"), /unknown loss/);
});

/** A call with its required arguments at their smallest values (and 0.5 for plain numbers). */
function minimalCall(name: string, spec: FunctionSpec, extra: Record<string, Value> = {}): CallValue {
  const kwargs: Record<string, Value> = {};
  for (const a of spec.args)
    if (a.required)
      kwargs[a.name] = a.type === "int" ? (a.min ?? 1) : a.oneOf ? a.oneOf[0]! : Math.max(a.min ?? 0, 0.5);
  return { call: name, args: [], kwargs: { ...kwargs, ...extra } };
}

test("optimizers: every one of the catalogue builds, and no other name does", () => {
  for (const [name, spec] of Object.entries(OPTIMIZERS)) createOptimizer(minimalCall(name, spec)).dispose();
  assert.throws(() => createOptimizer({ call: "lamb", args: [], kwargs: { lr: 0.1 } }), /unknown optimizer/);
});

test("schedules: every one of the catalogue, with every choice of its string arguments, builds", () => {
  for (const [name, spec] of Object.entries(SCHEDULES)) {
    createSchedule(minimalCall(name, spec), 0.1, 10).rate(0, 0);
    for (const a of spec.args)
      for (const choice of a.oneOf ?? [])
        createSchedule(minimalCall(name, spec, { [a.name]: choice }), 0.1, 10);
  }
  assert.throws(
    () => createSchedule({ call: "warm_restarts", args: [], kwargs: {} }, 0.1, 10),
    /unknown schedule/,
  );
});

const image: Dataset = {
  task: "classification",
  n: 2,
  inputShape: [8, 8, 1],
  x: new Float32Array(128),
  y: Float32Array.from([0, 1]),
  numClasses: 2,
};

test("layers and templates: every name of the catalogue is one the model builder knows", () => {
  const refusedAsUnknown = (build: () => unknown) => {
    try {
      build();
      return false;
    } catch (err) {
      return /unknown (layer|model template)/.test(String(err));
    }
  };
  for (const [name, spec] of Object.entries(LAYERS)) {
    const call = minimalCall(name, spec);
    const layers = [{ name, args: call.kwargs }];
    assert.not.ok(
      refusedAsUnknown(() => buildModel({ kind: "layers", layers, autoOutput: true }, image, 1)),
      name,
    );
  }
  for (const name of Object.keys(TEMPLATES))
    assert.not.ok(
      refusedAsUnknown(() => buildModel({ kind: "template", name, args: {} } as never, image, 1)),
      name,
    );
  assert.ok(
    refusedAsUnknown(() =>
      buildModel({ kind: "layers", layers: [{ name: "conv3d", args: {} }], autoOutput: true }, image, 1),
    ),
  );
});

test("layer arguments: `stride` of conv2d and maxpool2d is the one the builder reads (the checker's shapes use it)", () => {
  const layers: { name: string; args: Record<string, Value> }[] = [
    { name: "conv2d", args: { filters: 3, kernel: 3, stride: 2, padding: "same" } },
    { name: "maxpool2d", args: { pool: 2, stride: 1, padding: "same" } },
  ];
  const { model } = buildModel({ kind: "layers", layers, autoOutput: true }, image, 1);
  assert.equal(model.layers[1]!.outputShape, [null, 4, 4, 3]);
  assert.equal(model.layers[2]!.outputShape, [null, 4, 4, 3]);
  model.dispose();
});

test("activations: every one of the catalogue builds a dense layer", () => {
  for (const activation of ACTIVATIONS) {
    const layers: { name: string; args: Record<string, Value> }[] = [
      { name: "flatten", args: {} },
      { name: "dense", args: { units: 2, activation } },
    ];
    buildModel({ kind: "layers", layers, autoOutput: true }, image, 1).model.dispose();
  }
});

test("data readers: every one of the catalogue is one the loader knows, and no other", () => {
  for (const reader of Object.keys(READERS))
    assert.throws(
      () => loadData(reader as never, { path: "/nonexistent/hpo-catalogue-test" }),
      (e: unknown) => !/unknown data reader/.test(String(e)),
      reader,
    );
  assert.throws(() => loadData("parquet" as never, { path: "/x" }), /unknown data reader `parquet`/);
});

test.run();
