/**
 * Corpus BLEU (Papineni et al., 2002) as NLTK's `corpus_bleu` and sacreBLEU compute it without
 * smoothing: clipped n-gram counts for n = 1..maxOrder summed over the whole corpus (micro-averaged,
 * not a mean of sentence scores), their geometric mean with uniform weights, and the brevity penalty
 * against, per sentence, the reference length closest to the hypothesis (the shorter on a tie).
 * The score is in [0, 1]; it is 0 when any order has no match (no smoothing).
 *
 * Sentences are token sequences of anything comparable with `===` after `String()` (words or ids).
 */

export type Sentence = readonly (string | number)[];

/** The n-grams of `tokens` with their counts, keyed by the tokens joined with a separator. */
function ngramCounts(tokens: Sentence, n: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (let i = 0; i + n <= tokens.length; i++) {
    const key = tokens.slice(i, i + n).join("\u0001");
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

/** The reference length closest to `hypLength` (NLTK's `closest_ref_length`). */
function closestRefLength(references: readonly Sentence[], hypLength: number): number {
  let best = references[0]?.length ?? 0;
  for (const r of references) {
    const d = Math.abs(r.length - hypLength);
    const bestD = Math.abs(best - hypLength);
    if (d < bestD || (d === bestD && r.length < best)) best = r.length;
  }
  return best;
}

/** The parts of a corpus BLEU score, for reports and tests. */
export interface BleuStats {
  bleu: number;
  /** Modified (clipped) precision per order, 1-grams first. */
  precisions: number[];
  brevityPenalty: number;
  hypLength: number;
  refLength: number;
}

/**
 * Corpus BLEU of `hypotheses` against their `references` (one or more per hypothesis), with n-grams
 * up to `maxOrder` (4, the standard BLEU-4).
 */
export function corpusBleu(
  references: readonly (readonly Sentence[])[],
  hypotheses: readonly Sentence[],
  maxOrder = 4,
): BleuStats {
  if (references.length !== hypotheses.length)
    throw new RangeError(
      `corpusBleu: ${hypotheses.length} hypotheses for ${references.length} reference sets`,
    );
  const matches = new Float64Array(maxOrder);
  const totals = new Float64Array(maxOrder);
  let hypLength = 0;
  let refLength = 0;
  for (const [s, hyp] of hypotheses.entries()) {
    const refs = references[s];
    for (let n = 1; n <= maxOrder; n++) {
      // Each hypothesis n-gram counts at most as often as it occurs in any one reference.
      const maxRef = new Map<string, number>();
      for (const r of refs)
        for (const [g, c] of ngramCounts(r, n)) maxRef.set(g, Math.max(maxRef.get(g) ?? 0, c));
      for (const [g, c] of ngramCounts(hyp, n)) {
        matches[n - 1] += Math.min(c, maxRef.get(g) ?? 0);
        totals[n - 1] += c;
      }
    }
    hypLength += hyp.length;
    refLength += closestRefLength(refs, hyp.length);
  }
  const precisions = Array.from(matches, (m, i) => (totals[i] > 0 ? m / totals[i] : 0));
  const brevityPenalty =
    hypLength === 0 ? 0 : hypLength > refLength ? 1 : Math.exp(1 - refLength / hypLength);
  const bleu = precisions.every((p) => p > 0)
    ? brevityPenalty * Math.exp(precisions.reduce((s, p) => s + Math.log(p), 0) / maxOrder)
    : 0;
  return { bleu, precisions, brevityPenalty, hypLength, refLength };
}
