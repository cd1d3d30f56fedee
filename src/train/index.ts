/**
 * The built-in trainer: `trainTrial` trains the network of one resolved trial on its data, reports
 * every epoch's metrics to the study (for pruners and learning curves), honours pruning and abort,
 * averages k-fold runs, and frees every tensor it made. Errors (bad settings, out of memory) fail
 * the trial with a message.
 */
import * as tf from "@tensorflow/tfjs";
import {
  applyNormalizer,
  applyTargetScaler,
  fitNormalizer,
  fitTargetScaler,
  type TargetScaler,
  unscaleRegressionMetrics,
} from "../data/normalize.js";
import { holdout, kfold, type Split } from "../data/split.js";
import { type Dataset, subset } from "../data/types.js";
import { permutation, rngFor, STREAM } from "../plan/random.js";
import type { ResolvedTrainer, Value } from "../plan/types.js";
import { HpoError, describeError } from "../util/errors.js";
import { activeBackend, useBackend } from "./backend.js";
import { asCall, readEarlyStopping } from "./callvalue.js";
import { loadCheckpoint, saveCheckpoint } from "./checkpoint.js";
import { dataFor, dataSeed } from "./data.js";
import { splitParts } from "./split-cache.js";
import { type LossKind, lossKind, lossTensor, MetricAccumulator } from "./metrics.js";
import { buildModel, countParams } from "./model.js";
import { createOptimizer, type Optimizer } from "./optimizers.js";
import { createSchedule, type Schedule } from "./schedules.js";
import { translationBleu } from "./translate.js";
import {
  activationBytes,
  checkTrainingMemory,
  trainingStateBytes,
  WASM_ABORT,
  WasmTooSmall,
  wasmAbortError,
} from "./wasm-memory.js";

export {
  activeBackend,
  describeBackends,
  useBackend,
  BACKEND_CHOICES,
  type BackendInfo,
  type BackendName,
} from "./backend.js";

/** What the study gives a trial (the same shape as a user objective's ctx). */
export interface TrialContext {
  /** Resolves once the pruner has decided on this report, so `shouldPrune()` after it sees the decision. */
  report(step: number, values: Record<string, number>): Promise<void> | void;
  shouldPrune(): boolean;
  signal: AbortSignal;
  seed: number;
  trial: number;
}

export interface TrainOptions {
  /** auto | tensorflow-gpu | tensorflow | cpu | wasm */
  backend?: string;
  /**
   * A folder for this trial's checkpoint: when it holds one, training resumes from it (weights,
   * optimizer state, epoch) up to `train.epochs`; at the end the state is saved there. Used by
   * multi-fidelity strategies to promote a trial without retraining it. The caller removes it.
   */
  checkpoint?: string;
  /**
   * The epochs the learning-rate schedule spans (default `train.epochs`). A multi-fidelity trial
   * trains to its rung's epochs on the schedule of the longest run, so a promoted trial continues the
   * curve its parent was on instead of restarting a cosine that had already decayed to its floor.
   */
  scheduleEpochs?: number;
}

/** Metrics where smaller is better (for early stopping's direction). */
const LOWER_IS_BETTER = /(loss|error|perplexity|mae|rmse)$/;

/** The seed of the validation split: `validation …(seed = N)`, else the data's seed. */
function splitSeed(trial: ResolvedTrainer): number {
  const given = trial.validation.options.seed;
  return typeof given === "number" ? given : dataSeed(trial.data, trial.seed);
}

function num(train: Record<string, Value>, key: string, fallback: number, min = 1): number {
  const v = train[key] ?? fallback;
  if (typeof v !== "number" || !Number.isInteger(v) || v < min)
    throw new HpoError(`train { ${key} } must be an integer >= ${min}, got ${JSON.stringify(v)}`);
  return v;
}

/** Integer-valued numeric targets trained with a cross-entropy loss are classes. */
function adaptTask(ds: Dataset, loss: string | undefined): Dataset {
  if (ds.task !== "regression" || loss === undefined || !loss.includes("crossentropy")) return ds;
  let max = 0;
  for (const v of ds.y) {
    if (!Number.isInteger(v) || v < 0) return ds;
    max = Math.max(max, v);
  }
  return { ...ds, task: "classification", numClasses: max + 1 };
}

interface Fold {
  train: Dataset;
  val: Dataset;
  test?: Dataset;
  model: tf.LayersModel;
  opt: Optimizer;
  schedule: Schedule;
  vars: tf.Variable[];
  /** Regression with `normalize`: targets are standardized; metrics are reported in their units. */
  target?: TargetScaler;
}

/** Batch tensors for samples `idx` of `ds`: the model inputs and the targets. */
function batch(ds: Dataset, idx: ArrayLike<number>): { xs: tf.Tensor[]; y: tf.Tensor } {
  const part = subset(ds, idx);
  const xs = [tf.tensor(part.x, [part.n, ...ds.inputShape])];
  if (ds.task === "translation") {
    const T = ds.targetLen ?? 1;
    xs.push(tf.tensor(part.decoderInput as Float32Array, [part.n, T]));
    return { xs, y: tf.tensor(part.y, [part.n, T]) };
  }
  return { xs, y: tf.tensor1d(part.y) };
}

/** Metrics of `fold`'s model on all of `ds`, predicted in batches and accumulated as they come. */
function evaluateOn(fold: Fold, ds: Dataset, kind: LossKind, batchSize: number): Record<string, number> {
  const acc = new MetricAccumulator(kind, ds.task, ds.numClasses);
  const perSample = ds.task === "translation" ? (ds.targetLen ?? 1) : 1;
  for (let s = 0; s < ds.n; s += batchSize) {
    const idx = Int32Array.from({ length: Math.min(batchSize, ds.n - s) }, (_, i) => s + i);
    // Read after tidy: tidy walks every value it returns, a typed array's elements included.
    const out = tf.tidy(() => {
      const { xs } = batch(ds, idx);
      return fold.model.predict(xs.length === 1 ? xs[0] : xs) as tf.Tensor;
    });
    const pred = out.dataSync() as Float32Array;
    out.dispose();
    acc.add(pred, ds.y.subarray(s * perSample, (s + idx.length) * perSample));
  }
  const result = acc.result();
  if (ds.task === "translation") result.bleu = translationBleu(fold.model, ds, batchSize);
  return fold.target && kind !== "crossentropy"
    ? unscaleRegressionMetrics(result, fold.target, kind)
    : result;
}

/** Scales gradients so their global L2 norm is at most `clip` (no-op when already smaller). */
export function clipByGlobalNorm(grads: tf.NamedTensorMap, clip: number): tf.NamedTensorMap {
  return tf.tidy(() => {
    const sq = Object.values(grads).map((g) => tf.sum(tf.square(g)));
    const norm = tf.sqrt(tf.addN(sq));
    const scale = tf.div(clip, tf.maximum(norm, clip));
    const out: tf.NamedTensorMap = {};
    for (const [k, g] of Object.entries(grads)) out[k] = tf.mul(g, scale);
    return out;
  });
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Trains one trial and returns its final metrics: the last epoch's `loss`, `accuracy`, … and `val_*`
 * (averaged over folds for k-fold validation), `params`, `train_seconds`, `epochs`, and `test_*`
 * when the data have a test split (reported, never used for tuning by the trainer).
 */
export async function trainTrial(
  trial: ResolvedTrainer,
  ctx: TrialContext,
  opts: TrainOptions = {},
): Promise<Record<string, number>> {
  const choice = opts.backend ?? "auto";
  const kind = modelKind(trial);
  if (wasmAborted && choice === "wasm")
    throw new HpoError(
      `trial ${ctx.trial} cannot run: the wasm backend of this worker aborted when an earlier trial ran out of memory`,
      { hint: "run with --backend auto (it moves to the cpu backend) or install @tensorflow/tfjs-node" },
    );
  const backend = await useBackend(choice, wasmUnsupported.has(kind) || wasmAborted ? "cpu" : "wasm");
  let reported = false;
  const watched: TrialContext = {
    ...ctx,
    report(step, values) {
      reported = true;
      return ctx.report(step, values);
    },
  };
  try {
    return await attempt(trial, watched, opts);
  } catch (err) {
    // `auto` tries wasm first (much faster where it has the kernels); a model that needs a kernel
    // wasm lacks is retried on cpu, and models of that kind go to cpu from then on; a model too
    // large for wasm's 4 GB is retried on cpu (the next trial's model may fit again).
    const tooLarge = err instanceof WasmTooSmall;
    if (
      choice !== "auto" ||
      backend !== "wasm" ||
      reported ||
      !(tooLarge || MISSING_KERNEL.test(describeError(err)))
    )
      throw err;
    if (!tooLarge) wasmUnsupported.add(kind);
    await useBackend("auto", "cpu");
    return attempt(trial, ctx, opts);
  }
}

const MISSING_KERNEL = /Kernel '\w+' not registered for backend 'wasm'/;
/** Set once the wasm backend aborted in this worker (out of memory): it cannot be used again. */
let wasmAborted = false;
/** Model kinds (see modelKind) that met a kernel missing from the wasm backend. */
const wasmUnsupported = new Set<string>();

/** What decides which kernels a trial needs: the reader and the model's layers or template. */
function modelKind(trial: ResolvedTrainer): string {
  const m = trial.model;
  const layers = m.kind === "template" ? [m.name, String(m.args.cell ?? "")] : m.layers.map((l) => l.name);
  return JSON.stringify([trial.data.reader, layers]);
}

async function attempt(
  trial: ResolvedTrainer,
  ctx: TrialContext,
  opts: TrainOptions,
): Promise<Record<string, number>> {
  const folds: Fold[] = [];
  let aborted = false;
  try {
    return await run(trial, ctx, folds, opts);
  } catch (err) {
    if (err instanceof HpoError) throw err;
    const msg = describeError(err);
    if (activeBackend() === "wasm" && WASM_ABORT.test(msg)) {
      aborted = true;
      wasmAborted = true;
      throw wasmAbortError(ctx.trial, folds[0] ? countParams(folds[0].model) : undefined, msg);
    }
    const oom = /out of memory|allocation|Array buffer allocation failed|Invalid typed array length/i.test(
      msg,
    );
    throw new HpoError(`trial ${ctx.trial} failed${oom ? " (out of memory)" : ""}: ${msg}`, { cause: err });
  } finally {
    // After a wasm abort every call into the backend throws, and the tensors are gone with it.
    if (!aborted)
      for (const f of folds) {
        f.model.dispose();
        f.opt.dispose();
      }
  }
}

async function run(
  trial: ResolvedTrainer,
  ctx: TrialContext,
  folds: Fold[],
  opts: TrainOptions,
): Promise<Record<string, number>> {
  const { checkpoint } = opts;
  const train = trial.train;
  const lossName = typeof train.loss === "string" ? train.loss : undefined;
  const data = dataFor(trial);
  const pool = adaptTask(data.train, lossName);
  const testSet = data.test ? adaptTask(data.test, lossName) : undefined;
  const kind = lossKind(lossName, pool.task);
  const epochs = num(train, "epochs", 10);
  const batchSize = num(train, "batch_size", 32);
  const clipValue = train.gradient_clip;
  if (clipValue !== undefined && (typeof clipValue !== "number" || !(clipValue > 0)))
    throw new HpoError(`train { gradient_clip } must be a positive number, got ${JSON.stringify(clipValue)}`);
  const normalize = trial.data.args.normalize !== false;
  // The split depends on seeds of the study, never of the trial, so every trial is scored on the same samples.
  const seed = splitSeed(trial);
  const v = trial.validation;
  const fromData = trial.data.args.validation;
  const split = (): Split[] => {
    if (v.kind === "kfold") return kfold(pool, v.k, seed, v.shuffle);
    const fraction = v.fraction ?? (typeof fromData === "number" ? fromData : 0.2);
    return [holdout(pool, fraction, seed, v.options.shuffle !== false)];
  };
  // The same parts for every trial on these data: copied once per worker (split-cache.ts).
  const parts = splitParts(data.train, JSON.stringify([lossName, v, fromData, seed]), pool, split);

  for (const [i, part] of parts.entries()) {
    let tr = part.train;
    let val = part.validation;
    let te = testSet;
    if (normalize && pool.numericColumns?.length) {
      const norm = fitNormalizer(tr); // fitted on this fold's training part only
      tr = applyNormalizer(tr, norm);
      val = applyNormalizer(val, norm);
      te = te ? applyNormalizer(te, norm) : undefined;
    }
    let target: TargetScaler | undefined;
    if (normalize && tr.task === "regression" && kind !== "crossentropy") {
      target = fitTargetScaler(tr); // also fitted on this fold's training part only
      tr = applyTargetScaler(tr, target);
      val = applyTargetScaler(val, target);
      te = te ? applyTargetScaler(te, target) : undefined;
    }
    const opt = createOptimizer(asCall(train.optimizer, "optimizer"));
    let model: tf.LayersModel;
    let schedule: Schedule;
    try {
      schedule = createSchedule(asCall(train.schedule, "schedule"), opt.lr, opts.scheduleEpochs ?? epochs);
      model = buildModel(trial.model, tr, rngFor(ctx.seed, STREAM.modelInit, i).int(2147483647)).model;
    } catch (err) {
      opt.dispose(); // a bad model or schedule must not leave the optimizer's tensors behind
      throw err;
    }
    const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
    folds.push({ train: tr, val, test: te, model, opt, schedule, vars, target });
    // Before the other folds' models and any training step: a model too large for the wasm memory
    // would abort the backend for this worker's later trials too, and one too large for the machine
    // would fail somewhere in its first step with a message that says nothing of its size.
    if (i === 0) {
      const params = countParams(model);
      checkTrainingMemory(
        {
          params,
          stateBytes: trainingStateBytes(params, opt.slots, parts.length),
          activationBytes: activationBytes(model.layers, Math.min(batchSize, tr.n)),
          optimizer: asCall(train.optimizer, "optimizer")?.call ?? "adam",
          folds: parts.length,
          batch: batchSize,
        },
        activeBackend(),
      );
    }
  }

  const es = readEarlyStopping(train.early_stopping);
  const { monitor, patience, minDelta } = es ?? { monitor: "", patience: 0, minDelta: 0 };
  const lowerBetter = LOWER_IS_BETTER.test(monitor);
  let best = Number.POSITIVE_INFINITY;
  let stale = 0;

  const params = countParams(folds[0].model);
  let last: Record<string, number> = {};
  let step = 0;
  let epoch = 0;
  const trainables = folds.map((f) => ({ model: f.model, optimizer: f.opt.optimizer }));
  const resumed = checkpoint ? await loadCheckpoint(checkpoint, trainables) : undefined;
  if (resumed) ({ epoch, step, best, stale, last } = resumed);
  const started = performance.now() - 1000 * (last.train_seconds ?? 0);
  for (; epoch < epochs; epoch++) {
    const sums: Record<string, number> = {};
    for (const [fi, f] of folds.entries()) {
      const order = permutation(f.train.n, rngFor(ctx.seed, STREAM.batchOrder, epoch, fi));
      // Training metrics are accumulated from each batch's forward pass (dropout on), as Keras reports them.
      const running = new MetricAccumulator(kind, f.train.task, f.train.numClasses);
      const perSample = f.train.task === "translation" ? (f.train.targetLen ?? 1) : 1;
      let lossSum = 0;
      let seen = 0;
      let foldStep = step;
      for (let s = 0; s < f.train.n; s += batchSize) {
        if (ctx.signal.aborted)
          throw new HpoError(
            `trial ${ctx.trial} was stopped (${describeError(ctx.signal.reason ?? "aborted")})`,
          );
        f.opt.setLearningRate(f.schedule.rate(epoch, foldStep));
        const idx = order.subarray(s, Math.min(s + batchSize, f.train.n));
        const { lossValue, pred, target } = tf.tidy(() => {
          const { xs, y } = batch(f.train, idx);
          let out: tf.Tensor | undefined;
          const { value, grads } = tf.variableGrads(() => {
            // kept past the gradient scope (which frees intermediates) for the running metrics
            out = tf.keep(f.model.apply(xs.length === 1 ? xs[0] : xs, { training: true }) as tf.Tensor);
            return lossTensor(kind, f.train.task, out, y);
          }, f.vars);
          f.opt.optimizer.applyGradients(
            typeof clipValue === "number" ? clipByGlobalNorm(grads, clipValue) : grads,
          );
          const kept = out as tf.Tensor;
          const predicted = kept.dataSync() as Float32Array;
          kept.dispose();
          return { lossValue: value.dataSync()[0], pred: predicted, target: y.dataSync() as Float32Array };
        });
        if (!Number.isFinite(lossValue))
          throw new HpoError(
            `trial ${ctx.trial}: the training loss became ${lossValue} at epoch ${epoch + 1}`,
          );
        running.add(pred, target.subarray(0, idx.length * perSample));
        lossSum += lossValue * idx.length;
        seen += idx.length;
        foldStep++;
        await tick(); // lets abort signals and other trials' messages through
      }
      let trainMetrics = running.result();
      trainMetrics.loss = lossSum / seen; // the mean batch loss over the epoch
      if (f.target && kind !== "crossentropy")
        trainMetrics = unscaleRegressionMetrics(trainMetrics, f.target, kind);
      const valMetrics = evaluateOn(f, f.val, kind, 256);
      for (const [k, x] of Object.entries(trainMetrics)) sums[k] = (sums[k] ?? 0) + x;
      for (const [k, x] of Object.entries(valMetrics)) sums[`val_${k}`] = (sums[`val_${k}`] ?? 0) + x;
      if (fi === folds.length - 1) step = foldStep;
    }
    last = Object.fromEntries(Object.entries(sums).map(([k, x]) => [k, x / folds.length]));
    last.params = params;
    last.train_seconds = (performance.now() - started) / 1000;
    last.lr = folds[0].schedule.rate(epoch, step - 1);
    await ctx.report(epoch + 1, { ...last });
    if (ctx.shouldPrune()) {
      epoch++;
      break;
    }
    if (es) {
      const value = last[monitor];
      if (value === undefined)
        throw new HpoError(`early_stopping(monitor = "${monitor}"): no such metric`, {
          hint: `metrics: ${Object.keys(last).join(", ")}`,
        });
      const score = lowerBetter ? value : -value;
      if (score < best - minDelta) {
        best = score;
        stale = 0;
      } else if (++stale >= patience) {
        epoch++;
        break;
      }
    }
  }
  if (checkpoint) await saveCheckpoint(checkpoint, { epoch, step, best, stale, last }, trainables);
  const result: Record<string, number> = { ...last, epochs: epoch };
  if (folds[0].test) {
    const sums: Record<string, number> = {};
    for (const f of folds)
      for (const [k, x] of Object.entries(evaluateOn(f, f.test as Dataset, kind, 256)))
        sums[`test_${k}`] = (sums[`test_${k}`] ?? 0) + x;
    for (const [k, x] of Object.entries(sums)) result[k] = x / folds.length;
  }
  return result;
}
