// Per-element Gaussian-process math shared by the CPU path (gp_cpu.cpp) and the CUDA path (gp/*.cu):
// stationary ARD kernels as functions of the scaled squared distance, their derivatives, the normal
// distribution in log space, and the acquisition functions with their derivatives with respect to the
// posterior mean and standard deviation. The formulas follow from the conventions below.
//
// Conventions
//   s = sum_d (x_d - x'_d)^2 / l_d^2      the scaled squared distance, r = sqrt(s)
//   k(x, x') = outputscale * m(s)         m(0) = 1
//   kernel_grad_factor(s) = -2 dm/ds      so that d k / d log l_d = outputscale * g(s) * delta_d^2 / l_d^2
//                                         and     d k / d x_d     = -outputscale * g(s) * delta_d / l_d^2
//   (finite at s = 0: no 1/r anywhere.)
// Acquisition functions are for MAXIMIZATION of the modelled output (the strategy negates minimized
// objectives); `best` is the incumbent in the same units.
#pragma once
#include <math.h>

#include "common/hd.h"
#include "common/normal_math.h"

namespace hpo::gp {

enum KernelKind : int { kMatern52 = 0, kMatern32 = 1, kRbf = 2 };
enum AcquisitionKind : int { kLogEi = 0, kEi = 1, kPi = 2, kUcb = 3 };

constexpr double kSqrt2 = 1.41421356237309504880;
constexpr double kSqrt3 = 1.73205080756887729353;
constexpr double kSqrt5 = 2.23606797749978969641;
constexpr double kHalfLogPiOver2 = 0.22579135264472743236;  // log(pi / 2) / 2
constexpr double kLn2 = 0.69314718055994530942;
// Posterior variance floor used by the acquisitions (BoTorch clamps at 1e-12 as well).
constexpr double kVarianceFloor = 1e-12;

// m(s): the kernel's correlation at scaled squared distance s >= 0.
// Far beyond exp's range the value is 0 (guarding inf * 0 = NaN for huge distances).
constexpr double kFarDistance = 1e6;

// Scaled squared distance between rows a and b (length d) with inverse squared lengthscales.
HPO_HD double scaled_sqdist(const double* a, const double* b, const double* inv_ls2, int d) {
  double s = 0.0;
  for (int k = 0; k < d; ++k) {
    double delta = a[k] - b[k];
    s += delta * delta * inv_ls2[k];
  }
  return s;
}

HPO_HD double kernel_value(int kind, double s) {
  if (!(s < kFarDistance)) return 0.0;
  if (kind == kRbf) return exp(-0.5 * s);
  double r = sqrt(s);
  if (kind == kMatern32) {
    double a = kSqrt3 * r;
    return (1.0 + a) * exp(-a);
  }
  double a = kSqrt5 * r;
  return (1.0 + a + (5.0 / 3.0) * s) * exp(-a);
}

// g(s) = -2 dm/ds (see the conventions above).
HPO_HD double kernel_grad_factor(int kind, double s) {
  if (!(s < kFarDistance)) return 0.0;
  if (kind == kRbf) return exp(-0.5 * s);
  double r = sqrt(s);
  if (kind == kMatern32) return 3.0 * exp(-kSqrt3 * r);
  double a = kSqrt5 * r;
  return (5.0 / 3.0) * (1.0 + a) * exp(-a);
}

// m(s) and g(s) together, sharing the exponential (the kernel-matrix loops need both).
HPO_HD void kernel_value_and_grad(int kind, double s, double* m, double* g) {
  if (!(s < kFarDistance)) {
    *m = 0.0;
    *g = 0.0;
    return;
  }
  if (kind == kRbf) {
    double e = exp(-0.5 * s);
    *m = e;
    *g = e;
    return;
  }
  double r = sqrt(s);
  if (kind == kMatern32) {
    double a = kSqrt3 * r;
    double e = exp(-a);
    *m = (1.0 + a) * e;
    *g = 3.0 * e;
    return;
  }
  double a = kSqrt5 * r;
  double e = exp(-a);
  *m = (1.0 + a + (5.0 / 3.0) * s) * e;
  *g = (5.0 / 3.0) * (1.0 + a) * e;
}

// The normal density, CDF, erfcx and log Phi: common/normal_math.h.

// log(1 - exp(w)) for w < 0 (Maechler's switch at -ln 2).
HPO_HD double log1mexp(double w) { return w > -kLn2 ? log(-expm1(w)) : log1p(-exp(w)); }

// log h(z), h(z) = phi(z) + z Phi(z): Ament et al. 2023, Eq. 9 (BoTorch's _log_ei_helper).
// `tail_switch` is -1/sqrt(eps): -1e6 in fp64, -1e3 in fp32.
// log h(z) + z^2 / 2 for z <= -1: the left tail without its Gaussian factor, finite for every finite z
// (z^2 itself overflows past |z| ~ 1.3e154, and the ratios below must not subtract two infinities).
HPO_HD double log_h_scaled_tail(double z, double tail_switch = -1e6) {
  if (z > tail_switch) {
    double az = -z;
    double w = log(erfcx_nonneg(az * kInvSqrt2) * az) + kHalfLogPiOver2;
    return -kHalfLog2Pi + log1mexp(w);
  }
  return -kHalfLog2Pi - 2.0 * log(-z);
}

HPO_HD double log_h(double z, double tail_switch = -1e6) {
  if (z > -1.0) return log(normal_pdf(z) + z * normal_cdf(z));
  return log_h_scaled_tail(z, tail_switch) - 0.5 * z * z;
}

// The largest partial derivative LogEI reports (see acquisition_value).
constexpr double kMaxAcqPartial = 1e150;

// An acquisition value at posterior mean `mu` and standard deviation `sigma` (> 0), with its partial
// derivatives with respect to mu and sigma.
struct AcqValue {
  double value;
  double d_mu;
  double d_sigma;
};

// LogEI = log sigma + log h(z), z = (mu - best) / sigma; d log h / dz = Phi(z) / h(z), evaluated in log
// space so the gradient stays alive far from the incumbent. UCB = mu + sqrt(beta) sigma (BoTorch's
// convention for beta).
HPO_HD AcqValue acquisition_value(int kind, double mu, double sigma, double best, double beta) {
  AcqValue out{0.0, 0.0, 0.0};
  double z = (mu - best) / sigma;
  if (kind == kLogEi) {
    double lh = log_h(z);
    double ratio_cdf, ratio_pdf;  // Phi / h and phi / h
    if (z > -1.0) {
      ratio_cdf = exp(log_normal_cdf(z) - lh);
      ratio_pdf = exp(-0.5 * z * z - kHalfLog2Pi - lh);
    } else {
      // Both sides scaled by exp(z^2 / 2): at extreme z the unscaled logs are both -inf (NaN ratios).
      double scaled = log_h_scaled_tail(z);
      ratio_cdf = exp(log(0.5 * erfcx_nonneg(-z * kInvSqrt2)) - scaled);
      ratio_pdf = exp(-kHalfLog2Pi - scaled);
    }
    out.value = log(sigma) + lh;
    // Far in the left tail phi / h ~ z^2 overflows: saturate both partials so the chain rule's sums
    // and products stay finite (an infinite partial times a zero derivative was a NaN gradient).
    out.d_mu = fmin(ratio_cdf / sigma, kMaxAcqPartial);
    out.d_sigma = fmin(ratio_pdf / sigma, kMaxAcqPartial);
  } else if (kind == kEi) {
    double cdf = normal_cdf(z);
    double pdf = normal_pdf(z);
    out.value = sigma * (pdf + z * cdf);
    out.d_mu = cdf;
    out.d_sigma = pdf;
  } else if (kind == kPi) {
    double pdf = normal_pdf(z);
    out.value = normal_cdf(z);
    out.d_mu = pdf / sigma;
    out.d_sigma = -z * pdf / sigma;
  } else {
    double root = sqrt(beta);
    out.value = mu + root * sigma;
    out.d_mu = 1.0;
    out.d_sigma = root;
  }
  return out;
}

}  // namespace hpo::gp
