/**
 * `hpo bench train`: seconds per epoch and training samples per second of the MLP, CNN, LSTM and
 * Transformer templates through the real trainer (trainTrial), per TensorFlow.js backend, beside
 * PyTorch on the same models (bench/train_torch.py, run in the same invocation when
 * `python3 -c "import torch"` works, or the interpreter HPO_PYTHON names; `--torch off` skips it). A model a backend cannot train (missing
 * kernel or gradient) is listed with its error: that is the op-coverage check behind `auto`.
 *
 *   node dist/bench/train.js [--backend native,wasm,cpu,auto] [--models mlp,cnn,lstm,transformer]
 *     [--n 512] [--epochs 2] [--torch auto|off] [--torch-device cpu|cuda] [--torch-threads 2] [--json]
 *
 * Models (batch 32, Adam 1e-3, 90 % of n trained per epoch; the first epoch is warm-up and not
 * counted when there are more): mlp 784-128-10 relu; cnn conv3x3(16)-pool2-conv3x3(32)-pool2-
 * dense64-10 on 28×28×1; lstm char-level (embedding 16, 64 units, T 32); transformer char-level
 * (2 post-norm encoder layers, 4 heads, d_model 64, d_ff 128, T 32, mean-pooled). `--models cifar`
 * adds examples/cifar10-cnn.hpo's model at its smallest configuration (conv3x3(32) ×2, pool 2,
 * conv3x3(32), dropout 0.2, dense 10 on 32×32×3) and the time of one 50,000-image epoch extrapolated
 * from the measured samples/s.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ResolvedTrainer } from "../src/plan/types.js";
import { activeBackend, describeBackends, trainTrial } from "../src/train/index.js";
import { describeError } from "../src/util/errors.js";
import { packageRoot } from "../src/util/package.js";
import { benchArgs } from "./args.js";

const values = benchArgs({
  backend: { type: "string", default: "native,wasm", help: "TensorFlow.js backends, comma-separated" },
  models: {
    type: "string",
    default: "mlp,cnn,lstm,transformer",
    help: "models, comma-separated (mlp, cnn, lstm, transformer, cifar)",
  },
  n: { type: "string", default: "512", help: "examples" },
  epochs: { type: "string", default: "2", help: "epochs per model" },
  torch: { type: "string", default: "auto", help: "the PyTorch peer: auto (when torch imports) or off" },
  "torch-device": { type: "string", default: "cpu", help: "the PyTorch peer's device: cpu or cuda" },
  "torch-threads": { type: "string", default: "2", help: "the PyTorch peer's threads" },
  json: { type: "boolean", default: false, help: "print JSON" },
});
type Option = "backend" | "models" | "n" | "epochs" | "torch" | "torch-device" | "torch-threads";
const option = (name: Option, _fallback?: string): string => values[name];

const backends = option("backend", "native,wasm").split(",");
const models = option("models", "mlp,cnn,lstm,transformer").split(",");
const n = Number(option("n", "512"));
const epochs = Number(option("epochs", "2"));
const torchMode = option("torch", "auto");
const torchDevice = option("torch-device", "cpu");
const torchThreads = option("torch-threads", "2");
const json = values.json;

/** Synthetic data in the real formats: 28×28 IDX images and a text file (seeded, no downloads). */
function writeData(dir: string): { idx: string; text: string; cifar: string } {
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
  // CIFAR-10's binary format: per record one label byte and 3072 pixel bytes.
  const cifar = join(dir, "cifar10");
  mkdirSync(cifar);
  const records = Buffer.alloc(n * 3073);
  for (let i = 0; i < n; i++) {
    records[i * 3073] = i % 10;
    for (let p = 1; p < 3073; p++) records[i * 3073 + p] = rand();
  }
  writeFileSync(join(cifar, "data_batch_1.bin"), records);
  const text = join(dir, "text.txt");
  const words = ["to", "be", "or", "not", "that", "is", "the", "question", "whether", "tis", "nobler"];
  writeFileSync(text, Array.from({ length: n + 400 }, () => words[rand() % words.length]).join(" "));
  return { idx, text, cifar };
}

function trialFor(model: string, data: { idx: string; text: string; cifar: string }): ResolvedTrainer {
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
  if (model === "cifar") {
    // examples/cifar10-cnn.hpo's model at its smallest configuration (3 blocks of 32 3×3 filters).
    const conv = { name: "conv2d", args: { filters: 32, kernel: 3, padding: "same", activation: "relu" } };
    return {
      ...base,
      data: { reader: "cifar10", args: { path: data.cifar } },
      model: {
        kind: "layers",
        autoOutput: false,
        layers: [
          { name: "input", args: { shape: [32, 32, 3] } },
          conv,
          conv,
          { name: "maxpool2d", args: { pool: 2 } },
          conv,
          { name: "flatten", args: {} },
          { name: "dropout", args: { rate: 0.2 } },
          { name: "dense", args: { units: 10, activation: "softmax" } },
        ],
      },
    } as ResolvedTrainer;
  }
  const text = { reader: "text" as const, args: { path: data.text, seq_len: 32, level: "char", limit: n } };
  if (model === "transformer")
    return {
      ...base,
      data: text,
      model: {
        kind: "template",
        name: "transformer",
        args: { layers: 2, heads: 4, d_model: 64, d_ff: 128, dropout: 0.1 },
      },
    };
  return {
    ...base,
    data: text,
    model: { kind: "template", name: "rnn", args: { cell: "lstm", layers: 1, units: 64, embedding: 16 } },
  };
}

interface TorchRow {
  model: string;
  samples_per_second?: number;
  epoch_seconds?: number;
  params?: number;
  error?: string;
}
interface TorchResult {
  torch?: string;
  device?: string;
  threads?: number;
  rows?: TorchRow[];
  error?: string;
}

/** bench/train_torch.py on the same models and sizes, when PyTorch imports. */
function runTorch(): TorchResult | undefined {
  if (torchMode === "off") return undefined;
  const python = process.env.HPO_PYTHON || "python3";
  const probe = spawnSync(python, ["-c", "import torch"], { encoding: "utf8" });
  if (probe.status !== 0)
    return {
      error: `${python} -c 'import torch' failed (PyTorch is not installed there; HPO_PYTHON picks the interpreter)`,
    };
  const script = join(packageRoot(), "bench", "train_torch.py");
  const args = [script, "--models", models.join(","), "--n", String(n), "--epochs", String(epochs)];
  const result = spawnSync(python, [...args, "--device", torchDevice, "--threads", torchThreads], {
    encoding: "utf8",
  });
  if (result.status !== 0) return { error: (result.stderr || String(result.error)).trim().split("\n").pop() };
  try {
    return JSON.parse(result.stdout.trim().split("\n").pop() as string) as TorchResult;
  } catch {
    return { error: `unreadable output: ${result.stdout.slice(0, 200)}` };
  }
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
const peer = runTorch();
if (json)
  process.stdout.write(
    `${JSON.stringify({ n, epochs, rows, ...(peer ? { pytorch: peer } : {}) }, null, 2)}\n`,
  );
else {
  console.log(`train bench: ${n} samples (90% trained per epoch), batch 32, ${epochs} epochs`);
  for (const r of rows)
    console.log(
      r.error
        ? `  ${r.backend} ${r.model}: FAILED ${r.error}`
        : `  ${r.backend} ${r.model}: ${r.epoch_seconds} s/epoch, ${r.samples_per_second} samples/s (${r.params} params)`,
    );
  for (const r of rows.filter((x) => x.model === "cifar" && !x.error))
    console.log(
      `  ${r.backend} cifar: one epoch of 50,000 images ≈ ${Math.round(50000 / (r.samples_per_second as number))} s (extrapolated)`,
    );
  if (peer?.error) console.log(`PyTorch: not run (${peer.error})`);
  else if (peer?.rows) {
    console.log(
      `samples/s beside PyTorch ${peer.torch} (${peer.device}, ${peer.threads} threads), same models:`,
    );
    const shown = [...new Set(rows.filter((r) => !r.error).map((r) => String(r.backend)))];
    const head = ["model", ...shown, "pytorch", ...shown.map((b) => `${b}/pytorch`)];
    const table = models.map((model) => {
      const torch = peer.rows?.find((r) => r.model === model);
      const ours = shown.map((b) => rows.find((r) => r.model === model && r.backend === b && !r.error));
      const ratio = (o: (typeof ours)[number]) =>
        o && torch?.samples_per_second
          ? `${((o.samples_per_second as number) / torch.samples_per_second).toFixed(2)}×`
          : "-";
      return [
        model,
        ...ours.map((o) => (o ? String(o.samples_per_second) : "-")),
        torch?.samples_per_second ? String(torch.samples_per_second) : (torch?.error ?? "-"),
        ...ours.map(ratio),
      ];
    });
    const widths = head.map((h, i) => Math.max(h.length, ...table.map((r) => r[i].length)));
    const line = (cells: string[]) => `  ${cells.map((c, i) => c.padEnd(widths[i])).join("  ")}`;
    console.log(line(head));
    for (const r of table) console.log(line(r));
  }
}
