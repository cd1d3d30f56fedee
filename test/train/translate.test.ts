import * as tf from "@tensorflow/tfjs";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { BOS, EOS } from "../../src/data/pairs.js";
import type { Dataset } from "../../src/data/types.js";
import { useBackend } from "../../src/train/backend.js";
import { greedyTranslate, translationBleu } from "../../src/train/translate.js";

await useBackend("cpu");

const T = 6;
const V = 12;

/** A stand-in for a seq2seq model: `rule(src, dec, t)` is the token it predicts at position t. */
function fakeModel(rule: (src: number[], dec: number[], t: number) => number): tf.LayersModel {
  return {
    predict(inputs: tf.Tensor[]) {
      const [src, dec] = inputs.map((x) => x.arraySync() as number[][]);
      const probs = src.map((s, i) =>
        Array.from({ length: T }, (_, t) => {
          const row = new Array(V).fill(0);
          row[rule(s, dec[i], t)] = 1;
          return row;
        }),
      );
      return tf.tensor3d(probs);
    },
  } as unknown as tf.LayersModel;
}

function dataset(rows: number[][]): Dataset {
  const x = new Float32Array(rows.length * T);
  for (const [i, r] of rows.entries()) x.set(r, i * T);
  return {
    task: "translation",
    n: rows.length,
    inputShape: [T],
    x,
    y: x.slice(),
    numClasses: V,
    targetLen: T,
  };
}

test("greedy decoding feeds each step's token back as the next decoder input", () => {
  // predicts "the previous decoder token + 4" until it passes 10, then EOS
  const model = fakeModel((_s, dec, t) => (dec[t] + 4 > 10 ? EOS : dec[t] + 4));
  const out = greedyTranslate(model, dataset([[5, 6, EOS, 0, 0, 0]]), 0, 1);
  assert.equal(out, [[BOS + 4, BOS + 8]]);
});

test("a model that reproduces the references scores BLEU 1; one that says nothing scores 0", () => {
  const rows = [
    [4, 5, 6, 7, 8, EOS],
    [9, 4, 5, 6, 7, EOS],
    [11, 10, 9, 8, EOS, 0],
  ];
  const copy = fakeModel((src, _dec, t) => src[t]);
  assert.is(translationBleu(copy, dataset(rows), 2), 1);
  assert.is(
    translationBleu(
      fakeModel(() => EOS),
      dataset(rows),
      2,
    ),
    0,
  );
  assert.is(tf.memory().numTensors, 0);
});

test.run();
