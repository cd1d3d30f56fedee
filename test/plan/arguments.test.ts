/**
 * What the checker accepts is what the runtime reads, argument by argument: for every layer,
 * template, reader, optimizer, schedule and callback, and every argument its catalogue entry declares,
 * the runtime is built with that argument set to a non-default legal value and the result shows it
 * was honoured; an argument the catalogue does not declare is refused. The probe tables must name
 * exactly the catalogue's arguments, so a new argument without a probe fails here.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type * as tf from "@tensorflow/tfjs";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { loadData } from "../../src/data/index.js";
import type { Dataset } from "../../src/data/types.js";
import { CALL_TABLES, type CallKind } from "../../src/plan/catalog.js";
import { readArgs } from "../../src/plan/options.js";
import type { Value } from "../../src/plan/types.js";
import { useBackend } from "../../src/train/backend.js";
import { readEarlyStopping } from "../../src/train/callvalue.js";
import { buildModel } from "../../src/train/model.js";
import { createOptimizer } from "../../src/train/optimizers.js";
import { createSchedule } from "../../src/train/schedules.js";
import { HpoError } from "../../src/util/errors.js";

await useBackend("cpu");

type Args = Record<string, Value>;
type Cfg = Record<string, unknown>;

const image: Dataset = {
  task: "classification",
  n: 2,
  inputShape: [8, 8, 1],
  x: new Float32Array(128),
  y: new Float32Array([0, 1]),
  numClasses: 2,
};
const tokens: Dataset = {
  task: "language_model",
  n: 2,
  inputShape: [6],
  x: new Float32Array(12),
  y: new Float32Array([0, 1]),
  numClasses: 20,
  vocabSize: 20,
};

/** The configs of the built model's layers, by tfjs class name. */
function configs(model: tf.LayersModel): { cls: string; cfg: Cfg; layer: tf.layers.Layer }[] {
  return model.layers.map((l) => ({ cls: l.getClassName(), cfg: l.getConfig() as Cfg, layer: l }));
}
const some = (model: tf.LayersModel, cls: string, ok: (cfg: Cfg, layer: tf.layers.Layer) => boolean) =>
  configs(model).some((l) => l.cls === cls && ok(l.cfg, l.layer));
const count = (model: tf.LayersModel, cls: string) => configs(model).filter((l) => l.cls === cls).length;

/** One argument's probe: a legal value other than the default, and how the built result shows it. */
interface Probe<R> {
  value: Value;
  honoured: (built: R) => boolean;
}
/** A call's probes: the context it is built in, its required arguments, and one probe per argument. */
interface CallProbes<R> {
  base: Args;
  probes: Record<string, Probe<R>>;
}

// ---- layers: built as the layer after `before`, on `ds` ----
interface LayerProbes extends CallProbes<tf.LayersModel> {
  ds?: Dataset;
  before?: { name: string; args: Args }[];
}
const SEQ = [{ name: "input", args: { shape: [8, 8] } }];
const cfgIs = (cls: string, key: string, want: unknown) => (m: tf.LayersModel) =>
  some(m, cls, (c) => JSON.stringify(c[key]) === JSON.stringify(want));
const rnn = (cls: string): LayerProbes => ({
  before: SEQ,
  base: { units: 4 },
  probes: {
    units: { value: 5, honoured: cfgIs(cls, "units", 5) },
    return_sequences: { value: true, honoured: cfgIs(cls, "returnSequences", true) },
    dropout: { value: 0.25, honoured: cfgIs("Dropout", "rate", 0.25) },
  },
});
const conv = (
  cls: string,
  before: LayerProbes["before"],
  kernel: unknown,
  strides: unknown,
): LayerProbes => ({
  before,
  base: { filters: 4, kernel: 3 },
  probes: {
    filters: { value: 5, honoured: cfgIs(cls, "filters", 5) },
    kernel: { value: 2, honoured: cfgIs(cls, "kernelSize", kernel) },
    stride: { value: 2, honoured: cfgIs(cls, "strides", strides) },
    padding: { value: "same", honoured: cfgIs(cls, "padding", "same") },
    activation: { value: "tanh", honoured: cfgIs(cls, "activation", "tanh") },
  },
});
const pool = (cls: string): LayerProbes => ({
  base: {},
  probes: {
    pool: { value: 3, honoured: cfgIs(cls, "poolSize", [3, 3]) },
    stride: { value: 1, honoured: cfgIs(cls, "strides", [1, 1]) },
    padding: { value: "same", honoured: cfgIs(cls, "padding", "same") },
  },
});
const block = (): LayerProbes => ({
  before: SEQ,
  base: { heads: 1 },
  probes: {
    heads: { value: 2, honoured: cfgIs("HpoMultiHeadAttention", "numHeads", 2) },
    // Projected to width 4 first: the block's dense layers end at 4 (8 without).
    d_model: { value: 4, honoured: cfgIs("Dense", "units", 4) },
    d_ff: { value: 3, honoured: cfgIs("Dense", "units", 3) },
    dropout: { value: 0.25, honoured: cfgIs("Dropout", "rate", 0.25) },
  },
});

const LAYER_PROBES: Record<string, LayerProbes> = {
  input: {
    base: { shape: [64] },
    probes: { shape: { value: [8, 8], honoured: (m) => m.inputs[0].shape.join() === ",8,8" } },
  },
  dense: {
    base: { units: 4 },
    probes: {
      units: { value: 7, honoured: cfgIs("Dense", "units", 7) },
      activation: { value: "tanh", honoured: cfgIs("Dense", "activation", "tanh") },
      use_bias: { value: false, honoured: cfgIs("Dense", "useBias", false) },
    },
  },
  conv1d: conv("Conv1D", SEQ, [2], [2]),
  conv2d: conv("Conv2D", [], [2, 2], [2, 2]),
  maxpool2d: pool("MaxPooling2D"),
  avgpool2d: pool("AveragePooling2D"),
  globalavgpool: { base: {}, probes: {} },
  flatten: { base: {}, probes: {} },
  dropout: {
    base: { rate: 0.5 },
    probes: { rate: { value: 0.25, honoured: cfgIs("Dropout", "rate", 0.25) } },
  },
  batchnorm: {
    base: {},
    probes: { momentum: { value: 0.5, honoured: cfgIs("BatchNormalization", "momentum", 0.5) } },
  },
  layernorm: {
    base: {},
    probes: { epsilon: { value: 0.01, honoured: cfgIs("LayerNormalization", "epsilon", 0.01) } },
  },
  embedding: {
    ds: tokens,
    base: { units: 4 },
    probes: {
      units: { value: 5, honoured: cfgIs("HpoTokenEmbedding", "outputDim", 5) },
      vocab: { value: 30, honoured: cfgIs("HpoTokenEmbedding", "inputDim", 30) },
    },
  },
  lstm: rnn("LSTM"),
  gru: rnn("GRU"),
  simplernn: rnn("SimpleRNN"),
  attention: {
    before: SEQ,
    base: { heads: 2 },
    probes: {
      heads: { value: 4, honoured: cfgIs("HpoMultiHeadAttention", "numHeads", 4) },
      // The inner width 4 over 2 heads: keys of size 2 (the input's width 8 would give 4).
      d_model: { value: 4, honoured: cfgIs("HpoMultiHeadAttention", "keyDim", 2) },
      dropout: { value: 0.25, honoured: cfgIs("HpoMultiHeadAttention", "dropout", 0.25) },
      causal: { value: true, honoured: cfgIs("HpoMultiHeadAttention", "causal", true) },
    },
  },
  transformer_encoder: block(),
  transformer_decoder: block(),
  positional_encoding: {
    before: SEQ,
    base: {},
    probes: {
      max_len: { value: 12, honoured: cfgIs("HpoPositionalEncoding", "maxLen", 12) },
      trainable: { value: false, honoured: (m) => some(m, "HpoPositionalEncoding", (_c, l) => !l.trainable) },
    },
  },
  activation: {
    base: { activation: "relu" },
    probes: { activation: { value: "tanh", honoured: cfgIs("Activation", "activation", "tanh") } },
  },
};

// ---- templates ----
interface TemplateProbes extends CallProbes<tf.LayersModel> {
  ds: Dataset;
}
const TEMPLATE_PROBES: Record<string, TemplateProbes> = {
  mlp: {
    ds: image,
    base: {},
    probes: {
      units: {
        value: [7, 5],
        honoured: (m) => cfgIs("Dense", "units", 7)(m) && cfgIs("Dense", "units", 5)(m),
      },
      layers: { value: 3, honoured: (m) => count(m, "Dense") === 4 },
      activation: { value: "tanh", honoured: cfgIs("Dense", "activation", "tanh") },
      dropout: { value: 0.25, honoured: cfgIs("Dropout", "rate", 0.25) },
      batch_norm: { value: true, honoured: (m) => count(m, "BatchNormalization") === 1 },
    },
  },
  cnn: {
    ds: image,
    base: {},
    probes: {
      blocks: { value: 1, honoured: (m) => count(m, "Conv2D") === 1 },
      filters: {
        value: [5, 6],
        honoured: (m) => cfgIs("Conv2D", "filters", 5)(m) && cfgIs("Conv2D", "filters", 6)(m),
      },
      kernel: { value: 2, honoured: cfgIs("Conv2D", "kernelSize", [2, 2]) },
      pool: { value: 4, honoured: cfgIs("MaxPooling2D", "poolSize", [4, 4]) },
      activation: { value: "tanh", honoured: cfgIs("Conv2D", "activation", "tanh") },
      dropout: { value: 0.25, honoured: cfgIs("Dropout", "rate", 0.25) },
      dense: {
        value: [9, 3],
        honoured: (m) => cfgIs("Dense", "units", 9)(m) && cfgIs("Dense", "units", 3)(m),
      },
    },
  },
  rnn: {
    ds: tokens,
    base: {},
    probes: {
      cell: { value: "gru", honoured: (m) => count(m, "GRU") === 1 && count(m, "LSTM") === 0 },
      layers: { value: 2, honoured: (m) => count(m, "LSTM") === 2 },
      units: { value: 5, honoured: cfgIs("LSTM", "units", 5) },
      dropout: { value: 0.25, honoured: cfgIs("Dropout", "rate", 0.25) },
      embedding: { value: 7, honoured: cfgIs("HpoTokenEmbedding", "outputDim", 7) },
    },
  },
  transformer: {
    ds: tokens,
    base: { d_model: 8, heads: 2 },
    probes: {
      layers: { value: 1, honoured: (m) => count(m, "HpoMultiHeadAttention") === 1 },
      heads: { value: 4, honoured: cfgIs("HpoMultiHeadAttention", "numHeads", 4) },
      d_model: { value: 12, honoured: cfgIs("HpoTokenEmbedding", "outputDim", 12) },
      d_ff: { value: 5, honoured: cfgIs("Dense", "units", 5) },
      dropout: { value: 0.25, honoured: cfgIs("Dropout", "rate", 0.25) },
      max_len: { value: 10, honoured: cfgIs("HpoPositionalEncoding", "maxLen", 10) },
    },
  },
};

// ---- optimizers: the tf.train optimizer's config ----
const optCfg = (key: string, want: number | boolean) => (o: tf.Optimizer) =>
  (o.getConfig() as Cfg)[key] === want;
const LR = { value: 0.5, honoured: optCfg("learningRate", 0.5) };
const OPTIMIZER_PROBES: Record<string, CallProbes<tf.Optimizer>> = {
  sgd: {
    base: { lr: 0.1 },
    probes: {
      lr: LR,
      momentum: { value: 0.5, honoured: optCfg("momentum", 0.5) },
      nesterov: { value: true, honoured: optCfg("useNesterov", true) },
    },
  },
  adam: {
    base: { lr: 0.1 },
    probes: {
      lr: LR,
      beta1: { value: 0.5, honoured: optCfg("beta1", 0.5) },
      beta2: { value: 0.5, honoured: optCfg("beta2", 0.5) },
      epsilon: { value: 0.5, honoured: optCfg("epsilon", 0.5) },
    },
  },
  rmsprop: {
    base: { lr: 0.1 },
    probes: {
      lr: LR,
      rho: { value: 0.5, honoured: optCfg("decay", 0.5) },
      momentum: { value: 0.5, honoured: optCfg("momentum", 0.5) },
    },
  },
  adagrad: { base: { lr: 0.1 }, probes: { lr: LR } },
  adadelta: { base: { lr: 0.1 }, probes: { lr: LR, rho: { value: 0.5, honoured: optCfg("rho", 0.5) } } },
};

// ---- schedules: the rates of 10 epochs × 4 steps differ from those without the argument ----
const rates = (name: string, kwargs: Args): number[] => {
  const s = createSchedule({ call: name, args: [], kwargs }, 1, 10);
  return Array.from({ length: 40 }, (_, i) => s.rate(Math.floor(i / 4), i));
};
const SCHEDULE_PROBES: Record<string, { base: Args; probes: Args }> = {
  constant: { base: {}, probes: {} },
  time_decay: { base: { decay: 0.1 }, probes: { decay: 0.3 } },
  step_decay: { base: { rate: 0.5, every: 2 }, probes: { rate: 0.25, every: 3, start: 2 } },
  exponential_decay: { base: { decay: 0.1 }, probes: { decay: 0.3 } },
  cyclic: {
    base: { min_lr: 0.1, max_lr: 1, period: 4 },
    probes: { min_lr: 0.2, max_lr: 0.5, period: 6, mode: "triangular2" },
  },
  cosine: { base: {}, probes: { min_lr: 0.1, warmup: 2 } },
};

// ---- callbacks: the stopping rule the trainer runs ----
const CALLBACK_PROBES: Record<string, CallProbes<ReturnType<typeof readEarlyStopping>>> = {
  early_stopping: {
    base: { patience: 3 },
    probes: {
      monitor: { value: "val_accuracy", honoured: (e) => e?.monitor === "val_accuracy" },
      patience: { value: 5, honoured: (e) => e?.patience === 5 },
      min_delta: { value: 0.1, honoured: (e) => e?.minDelta === 0.1 },
    },
  },
};

// ---- readers: files on disk, the loaded data ----
type Loaded = ReturnType<typeof loadData>;
/** A reader's probe may need other arguments with it (`also`). */
type ReaderProbe = Probe<Loaded> & { also?: Args };
const dir = mkdtempSync(join(tmpdir(), "hpo-args-"));
const csvPath = join(dir, "t.csv");
const rows = Array.from({ length: 20 }, (_, i) => `${i},${i % 3},${2 * i},${i % 2},${i % 2 ? "p" : "q"}`);
writeFileSync(csvPath, `a,b,c,y,z\n${rows.join("\n")}\n`);
const TEXT = "the cat sat on the mat and the dog sat on the log. ".repeat(4);
const textPath = join(dir, "t.txt");
writeFileSync(textPath, TEXT);
const pairsPath = join(dir, "p.tsv");
writeFileSync(pairsPath, Array.from({ length: 12 }, (_, i) => `go ${i}\tva ${i}\tgeh ${i} ja`).join("\n"));
const pairsSemi = join(dir, "p.txt");
writeFileSync(pairsSemi, Array.from({ length: 12 }, (_, i) => `go ${i};va ${i}`).join("\n"));
const train = (d: Loaded) => d.train;
/** The arguments every reader shares; `validation` and `normalize` are the trainer's (src/train/). */
const COMMON = (reader: "csv" | "text" | "pairs", base: Args): Record<string, ReaderProbe> => ({
  path: { value: base.path as string, honoured: (d) => d.source === base.path },
  test: {
    value: 0.25,
    honoured: (d) => d.test !== undefined && d.test.n + d.train.n === loadData(reader, base, 1).train.n,
  },
  limit: { value: 4, honoured: (d) => train(d).n === 4 },
  shuffle_seed: {
    value: 7,
    also: { test: 0.25 },
    // Another test part than the study seed (1) draws.
    honoured: (d) => d.test?.x.join() !== loadData(reader, { ...base, test: 0.25 }, 1).test?.x.join(),
  },
});
const CSV = { path: csvPath, target: "y", features: ["a", "b", "c"] };
const TXT = { path: textPath, seq_len: 4 };
const PAIRS = { path: pairsPath, max_len: 4 };
const READER_PROBES: Record<string, { base: Args; probes: Record<string, ReaderProbe> }> = {
  csv: {
    base: CSV,
    probes: {
      target: { value: "z", honoured: (d) => train(d).task === "classification" },
      features: { value: ["a"], honoured: (d) => train(d).inputShape[0] === 1 },
      categorical: { value: ["b"], honoured: (d) => train(d).inputShape[0] === 1 + 3 + 1 },
      task: { value: "classification", honoured: (d) => train(d).task === "classification" },
      ...COMMON("csv", CSV),
    },
  },
  text: {
    base: TXT,
    probes: {
      seq_len: { value: 5, honoured: (d) => train(d).inputShape[0] === 5 },
      level: { value: "word", honoured: (d) => train(d).labels?.includes("cat") === true },
      step: { value: 3, honoured: (d) => train(d).n === Math.floor((TEXT.length - 4 - 1) / 3) + 1 },
      ...COMMON("text", TXT),
    },
  },
  pairs: {
    base: PAIRS,
    probes: {
      max_len: { value: 5, honoured: (d) => train(d).inputShape[0] === 5 },
      source_col: { value: 2, honoured: (d) => d.train.vocabSize === 4 + 14 },
      target_col: { value: 2, honoured: (d) => d.train.labels?.includes("geh") === true },
      separator: {
        value: ";",
        also: { path: pairsSemi },
        honoured: (d) => d.train.labels?.includes("va") === true,
      },
      ...COMMON("pairs", PAIRS),
    },
  },
  // The IDX and CIFAR-10 binary readers read `path` and the common arguments (test/data covers them).
  mnist: { base: {}, probes: {} },
  fashion_mnist: { base: {}, probes: {} },
  cifar10: { base: {}, probes: {} },
};

const PROBES: Record<CallKind, Record<string, { probes: Record<string, unknown> }>> = {
  layer: LAYER_PROBES,
  template: TEMPLATE_PROBES,
  optimizer: OPTIMIZER_PROBES,
  schedule: SCHEDULE_PROBES,
  callback: CALLBACK_PROBES,
  reader: READER_PROBES,
} as never;

test("every call of the catalogue has a probe for each of its arguments, and no other", () => {
  const untested: Record<string, string[]> = {
    // Read by the binary readers or the trainer; see READER_PROBES and TRAINER_READS. `split` is
    // honoured by loadData: test/data/official-split.test.ts.
    mnist: ["path", "validation", "test", "limit", "shuffle_seed", "split"],
    fashion_mnist: ["path", "validation", "test", "limit", "shuffle_seed", "split"],
    cifar10: ["path", "validation", "test", "limit", "shuffle_seed"],
    csv: ["normalize", "validation"],
    text: ["validation"],
    pairs: ["validation"],
  };
  const trainerReads = new Set(["validation", "normalize"]);
  for (const kind of Object.keys(CALL_TABLES) as CallKind[]) {
    const table = CALL_TABLES[kind] as Record<string, { args: readonly { name: string }[] }>;
    assert.equal(Object.keys(PROBES[kind]).sort(), Object.keys(table).sort(), kind);
    for (const [name, spec] of Object.entries(table)) {
      const probed = [...Object.keys(PROBES[kind][name].probes), ...(untested[name] ?? [])].sort();
      assert.equal(probed, spec.args.map((a) => a.name).sort(), `${kind} ${name}`);
    }
  }
  for (const arg of [...untested.csv, ...untested.text, ...untested.pairs])
    assert.ok(trainerReads.has(arg), arg);
});

/** Builds `name` with `args`; the result, its tensors freed by `done`. */
function withLayer(name: string, p: LayerProbes, args: Args, check: (m: tf.LayersModel) => void) {
  const ds = p.ds ?? image;
  const layers = name === "input" ? [{ name, args }] : [...(p.before ?? []), { name, args }];
  const { model } = buildModel({ kind: "layers", layers, autoOutput: true }, ds, 1);
  try {
    check(model);
  } finally {
    model.dispose();
  }
}

test("layers: every declared argument changes the built layer", () => {
  for (const [name, p] of Object.entries(LAYER_PROBES))
    for (const [arg, probe] of Object.entries(p.probes)) {
      withLayer(name, p, { ...p.base, [arg]: probe.value }, (m) =>
        assert.ok(probe.honoured(m), `${name}(${arg} = ${JSON.stringify(probe.value)})`),
      );
      // Without the value the same check fails: the value did the work, not a default.
      withLayer(name, p, p.base, (m) =>
        assert.not.ok(probe.honoured(m), `${name}(${arg}) without the value`),
      );
    }
});

test("templates: every declared argument changes the built model", () => {
  for (const [name, p] of Object.entries(TEMPLATE_PROBES))
    for (const [arg, probe] of Object.entries(p.probes))
      for (const set of [true, false]) {
        const args = set ? { ...p.base, [arg]: probe.value } : p.base;
        const { model } = buildModel({ kind: "template", name: name as never, args }, p.ds, 1);
        try {
          assert.is(
            probe.honoured(model),
            set,
            `${name}(${arg} = ${JSON.stringify(probe.value)}) set: ${set}`,
          );
        } finally {
          model.dispose();
        }
      }
});

test("optimizers: every declared argument reaches the tf.train optimizer", () => {
  for (const [name, p] of Object.entries(OPTIMIZER_PROBES))
    for (const [arg, probe] of Object.entries(p.probes))
      for (const set of [true, false]) {
        const o = createOptimizer({
          call: name,
          args: [],
          kwargs: set ? { ...p.base, [arg]: probe.value } : p.base,
        });
        try {
          assert.is(probe.honoured(o.optimizer), set, `${name}(${arg}) set: ${set}`);
        } finally {
          o.dispose();
        }
      }
});

test("schedules: every declared argument changes the rates", () => {
  for (const [name, p] of Object.entries(SCHEDULE_PROBES))
    for (const [arg, value] of Object.entries(p.probes))
      assert.not.equal(rates(name, { ...p.base, [arg]: value }), rates(name, p.base), `${name}(${arg})`);
});

test("callbacks: every declared argument reaches the stopping rule", () => {
  for (const [name, p] of Object.entries(CALLBACK_PROBES))
    for (const [arg, probe] of Object.entries(p.probes)) {
      const es = readEarlyStopping({ call: name, args: [], kwargs: { ...p.base, [arg]: probe.value } });
      assert.ok(probe.honoured(es), `${name}(${arg})`);
      if (!(arg in p.base))
        assert.not.ok(
          probe.honoured(readEarlyStopping({ call: name, args: [], kwargs: p.base })),
          `${name}(${arg})`,
        );
    }
});

test("readers: every declared argument changes the loaded data", () => {
  for (const [name, p] of Object.entries(READER_PROBES))
    for (const [arg, probe] of Object.entries(p.probes)) {
      const given = { ...p.base, ...probe.also };
      const data = loadData(name as never, { ...given, [arg]: probe.value }, 1);
      assert.ok(probe.honoured(data), `${name}(${arg} = ${JSON.stringify(probe.value)})`);
      if (arg === "path") continue; // required: there is no load without it
      if (arg === "separator") assert.throws(() => loadData("pairs", given, 1), /1 tab-separated columns/);
      else
        assert.not.ok(probe.honoured(loadData(name as never, given, 1)), `${name}(${arg}) without the value`);
    }
});

const refused = (fn: () => unknown, name: string, arg: string) =>
  assert.throws(
    fn,
    (e: unknown) => e instanceof HpoError && e.message.includes(`has no argument \`${arg}\``),
    `${name}(${arg})`,
  );

test("the runtime refuses an argument the catalogue does not declare (a hand-written Plan)", () => {
  for (const name of Object.keys(LAYER_PROBES)) {
    const p = LAYER_PROBES[name];
    refused(() => withLayer(name, p, { ...p.base, bogus: 1 }, () => {}), name, "bogus");
  }
  // The names the runtime used to read although the checker refused them, and the reverse.
  refused(
    () => withLayer("embedding", LAYER_PROBES.embedding, { units: 4, input_dim: 9 }, () => {}),
    "embedding",
    "input_dim",
  );
  refused(
    () => withLayer("attention", LAYER_PROBES.attention, { heads: 2, key_dim: 2 }, () => {}),
    "attention",
    "key_dim",
  );
  for (const [name, p] of Object.entries(TEMPLATE_PROBES))
    refused(
      () => buildModel({ kind: "template", name: name as never, args: { ...p.base, bogus: 1 } }, p.ds, 1),
      name,
      "bogus",
    );
  assert.throws(
    () => buildModel({ kind: "template", name: "rnn", args: { cell: "simplernn" } }, tokens, 1),
    /rnn\(cell\) must be one of "lstm", "gru", "simple"/,
  );
  for (const [name, p] of Object.entries(OPTIMIZER_PROBES))
    refused(() => createOptimizer({ call: name, args: [], kwargs: { ...p.base, bogus: 1 } }), name, "bogus");
  for (const [name, p] of Object.entries(SCHEDULE_PROBES))
    refused(
      () => createSchedule({ call: name, args: [], kwargs: { ...p.base, bogus: 1 } }, 1, 5),
      name,
      "bogus",
    );
  refused(
    () => readEarlyStopping({ call: "early_stopping", args: [], kwargs: { patience: 1, bogus: 1 } }),
    "early_stopping",
    "bogus",
  );
  for (const [name, p] of Object.entries(READER_PROBES))
    refused(() => loadData(name as never, { ...p.base, bogus: 1 }), name, "bogus");
});

test("positional arguments of symbolic calls bind in the catalogue's order", () => {
  const step = (c: { args: Value[]; kwargs: Args }) => {
    const s = createSchedule({ call: "step_decay", ...c }, 1, 10);
    return Array.from({ length: 10 }, (_, e) => s.rate(e, 0));
  };
  assert.equal(
    step({ args: [0.5, 2, 1], kwargs: {} }),
    step({ args: [], kwargs: { rate: 0.5, every: 2, start: 1 } }),
  );
  const o = createOptimizer({ call: "sgd", args: [0.5], kwargs: {} });
  assert.is((o.optimizer.getConfig() as Cfg).learningRate, 0.5);
  o.dispose();
  assert.throws(() => createOptimizer({ call: "sgd", args: [0.1, 0.5], kwargs: {} }), /at most 1 positional/);
  assert.throws(
    () => createOptimizer({ call: "sgd", args: [0.1], kwargs: { lr: 0.2 } }),
    /sgd\(lr\) is given twice/,
  );
});

test("readArgs types its result from the catalogue entry", () => {
  const a = readArgs("layer", "dense", { units: 3, use_bias: false });
  assert.equal([a.units, a.use_bias, a.activation], [3, false, undefined]);
  // @ts-expect-error: `input_dim` is no argument of dense(), so reading it does not compile.
  assert.is(a.input_dim, undefined);
  assert.throws(() => readArgs("layer", "dense", { units: 0 }), /dense\(units\) must be at least 1, got 0/);
  assert.throws(() => readArgs("layer", "dense", {}), /dense\(\) needs `units`/);
});

test.run();
