import * as tf from "@tensorflow/tfjs";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { useBackend } from "../../../src/train/backend.js";
import { MultiHeadAttention } from "../../../src/train/layers/attention.js";
import { ONE_HOT_MAX, TokenEmbedding } from "../../../src/train/layers/embedding.js";
import { PositionalEncoding, sinusoidTable } from "../../../src/train/layers/positional.js";

await useBackend("cpu");

type M = number[][];
const matmul = (a: M, b: M): M => a.map((r) => b[0].map((_, j) => r.reduce((s, v, k) => s + v * b[k][j], 0)));
const addBias = (a: M, b: number[]): M => a.map((r) => r.map((v, j) => v + b[j]));
const cols = (a: M, from: number, n: number): M => a.map((r) => r.slice(from, from + n));
const softmaxRows = (a: M): M =>
  a.map((r) => {
    const m = Math.max(...r);
    const e = r.map((v) => Math.exp(v - m));
    const s = e.reduce((x, y) => x + y, 0);
    return e.map((v) => v / s);
  });
/** Deterministic "weights": a fixed pseudo-random pattern. */
const pattern = (rows: number, c: number, k: number): M =>
  Array.from({ length: rows }, (_, i) =>
    Array.from({ length: c }, (_, j) => Math.sin(1 + i * 7 + j * 3 + k) / 2),
  );

/** Reference multi-head attention for one batch element, written from the paper's equations. */
function reference(
  q: M,
  mem: M,
  w: M[],
  b: number[][],
  heads: number,
  masked: (i: number, j: number) => boolean,
): M {
  const kd = w[0][0].length / heads;
  const Q = addBias(matmul(q, w[0]), b[0]);
  const K = addBias(matmul(mem, w[1]), b[1]);
  const V = addBias(matmul(mem, w[2]), b[2]);
  const concat: M = q.map(() => []);
  for (let h = 0; h < heads; h++) {
    const qh = cols(Q, h * kd, kd);
    const kh = cols(K, h * kd, kd);
    const vh = cols(V, h * kd, kd);
    const scores = qh.map((qi, i) =>
      kh.map((kj, j) => (masked(i, j) ? -1e9 : 0) + qi.reduce((s, v, t) => s + v * kj[t], 0) / Math.sqrt(kd)),
    );
    const out = matmul(softmaxRows(scores), vh);
    out.forEach((r, i) => {
      concat[i].push(...r);
    });
  }
  return addBias(matmul(concat, w[3]), b[3]);
}

function setup(d: number, heads: number, causal: boolean, tq: number, tk: number, keyMask = false) {
  const layer = new MultiHeadAttention({ numHeads: heads, causal, keyMask });
  layer.build([
    [null, tq, d],
    [null, tk, d],
  ]);
  const w = [0, 1, 2, 3].map((k) => pattern(d, d, k));
  const b = [0, 1, 2, 3].map((k) => pattern(1, d, k + 10)[0]);
  layer.setWeights([
    tf.tensor2d(w[0]),
    tf.tensor1d(b[0]),
    tf.tensor2d(w[1]),
    tf.tensor1d(b[1]),
    tf.tensor2d(w[2]),
    tf.tensor1d(b[2]),
    tf.tensor2d(w[3]),
    tf.tensor1d(b[3]),
  ]);
  return { layer, w, b };
}

function assertClose(actual: number[], expected: number[]): void {
  assert.is(actual.length, expected.length);
  actual.forEach((v, i) => {
    assert.ok(Math.abs(v - expected[i]) < 1e-4, `element ${i}: ${v} vs ${expected[i]}`);
  });
}

test("multi-head attention matches a hand-computed forward pass (2 heads, cross-attention)", () => {
  const { layer, w, b } = setup(4, 2, false, 2, 3);
  const q = pattern(2, 4, 20);
  const mem = pattern(3, 4, 30);
  const out = layer.apply([tf.tensor3d([q]), tf.tensor3d([mem])]) as tf.Tensor;
  assert.equal(out.shape, [1, 2, 4]);
  assertClose(Array.from(out.dataSync()), reference(q, mem, w, b, 2, () => false).flat());
  assert.is(layer.trainableWeights.length, 8);
});

test("causal self-attention and padding masks hide the right keys", () => {
  const { layer, w, b } = setup(4, 2, true, 3, 3);
  const x = pattern(3, 4, 40);
  const out = layer.apply(tf.tensor3d([x])) as tf.Tensor;
  assertClose(Array.from(out.dataSync()), reference(x, x, w, b, 2, (i, j) => j > i).flat());
  const cross = setup(4, 1, false, 2, 3, true);
  const ids = tf.tensor2d([[5, 7, 0]]);
  const masked = cross.layer.apply([tf.tensor3d([x.slice(0, 2)]), tf.tensor3d([x]), ids]) as tf.Tensor;
  assertClose(
    Array.from(masked.dataSync()),
    reference(x.slice(0, 2), x, cross.w, cross.b, 1, (_i, j) => j === 2).flat(),
  );
});

test("attention trains: gradients reach every weight", () => {
  const { layer } = setup(4, 2, false, 2, 2);
  const x = tf.tensor3d([pattern(2, 4, 50)]);
  const vars = layer.trainableWeights.map((v) => v.read() as tf.Variable);
  const { grads } = tf.variableGrads(() => tf.sum(tf.square(layer.apply(x) as tf.Tensor)) as tf.Scalar, vars);
  for (const g of Object.values(grads)) assert.ok(tf.sum(tf.abs(g)).dataSync()[0] > 0);
});

test("positional encoding adds the sinusoid table and is a trainable weight", () => {
  const pe = new PositionalEncoding({ maxLen: 5 });
  const x = tf.ones([1, 3, 4]);
  const out = pe.apply(x) as tf.Tensor;
  const table = sinusoidTable(5, 4);
  assertClose(
    Array.from(out.dataSync()),
    Array.from(table.subarray(0, 12), (v) => v + 1),
  );
  // position 1, dims 0..3: sin(1), cos(1), sin(1/100), cos(1/100)
  assertClose(Array.from(table.subarray(4, 8)), [Math.sin(1), Math.cos(1), Math.sin(0.01), Math.cos(0.01)]);
  assert.is(pe.trainableWeights.length, 1);
  assert.throws(() => pe.apply(tf.ones([1, 6, 4])), /exceeds max_len 5/);
});

test("token embedding equals a table lookup (one-hot product and gather paths) and trains on wasm", async () => {
  for (const vocab of [7, ONE_HOT_MAX + 5]) {
    const layer = new TokenEmbedding({ inputDim: vocab, outputDim: 3, seed: 1 });
    const ids = tf.tensor2d([
      [0, 2, 6],
      [6, 1, 1],
    ]);
    const out = layer.apply(ids) as tf.Tensor;
    assert.equal(out.shape, [2, 3, 3]);
    const table = (layer.getWeights()[0].arraySync() as number[][]).map((r) => r.map(Math.fround));
    assertClose(
      Array.from(out.dataSync()),
      [0, 2, 6, 6, 1, 1].flatMap((i) => table[i]),
    );
  }
  await useBackend("wasm");
  const layer = new TokenEmbedding({ inputDim: 5, outputDim: 2, seed: 2 });
  const ids = tf.tensor2d([[1, 1, 3]]);
  layer.apply(ids);
  const vars = layer.trainableWeights.map((v) => v.read() as tf.Variable);
  const { grads } = tf.variableGrads(() => tf.sum(layer.apply(ids) as tf.Tensor) as tf.Scalar, vars);
  // d(sum)/dW counts how often each id occurs
  assert.equal(Array.from(Object.values(grads)[0].dataSync()), [0, 0, 2, 2, 0, 0, 1, 1, 0, 0]);
  await useBackend("cpu");
});

test.run();
