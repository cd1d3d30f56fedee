/**
 * Builds a tfjs model from a resolved `model` declaration and the data it trains on: the templates
 * mlp, cnn, rnn and transformer, or an explicit layer list (every layer of language.md), plus the
 * output layer the data need when it was left out (classes → softmax, regression → linear,
 * translation → softmax over the target vocabulary at every position). Every initializer and dropout
 * gets a seed derived from the trial's seed.
 */
import * as tf from "@tensorflow/tfjs";
import type { Dataset } from "../data/types.js";
import {
  type ActivationName,
  LAYERS,
  type LayerName,
  TEMPLATES,
  type TemplateName,
} from "../plan/catalog.js";
import { type ArgsFor, readArgs } from "../plan/options.js";
import type { ResolvedTrainer, Value } from "../plan/types.js";
import { HpoError } from "../util/errors.js";
import { MultiHeadAttention } from "./layers/attention.js";
import { TokenEmbedding } from "./layers/embedding.js";
import { PositionalEncoding } from "./layers/positional.js";

/** tfjs identifiers by the catalogue's activation names. */
const ACTIVATION_IDS: Record<ActivationName, string> = {
  relu: "relu",
  relu6: "relu6",
  elu: "elu",
  selu: "selu",
  sigmoid: "sigmoid",
  hard_sigmoid: "hardSigmoid",
  tanh: "tanh",
  softmax: "softmax",
  softplus: "softplus",
  softsign: "softsign",
  swish: "swish",
  mish: "mish",
  gelu: "gelu",
  linear: "linear",
};

type Args = Record<string, Value>;
type ActivationId = Parameters<typeof tf.layers.activation>[0]["activation"];
type TemplateArgs<N extends TemplateName> = ArgsFor<"template", N>;

/** The tfjs identifier of a catalogue activation (`readArgs` has checked the name). */
function activation(name: string | undefined, fallback: ActivationName): ActivationId {
  return ACTIVATION_IDS[(name ?? fallback) as ActivationName] as ActivationId;
}

/** A count or a list of counts (`units = [128, 64]`), as a list of whole numbers ≥ `min`. */
function counts(owner: string, v: number | readonly Value[], min = 1): number[] {
  const list = Array.isArray(v) ? v : [v];
  if (!list.every((x) => typeof x === "number" && Number.isInteger(x) && x >= min))
    throw new HpoError(
      `${owner} must be a whole number ≥ ${min} or a list of them, got ${JSON.stringify(v)}`,
    );
  return list as number[];
}

/** Dropout rates must stay below 1 (a rate of 1 drops everything). */
function rate(owner: string, v: number | undefined, fallback = 0): number {
  const r = v ?? fallback;
  if (r >= 1) throw new HpoError(`${owner} must be below 1, got ${r}`);
  return r;
}

/** Seeds for initializers and dropout, in build order. */
class Seeds {
  private n = 0;
  constructor(private readonly base: number) {}
  next(): number {
    return (this.base * 7919 + ++this.n * 104729) % 2147483647;
  }
  glorot() {
    return tf.initializers.glorotUniform({ seed: this.next() });
  }
  /**
   * Keras's recurrent default (orthogonal) for small kernels; above 2,000 elements tfjs's pure-JS QR
   * is slow enough to warn on every trial, so larger recurrent kernels start from Glorot instead.
   */
  recurrent(units: number, gates: number) {
    return units * units * gates <= 2000
      ? tf.initializers.orthogonal({ seed: this.next() })
      : tf.initializers.glorotUniform({ seed: this.next() });
  }
}

export interface BuiltModel {
  model: tf.LayersModel;
  /** What was added or inferred, for `hpo plan` and logs. */
  notes: string[];
}

const isTokens = (ds: Dataset) => ds.task === "language_model" || ds.task === "translation";

/** Builds the model for one trial. */
export function buildModel(spec: ResolvedTrainer["model"], ds: Dataset, seed: number): BuiltModel {
  // Layers create their weights as they are applied: when the build fails half-way (a bad argument,
  // an output that does not fit), the variables made so far are freed here.
  const registered = () => tf.engine().registeredVariables;
  const before = new Set(Object.keys(registered()));
  try {
    return build(spec, ds, seed);
  } catch (err) {
    for (const [name, v] of Object.entries(registered())) if (!before.has(name)) v.dispose();
    throw err;
  }
}

function build(spec: ResolvedTrainer["model"], ds: Dataset, seed: number): BuiltModel {
  const seeds = new Seeds(seed);
  const notes: string[] = [];
  const b = new Builder(seeds, ds);
  if (spec.kind === "template") {
    if (ds.task === "translation") {
      if (spec.name === "transformer")
        return { model: b.transformerSeq2seq(readArgs("template", "transformer", spec.args)), notes };
      if (spec.name === "rnn") return { model: b.rnnSeq2seq(readArgs("template", "rnn", spec.args)), notes };
      throw new HpoError(`model ${spec.name}() cannot translate pairs data: use rnn() or transformer()`);
    }
    const input = tf.input({ shape: ds.inputShape });
    const body = b.template(spec.name, spec.args, input);
    return { model: tf.model({ inputs: input, outputs: b.output(body, notes) }), notes };
  }
  if (ds.task === "translation")
    throw new HpoError("pairs data need an encoder-decoder: use model rnn(…) or transformer(…)");
  let shape = ds.inputShape;
  const layers: { name: Exclude<LayerName, "input">; args: Args }[] = [];
  for (const l of spec.layers) {
    if (!Object.hasOwn(LAYERS, l.name)) throw unknownName("layer", l.name as never, LAYERS);
    const name = l.name as LayerName;
    if (name === "input") shape = counts("input(shape)", readArgs("layer", "input", l.args).shape);
    else layers.push({ name, args: l.args });
  }
  if (sizeOf(shape) !== sizeOf(ds.inputShape))
    throw new HpoError(
      `input(shape = [${shape}]) does not fit the data's samples of shape [${ds.inputShape}]`,
    );
  const input = tf.input({ shape });
  let x: tf.SymbolicTensor = input;
  layers.forEach((l, i) => {
    const nextRecurrent = layers.slice(i + 1).some((n) => ["lstm", "gru", "simplernn"].includes(n.name));
    x = b.layer(l.name, l.args, x, nextRecurrent);
  });
  if (spec.autoOutput) x = b.output(x, notes);
  else checkOutput(x, ds);
  return { model: tf.model({ inputs: input, outputs: x }), notes };
}

function sizeOf(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function checkOutput(x: tf.SymbolicTensor, ds: Dataset): void {
  const units = x.shape[x.shape.length - 1];
  const want = ds.task === "regression" ? 1 : ds.numClasses;
  if (x.shape.length !== 2 || units !== want)
    throw new HpoError(
      `the model's output has shape [${x.shape.slice(1)}], the data need [${want}] (${ds.task === "regression" ? "one value" : `${want} classes`})`,
      { hint: "leave the output layer out and the trainer adds the right one" },
    );
}

class Builder {
  constructor(
    private readonly seeds: Seeds,
    private readonly ds: Dataset,
  ) {}

  private apply(layer: tf.layers.Layer, x: tf.SymbolicTensor | tf.SymbolicTensor[]): tf.SymbolicTensor {
    return layer.apply(x) as tf.SymbolicTensor;
  }

  dense(units: number, activation: ActivationId, x: tf.SymbolicTensor): tf.SymbolicTensor {
    return this.apply(tf.layers.dense({ units, activation, kernelInitializer: this.seeds.glorot() }), x);
  }

  dropout(rate: number, x: tf.SymbolicTensor): tf.SymbolicTensor {
    return rate > 0 ? this.apply(tf.layers.dropout({ rate, seed: this.seeds.next() }), x) : x;
  }

  /** The output layer the data need; flattens sequence/image features first. */
  output(x: tf.SymbolicTensor, notes: string[]): tf.SymbolicTensor {
    let h = x;
    if (h.shape.length > 2) h = this.apply(tf.layers.flatten(), h);
    if (this.ds.task === "regression") {
      notes.push('added output layer dense(units = 1, activation = "linear") for regression');
      return this.dense(1, "linear", h);
    }
    notes.push(
      `added output layer dense(units = ${this.ds.numClasses}, activation = "softmax") for ${this.ds.numClasses} classes`,
    );
    return this.dense(this.ds.numClasses, "softmax", h);
  }

  /** Token ids → vectors, or raw features reshaped into a sequence of feature vectors. */
  sequence(x: tf.SymbolicTensor, embedding: number): tf.SymbolicTensor {
    if (isTokens(this.ds))
      return this.apply(
        new TokenEmbedding({
          inputDim: this.ds.vocabSize ?? this.ds.numClasses,
          outputDim: embedding,
          seed: this.seeds.next(),
        }),
        x,
      );
    const s = this.ds.inputShape;
    // Images [H, W, C] become H steps of W·C features; tabular [F] becomes F steps of one feature.
    const target = s.length >= 2 ? [s[0], sizeOf(s.slice(1))] : [s[0], 1];
    return this.apply(tf.layers.reshape({ targetShape: target }), x);
  }

  template(name: TemplateName, args: Args, input: tf.SymbolicTensor): tf.SymbolicTensor {
    switch (name) {
      case "mlp": {
        const a = readArgs("template", "mlp", args);
        const n = a.layers ?? 1;
        const given = counts("mlp(units)", a.units ?? 64);
        const units = given.length === 1 ? Array(n).fill(given[0]) : given;
        const act = activation(a.activation, "relu");
        const drop = rate("mlp(dropout)", a.dropout);
        const bn = a.batch_norm ?? false;
        let x = isTokens(this.ds) ? this.sequence(input, 32) : input;
        if (x.shape.length > 2) x = this.apply(tf.layers.flatten(), x);
        for (const u of units) {
          x = this.dense(u, bn ? "linear" : act, x);
          if (bn)
            x = this.apply(
              tf.layers.activation({ activation: act }),
              this.apply(tf.layers.batchNormalization(), x),
            );
          x = this.dropout(drop, x);
        }
        return x;
      }
      case "cnn": {
        const a = readArgs("template", "cnn", args);
        const blocks = a.blocks ?? 2;
        const filters = counts("cnn(filters)", a.filters ?? 32);
        const kernel = a.kernel ?? 3;
        const pool = a.pool ?? 2;
        const act = activation(a.activation, "relu");
        const drop = rate("cnn(dropout)", a.dropout);
        const hidden = counts("cnn(dense)", a.dense ?? 128, 0).filter((u) => u > 0);
        let x: tf.SymbolicTensor = input;
        const image = this.ds.inputShape.length === 3;
        if (!image) x = this.sequence(input, 32);
        for (let i = 0; i < blocks; i++) {
          const f = filters[Math.min(i, filters.length - 1)];
          const conv = image ? tf.layers.conv2d : tf.layers.conv1d;
          x = this.apply(
            conv({
              filters: f,
              kernelSize: kernel,
              padding: "same",
              activation: act,
              kernelInitializer: this.seeds.glorot(),
            }),
            x,
          );
          // Pool only while the feature map is still larger than the window (deep stacks on small inputs).
          if (pool > 1 && (x.shape[1] as number) >= pool && (!image || (x.shape[2] as number) >= pool))
            x = this.apply(
              image ? tf.layers.maxPooling2d({ poolSize: pool }) : tf.layers.maxPooling1d({ poolSize: pool }),
              x,
            );
        }
        x = this.apply(tf.layers.flatten(), x);
        x = this.dropout(drop, x);
        for (const u of hidden) x = this.dropout(drop, this.dense(u, act, x));
        return x;
      }
      case "rnn": {
        const a = readArgs("template", "rnn", args);
        const cell = a.cell ?? "lstm";
        const n = a.layers ?? 1;
        const units = a.units ?? 64;
        const drop = rate("rnn(dropout)", a.dropout);
        let x = this.sequence(input, a.embedding ?? 32);
        for (let i = 0; i < n; i++) x = this.dropout(drop, this.recurrent(cell, units, i < n - 1, x));
        return x;
      }
      case "transformer": {
        const { layers, heads, dModel, dFf, drop, maxLen } = this.transformerArgs(
          readArgs("template", "transformer", args),
        );
        let x = this.sequence(input, dModel);
        if (!isTokens(this.ds)) x = this.dense(dModel, "linear", x);
        x = this.apply(new PositionalEncoding({ maxLen }), x);
        x = this.dropout(drop, x);
        // Next-token windows and fixed-size features have no padding: no key mask.
        for (let i = 0; i < layers; i++) x = this.encoderBlock(x, heads, dFf, drop);
        return this.apply(tf.layers.globalAveragePooling1d(), x);
      }
      default:
        throw unknownName("model template", name, TEMPLATES);
    }
  }

  recurrent(cell: string, units: number, returnSequences: boolean, x: tf.SymbolicTensor): tf.SymbolicTensor {
    const args = {
      units,
      returnSequences,
      kernelInitializer: this.seeds.glorot(),
      recurrentInitializer: this.seeds.recurrent(units, gatesOf(cell)),
    };
    switch (cell) {
      case "lstm":
        return this.apply(tf.layers.lstm(args), x);
      case "gru":
        return this.apply(tf.layers.gru(args), x);
      case "simple":
      case "simplernn": // the layer's name, which layer lists use
        return this.apply(tf.layers.simpleRNN(args), x);
      default:
        throw new HpoError(`rnn(cell) must be "lstm", "gru" or "simple", got "${cell}"`);
    }
  }

  transformerArgs(a: TemplateArgs<"transformer">) {
    const heads = a.heads ?? 4;
    const dModel = a.d_model ?? 64;
    if (dModel % heads !== 0)
      throw new HpoError(`transformer(d_model = ${dModel}) must be divisible by heads = ${heads}`);
    return {
      layers: a.layers ?? 2,
      heads,
      dModel,
      dFf: a.d_ff ?? dModel * 2,
      drop: rate("transformer(dropout)", a.dropout, 0.1),
      maxLen: a.max_len ?? Math.max(this.ds.inputShape[0], this.ds.targetLen ?? 0),
    };
  }

  /** Post-norm encoder block: self-attention and a feed-forward network, each with residual + layernorm. */
  encoderBlock(
    x: tf.SymbolicTensor,
    heads: number,
    dFf: number,
    drop: number,
    ids?: tf.SymbolicTensor,
    causal = false,
  ) {
    const d = x.shape[x.shape.length - 1] as number;
    const attn = new MultiHeadAttention({
      numHeads: heads,
      causal,
      keyMask: ids !== undefined,
      dropout: drop,
      seed: this.seeds.next(),
    });
    let a = this.apply(attn, ids ? [x, ids] : x);
    a = this.dropout(drop, a);
    let h = this.apply(tf.layers.layerNormalization(), this.apply(tf.layers.add(), [x, a]));
    let f = this.dense(dFf, "relu", h);
    f = this.dropout(drop, this.dense(d, "linear", f));
    h = this.apply(tf.layers.layerNormalization(), this.apply(tf.layers.add(), [h, f]));
    return h;
  }

  /** Decoder block: causal self-attention, cross-attention over the encoder memory, feed-forward. */
  decoderBlock(
    x: tf.SymbolicTensor,
    memory: tf.SymbolicTensor,
    srcIds: tf.SymbolicTensor,
    heads: number,
    dFf: number,
    drop: number,
  ) {
    const d = x.shape[x.shape.length - 1] as number;
    const self = new MultiHeadAttention({
      numHeads: heads,
      causal: true,
      dropout: drop,
      seed: this.seeds.next(),
    });
    let h = this.apply(
      tf.layers.layerNormalization(),
      this.apply(tf.layers.add(), [x, this.dropout(drop, this.apply(self, x))]),
    );
    const cross = new MultiHeadAttention({
      numHeads: heads,
      keyMask: true,
      dropout: drop,
      seed: this.seeds.next(),
    });
    const c = this.dropout(drop, this.apply(cross, [h, memory, srcIds]));
    h = this.apply(tf.layers.layerNormalization(), this.apply(tf.layers.add(), [h, c]));
    let f = this.dense(dFf, "relu", h);
    f = this.dropout(drop, this.dense(d, "linear", f));
    return this.apply(tf.layers.layerNormalization(), this.apply(tf.layers.add(), [h, f]));
  }

  private embed(vocab: number, dim: number, x: tf.SymbolicTensor): tf.SymbolicTensor {
    return this.apply(new TokenEmbedding({ inputDim: vocab, outputDim: dim, seed: this.seeds.next() }), x);
  }

  private seq2seqInputs() {
    const L = this.ds.inputShape[0];
    const T = this.ds.targetLen ?? L;
    return {
      src: tf.input({ shape: [L], name: "source" }),
      tgt: tf.input({ shape: [T], name: "decoder_input" }),
    };
  }

  /** Encoder-decoder Transformer (teacher forcing): [source ids, decoder input ids] → [T, vocab] softmax. */
  transformerSeq2seq(a: TemplateArgs<"transformer">): tf.LayersModel {
    const { layers, heads, dModel, dFf, drop, maxLen } = this.transformerArgs(a);
    const { src, tgt } = this.seq2seqInputs();
    let e = this.embed(this.ds.vocabSize ?? 4, dModel, src);
    e = this.dropout(drop, this.apply(new PositionalEncoding({ maxLen }), e));
    for (let i = 0; i < layers; i++) e = this.encoderBlock(e, heads, dFf, drop, src);
    let d = this.embed(this.ds.numClasses, dModel, tgt);
    d = this.dropout(drop, this.apply(new PositionalEncoding({ maxLen }), d));
    for (let i = 0; i < layers; i++) d = this.decoderBlock(d, e, src, heads, dFf, drop);
    const out = this.dense(this.ds.numClasses, "softmax", d);
    return tf.model({ inputs: [src, tgt], outputs: out });
  }

  /** Encoder-decoder RNN (teacher forcing): the encoder's final state starts the decoder. */
  rnnSeq2seq(a: TemplateArgs<"rnn">): tf.LayersModel {
    const cell = a.cell ?? "lstm";
    const n = a.layers ?? 1;
    const units = a.units ?? 64;
    const emb = a.embedding ?? 32;
    const drop = rate("rnn(dropout)", a.dropout);
    const { src, tgt } = this.seq2seqInputs();
    let e = this.embed(this.ds.vocabSize ?? 4, emb, src);
    for (let i = 0; i < n - 1; i++) e = this.dropout(drop, this.recurrent(cell, units, true, e));
    const rnnArgs = () => ({
      units,
      kernelInitializer: this.seeds.glorot(),
      recurrentInitializer: this.seeds.recurrent(units, gatesOf(cell)),
    });
    const make = (returnSequences: boolean, returnState: boolean) => {
      const args = { ...rnnArgs(), returnSequences, returnState };
      if (cell === "lstm") return tf.layers.lstm(args);
      if (cell === "gru") return tf.layers.gru(args);
      return tf.layers.simpleRNN(args);
    };
    const encoded = make(false, true).apply(e) as tf.SymbolicTensor[];
    const states = encoded.slice(1);
    let d = this.embed(this.ds.numClasses, emb, tgt);
    d = make(true, false).apply(d, { initialState: states }) as tf.SymbolicTensor;
    for (let i = 1; i < n; i++) d = this.dropout(drop, this.recurrent(cell, units, true, d));
    d = this.dropout(drop, d);
    const out = this.dense(this.ds.numClasses, "softmax", d);
    return tf.model({ inputs: [src, tgt], outputs: out });
  }

  /** One explicit layer. `beforeRecurrent`: a later recurrent layer needs this one's full sequence. */
  layer(
    name: Exclude<LayerName, "input">,
    args: Args,
    x: tf.SymbolicTensor,
    beforeRecurrent: boolean,
  ): tf.SymbolicTensor {
    const width = () => x.shape[x.shape.length - 1] as number;
    switch (name) {
      case "dense": {
        const a = readArgs("layer", name, args);
        return this.apply(
          tf.layers.dense({
            units: a.units,
            activation: activation(a.activation, "linear"),
            useBias: a.use_bias ?? true,
            kernelInitializer: this.seeds.glorot(),
          }),
          x,
        );
      }
      case "conv1d":
      case "conv2d": {
        const a = readArgs("layer", name, args);
        const conv = name === "conv1d" ? tf.layers.conv1d : tf.layers.conv2d;
        return this.apply(
          conv({
            filters: a.filters,
            kernelSize: a.kernel,
            strides: a.stride ?? 1,
            padding: (a.padding ?? "valid") as "valid" | "same",
            activation: activation(a.activation, "linear"),
            kernelInitializer: this.seeds.glorot(),
          }),
          x,
        );
      }
      case "maxpool2d":
      case "avgpool2d": {
        const a = readArgs("layer", name, args);
        const pool = a.pool ?? 2;
        const opts = {
          poolSize: pool,
          strides: a.stride ?? pool,
          padding: (a.padding ?? "valid") as "valid" | "same",
        };
        return this.apply(
          name === "maxpool2d" ? tf.layers.maxPooling2d(opts) : tf.layers.averagePooling2d(opts),
          x,
        );
      }
      case "globalavgpool":
        readArgs("layer", name, args);
        return this.apply(
          x.shape.length === 4 ? tf.layers.globalAveragePooling2d({}) : tf.layers.globalAveragePooling1d(),
          x,
        );
      case "flatten":
        readArgs("layer", name, args);
        return this.apply(tf.layers.flatten(), x);
      case "dropout":
        return this.dropout(rate("dropout(rate)", readArgs("layer", name, args).rate), x);
      case "batchnorm":
        return this.apply(
          tf.layers.batchNormalization({ momentum: readArgs("layer", name, args).momentum ?? 0.99 }),
          x,
        );
      case "layernorm":
        return this.apply(
          tf.layers.layerNormalization({ epsilon: readArgs("layer", name, args).epsilon ?? 1e-3 }),
          x,
        );
      case "embedding": {
        const a = readArgs("layer", name, args);
        return this.apply(
          new TokenEmbedding({
            inputDim: a.vocab ?? this.ds.vocabSize ?? this.ds.numClasses,
            outputDim: a.units,
            seed: this.seeds.next(),
          }),
          x,
        );
      }
      case "lstm":
      case "gru":
      case "simplernn": {
        const a = readArgs("layer", name, args);
        const h = this.recurrent(name, a.units, a.return_sequences ?? beforeRecurrent, x);
        return this.dropout(rate(`${name}(dropout)`, a.dropout), h);
      }
      case "attention": {
        const a = readArgs("layer", name, args);
        if (a.d_model !== undefined && a.d_model % a.heads !== 0)
          throw new HpoError(`attention(d_model = ${a.d_model}) must be divisible by heads = ${a.heads}`);
        return this.apply(
          new MultiHeadAttention({
            numHeads: a.heads,
            keyDim: a.d_model === undefined ? undefined : a.d_model / a.heads,
            causal: a.causal ?? false,
            dropout: rate("attention(dropout)", a.dropout),
            seed: this.seeds.next(),
          }),
          x,
        );
      }
      case "transformer_encoder":
      case "transformer_decoder": {
        const a = readArgs("layer", name, args);
        const d = a.d_model ?? width();
        if (d % a.heads !== 0)
          throw new HpoError(`${name}(d_model = ${d}) must be divisible by heads = ${a.heads}`);
        const h = d === width() ? x : this.dense(d, "linear", x);
        // In a layer list there is no separate encoder memory: the decoder is the causal (GPT-style) block.
        return this.encoderBlock(
          h,
          a.heads,
          a.d_ff ?? 2 * d,
          rate(`${name}(dropout)`, a.dropout, 0.1),
          undefined,
          name === "transformer_decoder",
        );
      }
      case "positional_encoding": {
        const a = readArgs("layer", name, args);
        return this.apply(
          new PositionalEncoding({
            maxLen: a.max_len ?? (x.shape[1] as number),
            trainable: a.trainable ?? true,
          }),
          x,
        );
      }
      case "activation":
        return this.apply(
          tf.layers.activation({ activation: activation(readArgs("layer", name, args).activation, "relu") }),
          x,
        );
      default:
        throw unknownName("layer", name, LAYERS);
    }
  }
}

/**
 * The error for a name outside the catalogue. `name` is typed `never` where a switch over the
 * catalogue's names ends, so TypeScript proves every name has its case; a hand-edited Plan still gets
 * a clear message.
 */
function unknownName(kind: string, name: never, known: Record<string, unknown>): HpoError {
  return new HpoError(`unknown ${kind} \`${name as string}\``, {
    hint: `${kind}s: ${Object.keys(known).join(", ")}`,
  });
}

function gatesOf(cell: string): number {
  return cell === "lstm" ? 4 : cell === "gru" ? 3 : 1;
}

/** Number of trainable parameters (the `params` metric). */
export function countParams(model: tf.LayersModel): number {
  return model.trainableWeights.reduce((s, w) => s + w.shape.reduce((a: number, b) => a * (b ?? 1), 1), 0);
}
