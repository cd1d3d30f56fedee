/**
 * Purposes of the random streams strategies draw from, so that two uses of `rngFor(seed, …)` never
 * share a stream by accident: `rngFor(seed, STREAM.sample, trialNumber)` and so on.
 */
export const STREAM = {
  /** Prior samples for one trial (random strategy, TPE's startup and fallbacks). */
  sample: 1,
  /** The scramble of a QMC sequence. */
  scramble: 2,
  /** Grid order when shuffled. */
  shuffle: 3,
  /** TPE candidate draws for one trial. */
  tpe: 4,
} as const;
