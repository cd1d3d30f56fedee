/**
 * TPE's Parzen-mixture log density on the native engine (native/tpe/parzen.h): the part of a TPE
 * ask that grows with the history. The caller (src/strategies/tpe/parzen.ts) builds the mixture;
 * this wrapper checks that the arrays agree in size and makes one synchronous call.
 */
import { HpoError } from "../util/errors.js";
import { fromNativeError } from "./errors.js";
import { loadCpu } from "./load.js";

/**
 * A mixture of product kernels. Per kernel k, a sample's log density is base[k], plus
 * tables[r, k] for the row r each discrete dimension's value picks, minus ½ z² per continuous
 * dimension, z = (x − mu[c, k]) · invSigma[c, k].
 */
export interface Mixture {
  /** One value per kernel: its log weight and the constant parts of the continuous dimensions. */
  base: Float64Array;
  /** Rows of per-kernel log masses (rows × kernels): one per choice or distinct stepped value. */
  tables: Float64Array;
  /** continuous × kernels centres and inverse widths: one dimension's kernels after another. */
  mu: Float64Array;
  invSigma: Float64Array;
}

/** The candidates: `samples` rows of discrete table rows and of continuous values. */
export interface MixtureSamples {
  samples: number;
  /** samples × discrete: the row of `tables` each discrete value adds. */
  rows: Int32Array;
  /** samples × continuous values, in the kernels' units. */
  x: Float64Array;
}

/**
 * log Σ_k exp(term[s, k]) for each sample, leaving out terms more than 40 below a sample's largest
 * (under 4e-18 of it); −∞ where every term is −∞.
 */
export function mixtureLogPdf(mixture: Mixture, samples: MixtureSamples): Float64Array {
  const kernels = mixture.base.length;
  const continuous = mixture.mu.length / kernels;
  const sized =
    kernels > 0 &&
    Number.isInteger(continuous) &&
    mixture.invSigma.length === mixture.mu.length &&
    mixture.tables.length % kernels === 0 &&
    samples.x.length === samples.samples * continuous &&
    (samples.samples === 0 || samples.rows.length % samples.samples === 0);
  if (!sized)
    throw new HpoError(
      `mixtureLogPdf: sizes disagree (kernels ${kernels}, tables ${mixture.tables.length}, mu ${mixture.mu.length}, invSigma ${mixture.invSigma.length}, samples ${samples.samples}, rows ${samples.rows.length}, x ${samples.x.length})`,
    );
  const out = new Float64Array(samples.samples);
  if (samples.samples === 0) return out;
  try {
    loadCpu().tpeMixtureLogPdf(
      mixture.base,
      mixture.tables,
      samples.rows,
      mixture.mu,
      mixture.invSigma,
      samples.x,
      out,
    );
  } catch (err) {
    throw fromNativeError(err);
  }
  return out;
}

/**
 * The log mass of each cell [left[c], right[c]] under each kernel pair (mu[p], sigma[p]):
 * out[c · pairs + p] = log(Φ((right − μ)/σ) − Φ((left − μ)/σ)), computed without cancellation in
 * either tail. Bounds in the kernels' units (logs for a log scale); every σ > 0.
 */
export function cellLogMass(
  left: Float64Array,
  right: Float64Array,
  mu: Float64Array,
  sigma: Float64Array,
): Float64Array {
  if (right.length !== left.length || sigma.length !== mu.length)
    throw new HpoError(
      `cellLogMass: sizes disagree (left ${left.length}, right ${right.length}, mu ${mu.length}, sigma ${sigma.length})`,
    );
  const out = new Float64Array(left.length * mu.length);
  if (out.length === 0) return out;
  try {
    loadCpu().tpeCellLogMass(left, right, mu, sigma, out);
  } catch (err) {
    throw fromNativeError(err);
  }
  return out;
}
