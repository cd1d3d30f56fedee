/** Small statistics helpers for distribution tests (independent of the code under test). */

/** Mean and (population) variance of `xs`. */
export function meanVariance(xs: ArrayLike<number>): { mean: number; variance: number } {
  let mean = 0;
  let m2 = 0;
  for (let i = 0; i < xs.length; i++) {
    // Welford's update: stable for a million values.
    const delta = xs[i] - mean;
    mean += delta / (i + 1);
    m2 += delta * (xs[i] - mean);
  }
  return { mean, variance: m2 / xs.length };
}

/** The standard normal CDF, via erfc (W. J. Cody's rational approximations are overkill here: this
 * Numerical Recipes erfc has relative error < 1.2e-7, far below the KS resolution of 1/sqrt(n)). */
export function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * z);
  const erfc =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 +
                            t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? 1 - 0.5 * erfc : 0.5 * erfc;
}

/** The one-sample Kolmogorov–Smirnov statistic D = sup |F_n(x) - F(x)|. Sorts a copy of `xs`. */
export function ksStatistic(xs: Float64Array | Float32Array, cdf: (x: number) => number): number {
  const sorted = Float64Array.from(xs).sort();
  const n = sorted.length;
  let d = 0;
  for (let i = 0; i < n; i++) {
    const f = cdf(sorted[i]);
    d = Math.max(d, f - i / n, (i + 1) / n - f);
  }
  return d;
}

/** The KS critical value at significance 0.001 for large n (Smirnov's asymptotic 1.949 / sqrt(n)). */
export function ksCritical001(n: number): number {
  return 1.9495 / Math.sqrt(n);
}
