/** The standard normal distribution: CDF, quantile and log density, accurate to ~1e-15 relative. */

const SQRT2 = Math.SQRT2;
const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

// Cody's coefficients, built once (array literals inside the functions were rebuilt on every call)
const ERFC_MID_P = [
  300.4592610201616, 451.9189537118729, 339.3208167343437, 152.9892850469404, 43.162227222056735,
  7.2117582508830935, 0.564195517478974, -1.368648573827167e-7,
];
const ERFC_MID_Q = [
  300.4592609569833, 790.9509253278981, 931.3540948506096, 638.9802644656312, 277.58544474398764,
  77.00015293522948, 12.782727319629423, 1.0,
];
const ERFC_TAIL_P = [
  -0.002996107077035422, -0.04947309106232507, -0.22695659353968692, -0.2786613086096478,
  -0.02231924597341847,
];
const ERFC_TAIL_Q = [0.010620923052846792, 0.19130892610782985, 1.051675107067932, 1.9873320181713525, 1.0];
const ERF_SMALL_P = [
  3209.3775891384694, 377.485237685302, 113.86415415105016, 3.1611237438705655, 0.18577770618460315,
];
const ERF_SMALL_Q = [2844.236833439171, 1282.6165260773723, 244.02463793444417, 23.601290952344122, 1.0];

/**
 * erfc(x) by W. J. Cody's rational Chebyshev approximations (as in Numerical Recipes' erfccheb
 * alternative and in the Cephes/R sources), relative error below 1e-15 across the real line.
 */
export function erfc(x: number): number {
  const ax = Math.abs(x);
  let r: number;
  if (ax < 0.5) return 1 - erfSmall(x);
  if (ax < 4) {
    r = Math.exp(-ax * ax) * (poly(ERFC_MID_P, ax) / poly(ERFC_MID_Q, ax));
  } else {
    const z = 1 / (ax * ax);
    r =
      (Math.exp(-ax * ax) / ax) *
      (1 / Math.sqrt(Math.PI) + (z * poly(ERFC_TAIL_P, z)) / poly(ERFC_TAIL_Q, z));
  }
  return x < 0 ? 2 - r : r;
}

export function erf(x: number): number {
  return Math.abs(x) < 0.5 ? erfSmall(x) : 1 - erfc(x);
}

function erfSmall(x: number): number {
  const z = x * x;
  return (x * poly(ERF_SMALL_P, z)) / poly(ERF_SMALL_Q, z);
}

// Horner evaluation of sum c[i] x^i.
function poly(c: number[], x: number): number {
  let s = 0;
  for (let i = c.length - 1; i >= 0; i--) s = s * x + (c[i] as number);
  return s;
}

/** Φ(z). */
export function normalCdf(z: number): number {
  return 0.5 * erfc(-z / SQRT2);
}

/** log φ(z). */
export function normalLogPdf(z: number): number {
  return -0.5 * z * z - LOG_SQRT_2PI;
}

/**
 * log(Φ(b) − Φ(a)) for a < b, without cancellation: both tails are mirrored so the difference is
 * taken between small numbers, and far tails use log-space arithmetic.
 */
export function logNormalMass(a: number, b: number): number {
  if (a >= b) return Number.NEGATIVE_INFINITY;
  if (a > 0) return logNormalMass(-b, -a); // mirror to the lower tail where Φ is small and exact
  const fb = normalCdf(b);
  const fa = normalCdf(a);
  if (fb - fa > 1e-300) return Math.log(fb - fa);
  // both far in the lower tail: Φ(x) ≈ φ(x)/|x| · …; use log Φ(b) + log1p(−Φ(a)/Φ(b))
  const la = logNormalCdf(a);
  const lb = logNormalCdf(b);
  return lb + Math.log1p(-Math.exp(la - lb));
}

/** log Φ(z), accurate far into the lower tail. */
export function logNormalCdf(z: number): number {
  if (z > -20) return Math.log(normalCdf(z));
  // asymptotic series: Φ(z) = φ(z)/|z| · (1 − 1/z² + 3/z⁴ − 15/z⁶ …)
  const z2 = z * z;
  return normalLogPdf(z) - Math.log(-z) + Math.log(1 - 1 / z2 + 3 / (z2 * z2) - 15 / (z2 * z2 * z2));
}

/**
 * Φ⁻¹(p) for p in (0, 1): Acklam's rational approximation refined by one Halley step, giving
 * near machine precision.
 */
export function normalQuantile(p: number): number {
  if (p <= 0) return Number.NEGATIVE_INFINITY;
  if (p >= 1) return Number.POSITIVE_INFINITY;
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
    2.506628277459239,
  ];
  const b = [
    -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572,
  ];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const plow = 0.02425;
  let x: number;
  if (p < plow) {
    const q = Math.sqrt(-2 * Math.log(p));
    x =
      (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
      ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  } else if (p <= 1 - plow) {
    const q = p - 0.5;
    const r = q * q;
    x =
      ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
      (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
  } else {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    x =
      -(((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
      ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  }
  // Halley refinement on Φ(x) − p
  const e = normalCdf(x) - p;
  const u = e * Math.sqrt(2 * Math.PI) * Math.exp((x * x) / 2);
  return x - u / (1 + (x * u) / 2);
}
