/**
 * `hpo bench train`: seconds per epoch and training samples per second of small MLP, CNN and LSTM
 * models through the real trainer (trainTrial), per TensorFlow.js backend. A model a backend cannot
 * train (missing kernel or gradient) is listed with its error: that is the op-coverage check behind
 * the default backend choice.
 *
 *   node dist/bench/train.js [--backend cpu,wasm,auto] [--models mlp,cnn,lstm] [--n 512] [--epochs 2] [--json]
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ResolvedTrainer } from "../src/plan/types.js";
import { activeBackend, describeBackends, trainTrial } from "../src/train/index.js";
import { describeError } from "../src/util/errors.js";
import { benchArgs } from "./args.js";

const values = benchArgs({
  backend: { type: "string", default: "cpu,wasm,auto", help: "TensorFlow.js backends, comma-separated" },
  models: { type: "string", default: "mlp,cnn,lstm", help: "models, comma-separated" },
  n: { type: "string", default: "512", help: "examples" },
  epochs: { type: "string", default: "2", help: "epochs per model" },
  json: { type: "boolean", default: false, help: "print JSON" },
});
const option = (name: "backend" | "models" | "n" | "epochs", _fallback?: string): string => values[name];

const backends = option("backend", "cpu,wasm,auto").split(",");
const models = option("models", "mlp,cnn,lstm").split(",");
const n = Number(option("n", "512"));
const epochs = Number(option("epochs", "2"));
const json = values.json;

/** Synthetic data in the real formats: 28×28 IDX images and a text file (seeded, no downloads). */
function writeData(dir: string): { idx: string; text: string } {
  const idx = join(dir, "idx");
  mkdirSync(idx);
  const head = (dims: number[]) => {
    const b = Buffer.alloc(4 + 4 * dims.length);
    b[2] = 8;
    b[3] = dims.length;
    dims.forEach((d, i) => {
      b.writeUInt32BE(d, 4 + 4 * i);
    });
    return b;
  };
  const img = Buffer.alloc(n * 784);
  const lab = Buffer.alloc(n);
  let s = 12345;
  const rand = () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s >>> 24;
  };
  for (let i = 0; i < n; i++) {
    lab[i] = i % 10;
    for (let p = 0; p < 784; p++) img[i * 784 + p] = rand();
  }
  writeFileSync(join(idx, "train-images-idx3-ubyte"), Buffer.concat([head([n, 28, 28]), img]));
  writeFileSync(join(idx, "train-labels-idx1-ubyte"), Buffer.concat([head([n]), lab]));
  const text = join(dir, "text.txt");
  const words = ["to", "be", "or", "not", "that", "is", "the", "question", "whether", "tis", "nobler"];
  writeFileSync(text, Array.from({ length: n + 400 }, () => words[rand() % words.length]).join(" "));
  return { idx, text };
}

function trialFor(model: string, data: { idx: string; text: string }): ResolvedTrainer {
  const base = {
    kind: "trainer" as const,
    train: { optimizer: { call: "adam", args: [], kwargs: { lr: 0.001 } }, epochs, batch_size: 32 },
    validation: { kind: "holdout" as const, fraction: 0.1, options: {} },
    seed: 0,
  };
  if (model === "mlp")
    return {
      ...base,
      data: { reader: "mnist", args: { path: data.idx } },
      model: { kind: "template", name: "mlp", args: { units: 128 } },
    };
  if (model === "cnn")
    return {
      ...base,
      data: { reader: "mnist", args: { path: data.idx } },
      model: { kind: "template", name: "cnn", args: { blocks: 2, filters: [16, 32], kernel: 3, dense: 64 } },
    };
  return {
    ...base,
    data: { reader: "text", args: { path: data.text, seq_len: 32, level: "char", limit: n } },
    model: { kind: "template", name: "rnn", args: { cell: "lstm", layers: 1, units: 64, embedding: 16 } },
  };
}

const dir = mkdtempSync(join(tmpdir(), "hpo-bench-train-"));
const rows: Record<string, unknown>[] = [];
try {
  const data = writeData(dir);
  const available = new Map((await describeBackends()).map((b) => [b.name, b]));
  for (const backend of backends) {
    if (backend !== "auto" && !available.get(backend as never)?.available) {
      rows.push({ backend, model: "-", error: available.get(backend as never)?.note ?? "unknown backend" });
      continue;
    }
    for (const model of models) {
      const epochTimes: number[] = [];
      let prev = 0;
      try {
        const out = await trainTrial(
          trialFor(model, data),
          {
            report: (_s, v) => {
              epochTimes.push(v.train_seconds - prev);
              prev = v.train_seconds;
            },
            shouldPrune: () => false,
            signal: new AbortController().signal,
            seed: 0,
            trial: 0,
          },
          { backend },
        );
        // The first epoch includes kernel warm-up: report the later ones when there are any.
        const steady = epochTimes.length > 1 ? epochTimes.slice(1) : epochTimes;
        const sec = steady.reduce((a, b) => a + b, 0) / steady.length;
        const samples = Math.round(n * 0.9);
        rows.push({
          backend: backend === "auto" ? `auto→${activeBackend()}` : backend,
          model,
          params: out.params,
          epoch_seconds: +sec.toFixed(3),
          samples_per_second: Math.round(samples / sec),
        });
      } catch (err) {
        rows.push({ backend, model, error: describeError(err).slice(0, 160) });
      }
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
if (json) process.stdout.write(`${JSON.stringify({ n, epochs, rows }, null, 2)}\n`);
else {
  console.log(`train bench: ${n} samples (90% trained per epoch), batch 32, ${epochs} epochs`);
  for (const r of rows)
    console.log(
      r.error
        ? `  ${r.backend} ${r.model}: FAILED ${r.error}`
        : `  ${r.backend} ${r.model}: ${r.epoch_seconds} s/epoch, ${r.samples_per_second} samples/s (${r.params} params)`,
    );
}
