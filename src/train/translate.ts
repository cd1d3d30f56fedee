/**
 * Translation quality of a seq2seq model: greedy decoding (each step feeds the model's own previous
 * tokens, as translating a new sentence does, not the reference as teacher forcing does) and the
 * corpus BLEU of the decoded sentences against the data's targets.
 */
import * as tf from "@tensorflow/tfjs";
import { BOS, EOS, PAD } from "../data/pairs.js";
import type { Dataset } from "../data/types.js";
import { corpusBleu } from "./bleu.js";

/** The tokens of a target row up to its EOS, without padding. */
function sentence(row: ArrayLike<number>): number[] {
  const out: number[] = [];
  for (let j = 0; j < row.length; j++) {
    const t = row[j];
    if (t === EOS) break;
    if (t !== PAD) out.push(t);
  }
  return out;
}

/**
 * Greedy translations of samples [start, start + count) of `ds` by `model` (inputs: source ids and
 * decoder input): at step t the argmax at position t becomes the decoder input at t + 1. The decoder
 * is causal, so the not yet decoded positions (padding) do not change the earlier ones.
 */
export function greedyTranslate(
  model: tf.LayersModel,
  ds: Dataset,
  start: number,
  count: number,
): number[][] {
  const T = ds.targetLen ?? 1;
  const srcLen = ds.inputShape[0] ?? 1;
  const dec = new Float32Array(count * T);
  for (let i = 0; i < count; i++) dec[i * T] = BOS;
  const out: number[][] = Array.from({ length: count }, () => []);
  const done = new Uint8Array(count);
  let open = count;
  const src = tf.tensor(ds.x.subarray(start * srcLen, (start + count) * srcLen), [count, srcLen]);
  try {
    for (let t = 0; t < T && open > 0; t++) {
      const ids = tf.tidy(() => {
        const probs = model.predict([src, tf.tensor(dec, [count, T])]) as tf.Tensor;
        return tf.argMax(tf.slice(probs, [0, t, 0], [count, 1, -1]), -1);
      });
      const next = ids.dataSync();
      ids.dispose();
      for (let i = 0; i < count; i++) {
        if (done[i]) continue;
        const token = next[i];
        if (token === EOS || token === PAD) {
          done[i] = 1;
          open--;
          continue;
        }
        out[i].push(token);
        if (t + 1 < T) dec[i * T + t + 1] = token;
      }
    }
  } finally {
    src.dispose();
  }
  return out;
}

/** Corpus BLEU-4 (0 to 1) of `model`'s greedy translations of all of `ds`, in batches. */
export function translationBleu(model: tf.LayersModel, ds: Dataset, batchSize: number): number {
  const T = ds.targetLen ?? 1;
  const references: number[][][] = [];
  const hypotheses: number[][] = [];
  for (let s = 0; s < ds.n; s += batchSize) {
    const count = Math.min(batchSize, ds.n - s);
    hypotheses.push(...greedyTranslate(model, ds, s, count));
    for (let i = s; i < s + count; i++) references.push([sentence(ds.y.subarray(i * T, (i + 1) * T))]);
  }
  return corpusBleu(references, hypotheses).bleu;
}
