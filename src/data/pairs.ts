/**
 * Sentence pairs for sequence-to-sequence training (e.g. Tatoeba's `English<TAB>French<TAB>…`).
 * Sentences are lowercased and split into words and punctuation; ids 0 = padding, 1 = BOS, 2 = EOS,
 * 3 = unknown. Sources are padded/truncated to `max_len`; targets end with EOS and the decoder input
 * is the target shifted right behind BOS.
 */
import { HpoError } from "../util/errors.js";
import { readText } from "./files.js";
import type { Dataset } from "./types.js";

export const PAD = 0;
export const BOS = 1;
export const EOS = 2;
export const UNK = 3;
const SPECIALS = ["<pad>", "<bos>", "<eos>", "<unk>"];

export interface PairsOptions {
  maxLen: number;
  sourceCol?: number;
  targetCol?: number;
  /** Between the columns (default a tab). */
  separator?: string;
  limit?: number;
}

export function tokenizeSentence(s: string): string[] {
  return s.toLowerCase().match(/[\p{L}\p{N}']+|[^\s\p{L}\p{N}]/gu) ?? [];
}

export function readPairs(path: string, opts: PairsOptions): Dataset {
  if (!Number.isInteger(opts.maxLen) || opts.maxLen < 2)
    throw new HpoError(`pairs(max_len) must be an integer >= 2, got ${opts.maxLen}`);
  const sc = opts.sourceCol ?? 0;
  const tc = opts.targetCol ?? 1;
  const sep = opts.separator ?? "\t";
  if (sep === "") throw new HpoError("pairs(separator) must not be empty");
  const lines = readText(path)
    .split(/\r?\n/)
    .filter((l) => l.trim() !== "");
  const pairs: [string[], string[]][] = [];
  for (const [i, line] of lines.entries()) {
    if (opts.limit !== undefined && pairs.length >= opts.limit) break;
    const cols = line.split(sep);
    if (cols.length <= Math.max(sc, tc))
      throw new HpoError(
        `${path}: line ${i + 1} has ${cols.length} ${sep === "\t" ? "tab" : JSON.stringify(sep)}-separated columns, needs ${Math.max(sc, tc) + 1}`,
      );
    pairs.push([tokenizeSentence(cols[sc]), tokenizeSentence(cols[tc])]);
  }
  if (pairs.length === 0) throw new HpoError(`${path}: no sentence pairs`);
  const vocab = (k: 0 | 1) => [...SPECIALS, ...[...new Set(pairs.flatMap((p) => p[k]))].sort()];
  const srcVocab = vocab(0);
  const tgtVocab = vocab(1);
  const srcId = new Map(srcVocab.map((t, i) => [t, i]));
  const tgtId = new Map(tgtVocab.map((t, i) => [t, i]));
  const L = opts.maxLen;
  const n = pairs.length;
  const x = new Float32Array(n * L);
  const y = new Float32Array(n * L);
  const dec = new Float32Array(n * L);
  pairs.forEach(([src, tgt], i) => {
    src.slice(0, L).forEach((t, j) => {
      x[i * L + j] = srcId.get(t) ?? UNK;
    });
    const out = [...tgt.slice(0, L - 1).map((t) => tgtId.get(t) ?? UNK), EOS];
    out.forEach((t, j) => {
      y[i * L + j] = t;
      dec[i * L + j] = j === 0 ? BOS : out[j - 1];
    });
  });
  return {
    task: "translation",
    n,
    inputShape: [L],
    x,
    y,
    decoderInput: dec,
    targetLen: L,
    numClasses: tgtVocab.length,
    vocabSize: srcVocab.length,
    labels: tgtVocab,
  };
}
