import { test } from "uvu";
import * as assert from "uvu/assert";
import { corpusBleu } from "../../src/train/bleu.js";

const words = (s: string) => s.split(" ");
const near = (a: number, b: number, tol: number) => assert.ok(Math.abs(a - b) < tol, `${a} vs ${b}`);
/** NLTK's docstrings print values cut after four decimals ("0.5920..."). */
const published = (a: number, shown: number) =>
  assert.ok(a >= shown && a < shown + 1e-4, `${a} is not ${shown}...`);

// The worked example of Papineni et al. (2002), also the one in NLTK's `corpus_bleu` docstring.
const hyp1 = words(
  "It is a guide to action which ensures that the military always obeys the commands of the party",
);
const ref1a = words(
  "It is a guide to action that ensures that the military will forever heed Party commands",
);
const ref1b = words(
  "It is the guiding principle which guarantees the military forces always being under the command of the Party",
);
const ref1c = words("It is the practical guide for the army always to heed the directions of the party");
const hyp2 = words("he read the book because he was interested in world history");
const ref2a = words("he was interested in world history because he read the book");
const refs = [[ref1a, ref1b, ref1c], [ref2a]];

test("corpus BLEU-4 of NLTK's corpus_bleu example is 0.5920", () => {
  published(corpusBleu(refs, [hyp1, hyp2]).bleu, 0.592);
});

test("other orders match NLTK's published values (0.8242, 0.7067, 0.4719 for 2, 3, 5)", () => {
  published(corpusBleu(refs, [hyp1, hyp2], 2).bleu, 0.8242);
  // NLTK's trigram example weighs (0.333, 0.333, 0.334), not exactly uniform.
  const b3 = corpusBleu(refs, [hyp1, hyp2], 3);
  const [p1, p2, p3] = b3.precisions;
  published(
    b3.brevityPenalty * Math.exp(0.333 * Math.log(p1) + 0.333 * Math.log(p2) + 0.334 * Math.log(p3)),
    0.7067,
  );
  published(corpusBleu(refs, [hyp1, hyp2], 5).bleu, 0.4719);
});

test("a one-sentence corpus is sentence BLEU (0.5045), and corpus BLEU is not the mean of sentences (0.6223)", () => {
  const s1 = corpusBleu([refs[0]], [hyp1]).bleu;
  const s2 = corpusBleu([refs[1]], [hyp2]).bleu;
  published(s1, 0.5045);
  published((s1 + s2) / 2, 0.6223);
});

test("modified precisions are clipped by the most frequent reference count (Papineni's 17/18, 10/17, 2/7)", () => {
  const p = corpusBleu([refs[0]], [hyp1]).precisions;
  near(p[0], 17 / 18, 1e-12);
  near(p[1], 10 / 17, 1e-12);
  const the = corpusBleu(
    [[words("the cat is on the mat"), words("there is a cat on the mat")]],
    [words("the the the the the the the")],
    1,
  );
  near(the.precisions[0], 2 / 7, 1e-12);
});

test("the brevity penalty uses the closest reference length, the shorter one on a tie", () => {
  const short = corpusBleu([[words("a b c d e f g h")]], [words("a b c d")], 1);
  near(short.brevityPenalty, Math.exp(1 - 8 / 4), 1e-12);
  near(short.bleu, Math.exp(1 - 8 / 4), 1e-12);
  // hypothesis of 5 tokens, references of 4 and 6: both 1 away, 4 is taken, so no penalty
  const tie = corpusBleu([[words("a b c d"), words("a b c d e f")]], [words("a b c d e")], 1);
  assert.is(tie.refLength, 4);
  assert.is(tie.brevityPenalty, 1);
});

test("no smoothing: an order without any match, or an empty corpus, scores 0", () => {
  assert.is(corpusBleu([[words("a b c d")]], [words("a c b d")]).bleu, 0); // no 3-gram in common
  assert.is(corpusBleu([[words("a b")]], [[]]).bleu, 0);
  assert.is(corpusBleu([], []).bleu, 0);
  near(corpusBleu([[[1, 2, 3, 4, 5]]], [[1, 2, 3, 4, 5]]).bleu, 1, 1e-12); // token ids work too
});

test("a reference set per hypothesis is required", () => {
  assert.throws(() => corpusBleu([[words("a")]], []), /1 reference sets/);
});

test.run();
