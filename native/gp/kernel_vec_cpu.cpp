// SIMD kernel values (see kernel_vec_cpu.h), written with GCC vector extensions so the same source
// compiles for AVX-512, AVX2 and baseline x86-64 (picked at load time).
#include "gp/kernel_vec_cpu.h"

#include <cmath>
#include <cstring>

#include "gp/gp_math.h"

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define HPO_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define HPO_CLONES
#endif

namespace hpo::gp {

namespace {

typedef double v4d __attribute__((vector_size(32)));
// Kernel values go 8 lanes at a time (one AVX-512 register, two AVX2 ones): element-wise math, so
// the width changes speed only, not results.
typedef double v8d __attribute__((vector_size(64)));
typedef long long v8l __attribute__((vector_size(64)));

// exp(x) for x <= 0: x = n ln2 + r with |r| <= ln2 / 2 (Cody-Waite split), exp(r) by its Taylor series
// to degree 12 (truncation below 2e-16 relative), 2^n from the exponent bits. 0 below -708 (where
// 2^n would be subnormal). Accurate to a few ulp.
// In place (by reference: wide vectors are not passed by value across the baseline ABI).
__attribute__((always_inline)) inline void exp_nonpositive(v8d& x) {
  const v8d shifter = v8d{} + 0x1.8p52;
  v8l alive = x > -708.0;
  x = alive ? x : v8d{};
  v8d t = x * 1.4426950408889634 + shifter;
  v8d n = t - shifter;
  v8d r = (x - n * 6.93147180369123816490e-01) - n * 1.90821492927058770002e-10;
  v8d p = r * (1.0 / 479001600.0) + 1.0 / 39916800.0;
  p = 1.0 / 3628800.0 + r * p;
  p = 1.0 / 362880.0 + r * p;
  p = 1.0 / 40320.0 + r * p;
  p = 1.0 / 5040.0 + r * p;
  p = 1.0 / 720.0 + r * p;
  p = 1.0 / 120.0 + r * p;
  p = 1.0 / 24.0 + r * p;
  p = 1.0 / 6.0 + r * p;
  p = 0.5 + r * p;
  p = 1.0 + r * p;
  p = 1.0 + r * p;
  v8l bits = ((v8l)t + 1023) << 52;
  v8d e = p * (v8d)bits;
  x = (v8d)((v8l)e & alive);
}

__attribute__((always_inline)) inline void load(v8d& v, const double* p) { std::memcpy(&v, p, sizeof v); }
__attribute__((always_inline)) inline void store(double* p, const v8d& v) { std::memcpy(p, &v, sizeof v); }
__attribute__((always_inline)) inline void load(v4d& v, const double* p) { std::memcpy(&v, p, sizeof v); }

}  // namespace

HPO_CLONES void kernel_values_cpu(int kind, const double* s, double* m, double* g, double outputscale, int len) {
  int j = 0;
  for (; j + 8 <= len; j += 8) {
    v8d sv;
    load(sv, s + j);
    v8l near = sv < kFarDistance;  // false for NaN too
    sv = near ? sv : v8d{};
    v8d mv, gv;
    if (kind == kRbf) {
      v8d e = -0.5 * sv;
      exp_nonpositive(e);
      mv = e;
      gv = e;
    } else {
      v8d r = sv;
      for (int k = 0; k < 8; ++k) r[k] = std::sqrt(r[k]);
      if (kind == kMatern32) {
        v8d a = kSqrt3 * r;
        v8d e = -a;
        exp_nonpositive(e);
        mv = (1.0 + a) * e;
        gv = 3.0 * e;
      } else {
        v8d a = kSqrt5 * r;
        v8d e = -a;
        exp_nonpositive(e);
        mv = (1.0 + a + (5.0 / 3.0) * sv) * e;
        gv = (5.0 / 3.0) * (1.0 + a) * e;
      }
    }
    v8d mo = (v8d)((v8l)(outputscale * mv) & near);
    store(m + j, mo);
    if (g) {
      v8d go = (v8d)((v8l)(outputscale * gv) & near);
      store(g + j, go);
    }
  }
  for (; j < len; ++j) {
    double sj = s[j];
    if (g) {
      double mv = 0.0, gv = 0.0;
      kernel_value_and_grad(kind, sj, &mv, &gv);
      m[j] = outputscale * mv;
      g[j] = outputscale * gv;
    } else {
      m[j] = outputscale * kernel_value(kind, sj);
    }
  }
}

HPO_CLONES void sqdist_row_cpu(const double* xi, const double* Xt, int ld, int d, int len, double* out) {
  // Eight distances at a time summed over k in registers (a pass over `out` per k was mostly loads
  // and stores); each distance is still ((0 + delta_0^2) + delta_1^2) + ... in the order of k.
  int j = 0;
  for (; j + 8 <= len; j += 8) {
    v8d acc = {};
    for (int k = 0; k < d; ++k) {
      v8d col;
      load(col, Xt + (size_t)k * ld + j);
      v8d delta = xi[k] - col;
      acc += delta * delta;
    }
    store(out + j, acc);
  }
  for (; j < len; ++j) {
    double acc = 0.0;
    for (int k = 0; k < d; ++k) {
      double delta = xi[k] - Xt[(size_t)k * ld + j];
      acc += delta * delta;
    }
    out[j] = acc;
  }
}

HPO_CLONES void weighted_sqdiff_row_cpu(const double* w, const double* xi, const double* Xt, int ld, int d, int len,
                                        double* acc) {
  for (int k = 0; k < d; ++k) {
    const double* col = Xt + (size_t)k * ld;
    const double a = xi[k];
    v4d part = {0.0, 0.0, 0.0, 0.0};
    int j = 0;
    for (; j + 4 <= len; j += 4) {
      v4d wv, cv;
      load(wv, w + j);
      load(cv, col + j);
      v4d delta = a - cv;
      part += wv * (delta * delta);
    }
    double tail = 0.0;
    for (; j < len; ++j) {
      double delta = a - col[j];
      tail += w[j] * (delta * delta);
    }
    acc[k] += ((part[0] + part[1]) + (part[2] + part[3])) + tail;
  }
}

HPO_CLONES double products_and_ordered_dot_cpu(const double* w, const double* g, const double* k, int len, double* wg) {
  for (int j = 0; j < len; ++j) wg[j] = w[j] * g[j];
  double sum = 0.0;
  for (int j = 0; j < len; ++j) sum += w[j] * k[j];
  return sum;
}

}  // namespace hpo::gp
