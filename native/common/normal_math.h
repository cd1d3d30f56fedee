// The standard normal distribution as scalar math every area may share (compiled for the CPU and,
// through HPO_HD, for CUDA): density, distribution function, erfcx and log Phi accurate in the far
// left tail, and the log mass of an interval. The GP's acquisitions (gp/gp_math.h) and TPE's
// stepped kernels (tpe/parzen.h) use them.
#pragma once
#include <math.h>

#include "common/hd.h"

namespace hpo {

constexpr double kInvSqrt2 = 0.70710678118654752440;
constexpr double kInvSqrtPi = 0.56418958354775628695;
constexpr double kInvSqrt2Pi = 0.39894228040143267794;
constexpr double kHalfLog2Pi = 0.91893853320467274178;  // log(2 pi) / 2

// Standard normal density and distribution function.
HPO_HD double normal_pdf(double z) { return kInvSqrt2Pi * exp(-0.5 * z * z); }
HPO_HD double normal_cdf(double z) { return 0.5 * erfc(-z * kInvSqrt2); }

// erfcx(x) = exp(x^2) erfc(x), for x >= 0 (the only range the callers need). Below 5 the direct
// product is accurate to a few ulps of erfc; above, the continued fraction
// erfc(x) = exp(-x^2)/sqrt(pi) / (x + (1/2)/(x + 1/(x + (3/2)/(x + ...)))) converges quickly.
HPO_HD double erfcx_nonneg(double x) {
  if (x < 5.0) return erfc(x) * exp(x * x);
  double t = x;
  for (int k = 60; k >= 1; --k) t = x + (0.5 * k) / t;
  return kInvSqrtPi / t;
}

// log Phi(z), accurate in the far left tail.
HPO_HD double log_normal_cdf(double z) {
  if (z > 0.0) return log1p(-0.5 * erfc(z * kInvSqrt2));
  if (z > -5.0) return log(0.5 * erfc(-z * kInvSqrt2));
  return log(0.5 * erfcx_nonneg(-z * kInvSqrt2)) - 0.5 * z * z;
}

// log Phi(z); at z <= -20 by its asymptotic series phi(z)/|z| (1 - 1/z^2 + 3/z^4 - 15/z^6), whose
// next term is under 1e-8 of the sum there: a few operations where erfcx's continued fraction takes 60.
HPO_HD double log_normal_cdf_far(double z) {
  if (z > -20.0) return log_normal_cdf(z);
  double z2 = z * z;
  return -0.5 * z2 - kHalfLog2Pi - log(-z) + log(1.0 - 1.0 / z2 + 3.0 / (z2 * z2) - 15.0 / (z2 * z2 * z2));
}

// log(Phi(b) - Phi(a)) for a < b (-inf when a >= b), without cancellation: an interval above 0 is
// mirrored below it, where Phi is small and exact; where the difference underflows (two far-tail
// values) the logs are subtracted. src/space/normal.ts logNormalMass is the same algorithm
// on its own erfc.
HPO_HD double log_normal_mass(double a, double b) {
  if (!(a < b)) return -INFINITY;
  if (a > 0.0) {
    double t = a;
    a = -b;
    b = -t;
  }
  double fb = normal_cdf(b);
  double fa = normal_cdf(a);
  if (fb - fa > 1e-300) return log(fb - fa);
  double la = log_normal_cdf_far(a);
  double lb = log_normal_cdf_far(b);
  return lb + log1p(-exp(la - lb));
}

}  // namespace hpo
