/**
 * One catalogue: every metric the checker accepts as a goal (TRAINER_METRICS) is one the built-in
 * trainer reports, for the task kinds that have it.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { TRAINER_METRICS } from "../../src/plan/catalog.js";
import { compileSource } from "../../src/lang/index.js";
import type { ResolvedTrainer, Value } from "../../src/plan/types.js";
import { trainTrial } from "../../src/train/index.js";

const dir = mkdtempSync(join(tmpdir(), "hpo-metrics-"));
const csv = join(dir, "rows.csv");
writeFileSync(
  csv,
  `${["a,b,label,price", ...Array.from({ length: 40 }, (_, i) => `${i % 7},${(i * 3) % 5},${i % 2 ? "up" : "down"},${100 + 10 * (i % 7)}`)].join("\n")}\n`,
);
const text = join(dir, "t.txt");
writeFileSync(text, "the cat sat on the mat. ".repeat(6));
const pairs = join(dir, "p.tsv");
writeFileSync(
  pairs,
  ["Go.\tVa !", "Hi.\tSalut !", "Run!\tCours !", "Who?\tQui ?", "Wow!\tÇa alors !", "Fire!\tAu feu !"].join(
    "\n",
  ),
);

const call = (name: string, kwargs: Record<string, Value> = {}): Value => ({ call: name, args: [], kwargs });
const ctx = {
  report() {},
  shouldPrune: () => false,
  signal: new AbortController().signal,
  seed: 1,
  trial: 0,
};

function trial(
  data: ResolvedTrainer["data"],
  model: ResolvedTrainer["model"],
  loss: string,
): ResolvedTrainer {
  return {
    kind: "trainer",
    data,
    model,
    train: { optimizer: call("adam", { lr: 0.01 }), loss, epochs: 1, batch_size: 8 },
    validation: { kind: "holdout", fraction: 0.25, options: {} },
    seed: 0,
  };
}

const mlp = { kind: "template" as const, name: "mlp" as const, args: { units: 4 } };
const byTask: Record<string, ResolvedTrainer> = {
  classification: trial(
    { reader: "csv", args: { path: csv, target: "label", features: ["a", "b"], test: 0.2 } },
    mlp,
    "categorical_crossentropy",
  ),
  regression: trial(
    { reader: "csv", args: { path: csv, target: "price", features: ["a", "b"], test: 0.2 } },
    mlp,
    "mse",
  ),
  language_model: trial(
    { reader: "text", args: { path: text, seq_len: 4, test: 0.2 } },
    { kind: "template", name: "rnn", args: { cell: "gru", units: 4, embedding: 4 } },
    "sparse_categorical_crossentropy",
  ),
  translation: trial(
    { reader: "pairs", args: { path: pairs, max_len: 5 } },
    { kind: "template", name: "rnn", args: { cell: "gru", units: 4, embedding: 4 } },
    "sparse_categorical_crossentropy",
  ),
};

/** What each task kind reports (beside params, train_seconds, epochs, lr). */
const EXPECTED: Record<string, string[]> = {
  classification: ["loss", "accuracy", "error", "precision", "recall", "f1"],
  regression: ["loss", "mae", "rmse"],
  language_model: ["loss", "accuracy", "error", "precision", "recall", "f1", "perplexity"],
  translation: ["loss", "accuracy", "error", "perplexity", "token_accuracy"],
};

const results: Record<string, Record<string, number>> = {};
const reported: Record<string, Set<string>> = {};
for (const [task, t] of Object.entries(byTask)) {
  results[task] = await trainTrial(t, ctx);
  reported[task] = new Set(Object.keys(results[task]));
}

test("each task kind reports its training, validation and test metrics", () => {
  for (const [task, names] of Object.entries(EXPECTED)) {
    const got = reported[task];
    for (const m of names) {
      assert.ok(got.has(m), `${task}: no ${m}`);
      assert.ok(got.has(`val_${m}`), `${task}: no val_${m}`);
      if (task !== "translation") assert.ok(got.has(`test_${m}`), `${task}: no test_${m}`);
    }
    for (const m of ["params", "train_seconds"]) assert.ok(got.has(m), `${task}: no ${m}`);
  }
  assert.ok(reported.translation.has("val_bleu"));
  assert.ok(!reported.regression.has("val_accuracy"));
});

test("every metric the checker accepts is reported by the trainer for some task kind", () => {
  const all = new Set(Object.values(reported).flatMap((s) => [...s]));
  const missing = TRAINER_METRICS.filter((m) => !all.has(m));
  assert.equal(missing, [], `accepted but never reported: ${missing.join(", ")}`);
});

test("val_rmse and val_mae are reported for regression in the target's units, and can be goals", () => {
  const r = results.regression;
  // prices 100..160 in 40 rows: errors of an untrained net are tens, not standardized units
  assert.ok(r.val_rmse >= r.val_mae && r.val_mae > 1, `val_rmse ${r.val_rmse}, val_mae ${r.val_mae}`);
  for (const goal of ["val_rmse", "val_mae", "val_bleu"]) {
    const source = `study s
data csv(path = "rows.csv", target = "price")
space { lr = loguniform(1e-3, 1e-1) }
model mlp(units = 4)
train { optimizer = adam(lr = lr) }
objective minimize ${goal}
budget { trials = 2 }
`;
    const { diagnostics } = compileSource(source, join(dir, "s.hpo"));
    assert.equal(
      diagnostics.filter((d) => d.severity === "error"),
      [],
      goal,
    );
  }
});

test.run();
