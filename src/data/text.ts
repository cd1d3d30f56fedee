/**
 * Next-token prediction from a text file: the text is split into characters or words, each window of
 * `seq_len` token ids is an input and the token after it the class to predict.
 */
import { HpoError } from "../util/errors.js";
import { readText } from "./files.js";
import type { Dataset } from "./types.js";

export interface TextOptions {
  seqLen: number;
  level: "char" | "word";
  /** Distance between window starts (default 1). */
  step?: number;
  /** At most this many windows (taken from the start). */
  limit?: number;
}

export function tokenizeText(text: string, level: "char" | "word"): string[] {
  return level === "char" ? Array.from(text) : (text.match(/[\p{L}\p{N}']+|[^\s\p{L}\p{N}]/gu) ?? []);
}

export function readTextData(path: string, opts: TextOptions): Dataset {
  if (!Number.isInteger(opts.seqLen) || opts.seqLen < 1)
    throw new HpoError(`text(seq_len) must be a positive integer, got ${opts.seqLen}`);
  const tokens = tokenizeText(readText(path), opts.level);
  const step = opts.step ?? 1;
  let n = Math.max(0, Math.floor((tokens.length - opts.seqLen - 1) / step) + 1);
  if (opts.limit !== undefined) n = Math.min(n, opts.limit);
  if (n < 1)
    throw new HpoError(
      `${path}: ${tokens.length} ${opts.level} tokens are too few for seq_len = ${opts.seqLen}`,
    );
  const vocab = [...new Set(tokens)].sort();
  const id = new Map(vocab.map((t, i) => [t, i]));
  const ids = Int32Array.from(tokens, (t) => id.get(t) as number);
  const x = new Float32Array(n * opts.seqLen);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const s = i * step;
    for (let t = 0; t < opts.seqLen; t++) x[i * opts.seqLen + t] = ids[s + t];
    y[i] = ids[s + opts.seqLen];
  }
  return {
    task: "language_model",
    n,
    inputShape: [opts.seqLen],
    x,
    y,
    numClasses: vocab.length,
    vocabSize: vocab.length,
    labels: vocab,
  };
}
