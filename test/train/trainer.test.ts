import * as tf from "@tensorflow/tfjs";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import type { TrialView } from "../../src/plan/trial.js";
import type { ResolvedTrainer, Value } from "../../src/plan/types.js";
import { createPruner } from "../../src/strategies/pruners/index.js";
import { type TrialContext, activeBackend, trainTrial } from "../../src/train/index.js";
import { wasmLimits } from "../../src/train/wasm-memory.js";
import { HpoError } from "../../src/util/errors.js";

const dir = mkdtempSync(join(tmpdir(), "hpo-train-"));

// Two Gaussian blobs in 3 features plus a categorical column: easy to learn.
const csv = join(dir, "blobs.csv");
{
  const rows = ["a,b,c,kind,label"];
  for (let i = 0; i < 80; i++) {
    const cls = i % 2;
    const j = (k: number) => (Math.sin(i * 12.9898 + k * 78.233) * 0.5).toFixed(3);
    rows.push(
      `${cls * 2 + Number(j(1))},${cls * -2 + Number(j(2))},${j(3)},${i % 3 === 0 ? "x" : "y"},${cls ? "up" : "down"}`,
    );
  }
  writeFileSync(csv, `${rows.join("\n")}\n`);
}
const text = join(dir, "t.txt");
writeFileSync(text, "the cat sat on the mat. ".repeat(8));
const pairs = join(dir, "p.tsv");
writeFileSync(
  pairs,
  ["Go.\tVa !", "Hi.\tSalut !", "Run!\tCours !", "Who?\tQui ?", "Wow!\tÇa alors !", "Fire!\tAu feu !"].join(
    "\n",
  ),
);
const idxDir = join(dir, "idx");
mkdirSync(idxDir);
{
  const n = 24;
  const head = (dims: number[]) => {
    const b = Buffer.alloc(4 + 4 * dims.length);
    b[2] = 8;
    b[3] = dims.length;
    dims.forEach((d, i) => {
      b.writeUInt32BE(d, 4 + 4 * i);
    });
    return b;
  };
  const img = Buffer.alloc(n * 8 * 8);
  const lab = Buffer.alloc(n);
  for (let i = 0; i < n; i++) {
    lab[i] = i % 2;
    for (let p = 0; p < 64; p++) img[i * 64 + p] = (i % 2 === 0 ? p % 8 < 4 : p % 8 >= 4) ? 200 : 10;
  }
  writeFileSync(join(idxDir, "train-images-idx3-ubyte"), Buffer.concat([head([n, 8, 8]), img]));
  writeFileSync(join(idxDir, "train-labels-idx1-ubyte"), Buffer.concat([head([n]), lab]));
}

const call = (name: string, kwargs: Record<string, Value> = {}): Value => ({ call: name, args: [], kwargs });

type Layer = { name: string; args: Record<string, Value> };
type Model = ResolvedTrainer["model"];

function spec(over: Partial<ResolvedTrainer> = {}, train: Record<string, Value> = {}): ResolvedTrainer {
  return {
    kind: "trainer",
    data: { reader: "csv", args: { path: csv, target: "label", categorical: ["kind"] } },
    model: { kind: "template", name: "mlp", args: { units: 8 } },
    train: {
      optimizer: call("adam", { lr: 0.05 }),
      loss: "categorical_crossentropy",
      epochs: 4,
      batch_size: 16,
      ...train,
    },
    validation: { kind: "holdout", fraction: 0.25, options: {} },
    seed: 0,
    ...over,
  };
}

function ctx(over: Partial<TrialContext> = {}) {
  const reports: { step: number; values: Record<string, number> }[] = [];
  const c: TrialContext = {
    report: (step, values) => {
      reports.push({ step, values });
    },
    shouldPrune: () => false,
    signal: new AbortController().signal,
    seed: 1,
    trial: 0,
    ...over,
  };
  return { c, reports };
}

test("trains an MLP on CSV data and reports every epoch's metrics", async () => {
  const { c, reports } = ctx();
  const out = await trainTrial(spec(), c, { backend: "cpu" });
  assert.equal(
    reports.map((r) => r.step),
    [1, 2, 3, 4],
  );
  for (const k of [
    "loss",
    "accuracy",
    "error",
    "f1",
    "precision",
    "recall",
    "val_loss",
    "val_accuracy",
    "val_error",
    "val_f1",
    "params",
    "train_seconds",
  ])
    assert.type(out[k], "number", k);
  assert.ok(out.val_accuracy > 0.9, `val_accuracy ${out.val_accuracy}`);
  assert.ok(Math.abs(out.val_error - (1 - out.val_accuracy)) < 1e-9);
  assert.is(out.params, 5 * 8 + 8 + 8 * 2 + 2); // features a, b, c, kind=x, kind=y
});

test("is deterministic for a seed; auto picks hpo's native backend for a dense model", async () => {
  const a = await trainTrial(spec(), ctx().c);
  assert.is(activeBackend(), "native");
  const b = await trainTrial(spec(), ctx().c);
  assert.is(a.val_loss, b.val_loss);
  const other = await trainTrial(spec(), ctx({ seed: 2 }).c);
  assert.is.not(other.loss, a.loss);
});

test("stops when the pruner says so, and fails cleanly when aborted", async () => {
  const { c, reports } = ctx({ shouldPrune: () => true });
  const out = await trainTrial(spec(), c);
  assert.is(reports.length, 1);
  assert.is(out.epochs, 1);
  const abort = new AbortController();
  abort.abort(new Error("timeout"));
  try {
    await trainTrial(spec(), ctx({ signal: abort.signal }).c);
    assert.unreachable("should have thrown");
  } catch (err) {
    assert.instance(err, HpoError);
    assert.match((err as Error).message, /stopped \(timeout\)/);
  }
});

test("the validation split follows the study seed unless shuffle_seed fixes it", async () => {
  const run = async (seed: number, shuffleSeed?: number) => {
    const args = { path: csv, target: "label", categorical: ["kind"] };
    const data = {
      reader: "csv" as const,
      args: shuffleSeed === undefined ? args : { ...args, shuffle_seed: shuffleSeed },
    };
    return (await trainTrial(spec({ seed, data }), ctx().c, { backend: "cpu" })).val_loss;
  };
  assert.is.not(await run(1), await run(2));
  assert.is(await run(1, 5), await run(2, 5));
});

test("with the median pruner, a pruned trial stops at the step it was pruned", async () => {
  const pruner = createPruner({ name: "median", options: { startup: 1, warmup: 2 } });
  assert.ok(pruner);
  // A finished trial that reached a validation loss of 0 at every step: this trial is worse from
  // step 2 (the first the warmup lets the pruner judge) and must train no epoch past it.
  const finished: TrialView = {
    number: 0,
    state: "complete",
    params: {},
    values: [0],
    intermediate: [1, 2, 3, 4].map((step) => ({ step, value: 0 })),
  };
  const running: TrialView = { number: 1, state: "running", params: {}, intermediate: [] };
  let pruned = false;
  const steps: number[] = [];
  const { c } = ctx({
    trial: 1,
    // As in the study, the decision arrives asynchronously (after storage and a message round-trip).
    report: async (step, values) => {
      steps.push(step);
      running.intermediate.push({ step, value: values.val_loss as number });
      await new Promise((r) => setImmediate(r));
      pruned = pruner.shouldPrune(running, [finished, running], "minimize");
    },
    shouldPrune: () => pruned,
  });
  const out = await trainTrial(spec({}, { epochs: 4 }), c, { backend: "cpu" });
  assert.ok(pruned);
  assert.equal(steps, [1, 2]);
  assert.is(out.epochs, 2);
});

test("regression on a numeric CSV target, with a held-out test split reported as test_*", async () => {
  const data = {
    reader: "csv" as const,
    args: { path: csv, target: "a", categorical: ["kind", "label"], test: 0.2 },
  };
  const out = await trainTrial(spec({ data }, { loss: "mse", epochs: 3 }), ctx().c);
  assert.ok(Math.abs(out.val_rmse - Math.sqrt(out.val_loss)) < 1e-6);
  assert.type(out.test_loss, "number");
  assert.is(out.params, 6 * 8 + 8 + 8 + 1); // features b, c, kind=x, kind=y, label=down, label=up; linear output
});

test("a checkpoint lets a promoted trial continue exactly where it stopped", async () => {
  const checkpoint = join(dir, "ckpt");
  const whole = await trainTrial(spec({}, { epochs: 4 }), ctx().c);
  const before = tf.memory().numTensors;
  const first = ctx();
  await trainTrial(spec({}, { epochs: 2 }), first.c, { checkpoint });
  const second = ctx();
  const resumed = await trainTrial(spec({}, { epochs: 4 }), second.c, { checkpoint });
  assert.equal(
    second.reports.map((r) => r.step),
    [3, 4],
  );
  assert.is(resumed.epochs, 4);
  assert.ok(Math.abs(resumed.val_loss - whole.val_loss) < 1e-5, `${resumed.val_loss} vs ${whole.val_loss}`);
  assert.ok(resumed.train_seconds >= first.reports[1].values.train_seconds);
  assert.is(tf.memory().numTensors, before);
  try {
    await trainTrial(spec({ model: { kind: "template", name: "mlp", args: { units: 3 } } }), ctx().c, {
      checkpoint,
    });
    assert.unreachable("should throw");
  } catch (err) {
    assert.match((err as Error).message, /saved from another model/);
  }
});

test("a promoted trial on the longest run's schedule follows the uninterrupted run's curve", async () => {
  // cosine over 4 epochs: stopping at 2 and continuing to 4 must match 4 straight epochs only when
  // the first leg already followed the 4-epoch curve (scheduleEpochs), not a 2-epoch cosine of its own
  const cosine = { schedule: call("cosine", { min_lr: 0.001 }) };
  const whole = await trainTrial(spec({}, { ...cosine, epochs: 4 }), ctx().c);
  const legs = async (scheduleEpochs?: number) => {
    const checkpoint = join(dir, `ckpt-cosine-${scheduleEpochs ?? "own"}`);
    await trainTrial(spec({}, { ...cosine, epochs: 2 }), ctx().c, { checkpoint, scheduleEpochs });
    return trainTrial(spec({}, { ...cosine, epochs: 4 }), ctx().c, { checkpoint, scheduleEpochs });
  };
  const onOneCurve = await legs(4);
  assert.ok(
    Math.abs(onOneCurve.val_loss - whole.val_loss) < 1e-5,
    `${onOneCurve.val_loss} vs ${whole.val_loss}`,
  );
  const ownCurves = await legs(undefined);
  assert.ok(Math.abs(ownCurves.val_loss - whole.val_loss) > 1e-4, "a 2-epoch cosine is not the 4-epoch one");
});

test("k-fold validation trains one model per fold and averages them", async () => {
  const { c, reports } = ctx();
  const out = await trainTrial(
    spec({ validation: { kind: "kfold", k: 3, shuffle: true, options: {} } }, { epochs: 2 }),
    c,
  );
  assert.is(reports.length, 2);
  assert.ok(out.val_accuracy > 0.8);
});

test("early stopping ends training when the monitored metric stalls", async () => {
  const { c, reports } = ctx();
  const out = await trainTrial(
    spec(
      {},
      {
        epochs: 30,
        optimizer: call("sgd", { lr: 1e-9 }),
        early_stopping: call("early_stopping", { monitor: "val_loss", patience: 2 }),
      },
    ),
    c,
  );
  assert.ok(reports.length < 30);
  assert.is(out.epochs, reports.length);
});

test("no tensors leak across many trials with every optimizer, schedules and clipping", async () => {
  await trainTrial(spec({}, { epochs: 1 }), ctx().c);
  const before = tf.memory().numTensors;
  const optimizers = [
    call("sgd", { lr: 0.1, momentum: 0.9, nesterov: true }),
    call("adam", { lr: 0.01 }),
    call("rmsprop", { lr: 0.01 }),
    call("adagrad", { lr: 0.1 }),
    call("adadelta", { lr: 1 }),
    call("sgd", { lr: 0.1 }),
  ];
  for (const [i, optimizer] of optimizers.entries())
    await trainTrial(
      spec(
        {},
        {
          epochs: 2,
          optimizer,
          gradient_clip: 1,
          schedule:
            i % 2
              ? call("cyclic", { min_lr: 0.001, max_lr: 0.1, period: 4 })
              : call("cosine", { min_lr: 0.001, warmup: 1 }),
        },
      ),
      ctx({ trial: i }).c,
    );
  assert.is(tf.memory().numTensors, before);
});

test("char-level LSTM on text reports perplexity", async () => {
  const t = spec(
    {
      data: { reader: "text", args: { path: text, seq_len: 6, level: "char", limit: 64 } },
      model: { kind: "template", name: "rnn", args: { cell: "lstm", layers: 2, units: 8, embedding: 4 } },
    },
    { epochs: 2 },
  );
  const out = await trainTrial(t, ctx().c);
  assert.ok(Math.abs(out.val_perplexity - Math.exp(out.val_loss)) < 1e-6);
  assert.is(activeBackend(), "native"); // auto prefers hpo's backend to wasm when the addon loads
});

test("encoder-decoder Transformer and GRU on pairs report token accuracy and BLEU", async () => {
  const models: Model[] = [
    {
      kind: "template" as const,
      name: "transformer" as const,
      args: { layers: 1, heads: 2, d_model: 8, d_ff: 16, dropout: 0.1 },
    },
    { kind: "template" as const, name: "rnn" as const, args: { cell: "gru", units: 8, embedding: 4 } },
  ];
  for (const model of models) {
    const out = await trainTrial(
      spec(
        {
          data: { reader: "pairs", args: { path: pairs, max_len: 5 } },
          model,
          validation: { kind: "holdout", fraction: 0.34, options: {} },
        },
        { epochs: 2, batch_size: 4 },
      ),
      ctx().c,
    );
    assert.type(out.val_token_accuracy, "number");
    assert.ok(out.val_perplexity > 1);
    assert.ok(out.val_bleu >= 0 && out.val_bleu <= 1, `val_bleu ${out.val_bleu}`);
  }
});

test("CNN template and an explicit layer list on IDX images", async () => {
  const data = { reader: "mnist" as const, args: { path: idxDir } };
  const cnn = await trainTrial(
    spec(
      {
        data,
        model: { kind: "template", name: "cnn", args: { blocks: 2, filters: 4, kernel: 3, dense: 8 } },
      },
      { epochs: 2, batch_size: 8 },
    ),
    ctx().c,
  );
  assert.type(cnn.val_accuracy, "number");
  // auto takes hpo's backend, which has every kernel (the conv2d gradients natively); without the
  // addon it would try wasm and retrain on cpu (test/train/backend.test.ts covers that choice)
  assert.is(activeBackend(), "native");
  const layers: Layer[] = [
    { name: "conv2d", args: { filters: 4, kernel: 3, padding: "same", activation: "relu" } },
    { name: "batchnorm", args: {} },
    { name: "maxpool2d", args: { pool: 2 } },
    { name: "dropout", args: { rate: 0.2 } },
    { name: "flatten", args: {} },
    { name: "dense", args: { units: 8, activation: "relu" } },
  ];
  const listed = await trainTrial(
    spec({ data, model: { kind: "layers", layers, autoOutput: true } }, { epochs: 2 }),
    ctx().c,
  );
  assert.is(listed.params, 4 * 9 + 4 + 4 * 2 + 4 * 4 * 4 * 8 + 8 + 8 * 10 + 10);
});

test("attention, positional encoding and transformer blocks in a layer list", async () => {
  const layers: Layer[] = [
    { name: "embedding", args: { units: 8 } },
    { name: "positional_encoding", args: {} },
    { name: "attention", args: { heads: 2 } },
    { name: "layernorm", args: {} },
    { name: "transformer_encoder", args: { heads: 2, d_ff: 8 } },
    { name: "transformer_decoder", args: { heads: 2, d_ff: 8 } },
    { name: "globalavgpool", args: {} },
  ];
  const out = await trainTrial(
    spec(
      {
        data: { reader: "text", args: { path: text, seq_len: 5, level: "word" } },
        model: { kind: "layers", layers, autoOutput: true },
      },
      { epochs: 1 },
    ),
    ctx().c,
  );
  assert.type(out.val_perplexity, "number");
});

test("a model too large for memory fails its trial alone, with a message", async () => {
  // 2 × 2^32 weights exceed the largest typed array: the allocation fails at once, before any memory is used.
  const huge = spec({
    model: { kind: "layers", layers: [{ name: "dense", args: { units: 2 ** 32 } }], autoOutput: true },
  });
  const before = tf.memory().numTensors;
  try {
    await trainTrial(huge, ctx({ trial: 9 }).c, { backend: "cpu" });
    assert.unreachable("should throw");
  } catch (err) {
    assert.instance(err, HpoError);
    assert.match((err as Error).message, /^trial 9 failed \(out of memory\): Invalid typed array length/);
  }
  assert.is(tf.memory().numTensors, before);
  const next = await trainTrial(spec({}, { epochs: 1 }), ctx().c);
  assert.type(next.val_loss, "number");
});

test("a model over wasm's budget: auto trains it on hpo-native, --backend wasm refuses it naming its size", async () => {
  const saved = wasmLimits.budgetBytes;
  wasmLimits.budgetBytes = 1_000; // the mlp below needs a few kB: "too large" without building GBs
  try {
    // With the addon built, auto takes hpo-native, whose memory is the machine's, not wasm's 4 GB.
    // (Without the addon auto would take wasm and retrain such a model on cpu: backend.test.ts.)
    const out = await trainTrial(spec({}, { epochs: 1 }), ctx().c, { backend: "auto" });
    assert.type(out.val_loss, "number");
    assert.is(activeBackend(), "native");
    try {
      await trainTrial(spec({}, { epochs: 1 }), ctx({ trial: 4 }).c, { backend: "wasm" });
      assert.unreachable("expected a refusal");
    } catch (err) {
      assert.instance(err, HpoError);
      assert.match(
        (err as Error).message,
        /^this model has \d+ trainable parameters: .* more than the 0\.0 GB hpo allows a model on the wasm backend/,
      );
    }
  } finally {
    wasmLimits.budgetBytes = saved;
  }
  // within the budget, wasm trains it
  await trainTrial(spec({}, { epochs: 1 }), ctx().c, { backend: "wasm" });
  assert.is(activeBackend(), "wasm");
});

test("bad settings fail the trial with a clear message", async () => {
  const bad: [ResolvedTrainer, RegExp][] = [
    [spec({}, { optimizer: call("adamw", { lr: 0.1 }) }), /unknown optimizer `adamw`/],
    [spec({}, { loss: "mse" }), /does not fit classification data/],
    [
      spec({
        model: {
          kind: "layers",
          layers: [{ name: "dense", args: { units: 3, activation: "softmax" } }],
          autoOutput: false,
        },
      }),
      /output has shape \[3\], the data need \[2\]/,
    ],
    [
      spec({ model: { kind: "layers", layers: [{ name: "conv3d", args: {} }], autoOutput: true } }),
      /unknown layer `conv3d`/,
    ],
    [
      spec({ data: { reader: "csv", args: { path: join(dir, "none.csv"), target: "y" } } }),
      /data file not found: .*none\.csv/,
    ],
  ];
  const before = tf.memory().numTensors;
  for (const [s, pattern] of bad) {
    try {
      await trainTrial(s, ctx().c);
      assert.unreachable(`expected ${pattern}`);
    } catch (err) {
      assert.instance(err, HpoError);
      assert.match((err as Error).message, pattern);
    }
  }
  assert.is(tf.memory().numTensors, before);
});

test.run();
