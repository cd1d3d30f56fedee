// Philox4x32-10 (Salmon et al., "Parallel Random Numbers: As Easy as 1, 2, 3", SC'11; Random123).
// A counter-based generator: block(counter, key) -> 4 x uint32, with no state between calls, so any
// element of any stream can be computed independently, on the CPU or a GPU thread, bit-identically.
//
// hpo's mapping: key = (seed low 32 bits, seed high 32 bits);
//                counter = (block low, block high, stream low, stream high).
// Value i of a stream (i counts values of the requested distribution, so a draw from `offset` equals
// the same slice of a draw from 0) uses block i / 4, word i % 4 for 32-bit outputs (uniform f32, raw
// bits), and block i / 2, words 2 (i % 2) and 2 (i % 2) + 1 for 64-bit-based outputs (uniform f64, normal
// f64 and f32).
//
// Bit-identical CPU and CUDA results: everything below uses integer operations and the correctly rounded
// IEEE operations + - * / and sqrt only (no libm: host and device log/exp differ in the last bits), and
// the build disables FMA contraction on both sides (see common/hd.h). The normal deviates come from the
// inverse normal CDF (Wichura's AS241, PPND16) with our own log, so the same instruction sequence runs on
// both paths.
#pragma once
#include <cmath>
#include <cstdint>
#include <cstring>

#include "common/hd.h"

namespace hpo::rng {

struct U32x4 {
  uint32_t v[4];
};

constexpr uint32_t kPhiloxM0 = 0xD2511F53u;
constexpr uint32_t kPhiloxM1 = 0xCD9E8D57u;
constexpr uint32_t kPhiloxW0 = 0x9E3779B9u;  // golden ratio
constexpr uint32_t kPhiloxW1 = 0xBB67AE85u;  // sqrt(3) - 1

HPO_HD void MulHiLo(uint32_t a, uint32_t b, uint32_t* hi, uint32_t* lo) {
#if defined(__CUDA_ARCH__)
  // Two 32-bit multiplies (IMAD.HI, IMAD): the 64-bit product below is lowered to 64-bit integer
  // arithmetic in the PTX, several instructions per round on the GPU. Same bits.
  *hi = __umulhi(a, b);
  *lo = a * b;
#else
  uint64_t product = static_cast<uint64_t>(a) * static_cast<uint64_t>(b);
  *hi = static_cast<uint32_t>(product >> 32);
  *lo = static_cast<uint32_t>(product);
#endif
}

// One Philox4x32 block with 10 rounds.
HPO_HD U32x4 Philox4x32_10(U32x4 counter, uint32_t key0, uint32_t key1) {
  for (int round = 0; round < 10; ++round) {
    if (round > 0) {
      key0 += kPhiloxW0;
      key1 += kPhiloxW1;
    }
    uint32_t hi0, lo0, hi1, lo1;
    MulHiLo(kPhiloxM0, counter.v[0], &hi0, &lo0);
    MulHiLo(kPhiloxM1, counter.v[2], &hi1, &lo1);
    counter = U32x4{{hi1 ^ counter.v[1] ^ key0, lo1, hi0 ^ counter.v[3] ^ key1, lo0}};
  }
  return counter;
}

// The block holding 32-bit word `block` of stream `stream` under `seed`.
HPO_HD U32x4 StreamBlock(uint64_t seed, uint64_t stream, uint64_t block) {
  U32x4 counter{{static_cast<uint32_t>(block), static_cast<uint32_t>(block >> 32), static_cast<uint32_t>(stream),
                 static_cast<uint32_t>(stream >> 32)}};
  return Philox4x32_10(counter, static_cast<uint32_t>(seed), static_cast<uint32_t>(seed >> 32));
}

// A double in [0, 1) with 53 random bits from two words (the top 27 of `a`, the top 26 of `b`).
HPO_HD double UnitDouble(uint32_t a, uint32_t b) {
  return (static_cast<double>(a >> 5) * 67108864.0 + static_cast<double>(b >> 6)) * (1.0 / 9007199254740992.0);
}

// A float in [0, 1) with 24 random bits (the top 24 of `a`).
HPO_HD float UnitFloat(uint32_t a) { return static_cast<float>(a >> 8) * (1.0f / 16777216.0f); }

// A double in (0, 1), never 0 or 1, with 53 random bits: the midpoint of the 2^-53 cell, so the set of
// values is symmetric about 1/2 (used for the inverse CDF, which needs 0 < p < 1).
HPO_HD double OpenUnitDouble(uint32_t a, uint32_t b) {
  return ((static_cast<double>(a >> 5) * 67108864.0 + static_cast<double>(b >> 6)) + 0.5) * (1.0 / 9007199254740992.0);
}

// Natural log of a positive, finite, normal double (fdlibm's e_log.c algorithm: reduce x = 2^k (1 + f)
// with 1 + f in [sqrt(2)/2, sqrt(2)), then a degree-14 minimax polynomial in s = f / (2 + f)). Error
// < 1 ulp. Only + - * / on doubles, so host and device agree bit for bit.
HPO_HD double Log(double x) {
  constexpr double kLn2Hi = 6.93147180369123816490e-01;  // 0x3fe62e42 fee00000
  constexpr double kLn2Lo = 1.90821492927058770002e-10;  // 0x3dea39ef 35793c76
  constexpr double kLg1 = 6.666666666666735130e-01;
  constexpr double kLg2 = 3.999999999940941908e-01;
  constexpr double kLg3 = 2.857142874366239149e-01;
  constexpr double kLg4 = 2.222219843214978396e-01;
  constexpr double kLg5 = 1.818357216161805012e-01;
  constexpr double kLg6 = 1.531383769920937332e-01;
  constexpr double kLg7 = 1.479819860511658591e-01;
  uint64_t bits;
  memcpy(&bits, &x, sizeof bits);
  uint32_t hx = static_cast<uint32_t>(bits >> 32);
  int k = static_cast<int>(hx >> 20) - 1023;
  hx &= 0x000fffffu;
  // i = 0x100000 when the mantissa is >= sqrt(2): then scale by 1/2 and count one more power of two.
  uint32_t i = (hx + 0x95f64u) & 0x100000u;
  bits = (static_cast<uint64_t>(hx | (i ^ 0x3ff00000u)) << 32) | (bits & 0xffffffffull);
  k += static_cast<int>(i >> 20);
  double m;
  memcpy(&m, &bits, sizeof m);
  double f = m - 1.0;
  double s = f / (2.0 + f);
  double dk = static_cast<double>(k);
  double z = s * s;
  double w = z * z;
  double t1 = w * (kLg2 + w * (kLg4 + w * kLg6));
  double t2 = z * (kLg1 + w * (kLg3 + w * (kLg5 + w * kLg7)));
  double r = t2 + t1;
  double hfsq = 0.5 * f * f;
  return dk * kLn2Hi - ((hfsq - (s * (hfsq + r) + dk * kLn2Lo)) - f);
}

// The standard normal quantile: z with Phi(z) = p, for 0 < p < 1 (Wichura, "Algorithm AS 241: The
// Percentage Points of the Normal Distribution", Applied Statistics 37(3), 1988; PPND16, ~1e-16
// relative accuracy). Coefficients as published.
HPO_HD double NormalQuantile(double p) {
  double q = p - 0.5;
  if (q >= -0.425 && q <= 0.425) {
    double r = 0.180625 - q * q;
    double num = (((((((2.5090809287301226727e+3 * r + 3.3430575583588128105e+4) * r + 6.7265770927008700853e+4) * r +
                      4.5921953931549871457e+4) *
                         r +
                     1.3731693765509461125e+4) *
                        r +
                    1.9715909503065514427e+3) *
                       r +
                   1.3314166789178437745e+2) *
                      r +
                  3.3871328727963666080e+0);
    double den = (((((((5.2264952788528545610e+3 * r + 2.8729085735721942674e+4) * r + 3.9307895800092710610e+4) * r +
                      2.1213794301586595867e+4) *
                         r +
                     5.3941960214247511077e+3) *
                        r +
                    6.8718700749205790830e+2) *
                       r +
                   4.2313330701600911252e+1) *
                      r +
                  1.0);
    return q * num / den;
  }
  double r = q < 0.0 ? p : 1.0 - p;  // exact: Sterbenz, since p >= 1/2 here
  r = sqrt(-Log(r));
  double value;
  if (r <= 5.0) {
    r -= 1.6;
    double num =
        (((((((7.74545014278341407640e-4 * r + 2.27238449892691845833e-2) * r + 2.41780725177450611770e-1) * r +
             1.27045825245236838258e+0) *
                r +
            3.64784832476320460504e+0) *
               r +
           5.76949722146069140550e+0) *
              r +
          4.63033784615654529590e+0) *
             r +
         1.42343711074968357734e+0);
    double den =
        (((((((1.05075007164441684324e-9 * r + 5.47593808499534494600e-4) * r + 1.51986665636164571966e-2) * r +
             1.48103976427480074590e-1) *
                r +
            6.89767334985100004550e-1) *
               r +
           1.67638483018380384940e+0) *
              r +
          2.05319162663775882187e+0) *
             r +
         1.0);
    value = num / den;
  } else {
    r -= 5.0;
    double num =
        (((((((2.01033439929228813265e-7 * r + 2.71155556874348757815e-5) * r + 1.24266094738807843860e-3) * r +
             2.65321895265761230930e-2) *
                r +
            2.96560571828504891230e-1) *
               r +
           1.78482653991729133580e+0) *
              r +
          5.46378491116411436990e+0) *
             r +
         6.65790464350110377720e+0);
    double den =
        (((((((2.04426310338993978564e-15 * r + 1.42151175831644588870e-7) * r + 1.84631831751005468180e-5) * r +
             7.86869131145613259100e-4) *
                r +
            1.48753612908506148525e-2) *
               r +
           1.36929880922735805310e-1) *
              r +
          5.99832206555887937690e-1) *
             r +
         1.0);
    value = num / den;
  }
  return q < 0.0 ? -value : value;
}

// The distributions a stream can be drawn as.
enum class Distribution : int {
  kUniform64 = 0,  // double in [0, 1), 53 bits
  kUniform32 = 1,  // float in [0, 1), 24 bits
  kNormal64 = 2,   // standard normal double
  kNormal32 = 3,   // standard normal float (the f64 deviate rounded to nearest)
  kBits32 = 4,     // raw 32-bit words
};

// How many values of `dist` one Philox block yields (4 for 32-bit outputs, 2 for 64-bit-based ones).
HPO_HD uint32_t ValuesPerBlock(Distribution dist) {
  return (dist == Distribution::kUniform32 || dist == Distribution::kBits32) ? 4u : 2u;
}

// Writes value `lane` (0 <= lane < ValuesPerBlock(dist)) of `block` to `out` (of the distribution's
// element type). The CPU loop and the CUDA kernel both call this, so they agree bit for bit.
HPO_HD void BlockValue(Distribution dist, const U32x4& block, uint32_t lane, void* out) {
  switch (dist) {
    case Distribution::kUniform64:
      *static_cast<double*>(out) = UnitDouble(block.v[2 * lane], block.v[2 * lane + 1]);
      break;
    case Distribution::kUniform32: *static_cast<float*>(out) = UnitFloat(block.v[lane]); break;
    case Distribution::kNormal64:
      *static_cast<double*>(out) = NormalQuantile(OpenUnitDouble(block.v[2 * lane], block.v[2 * lane + 1]));
      break;
    case Distribution::kNormal32:
      *static_cast<float*>(out) =
          static_cast<float>(NormalQuantile(OpenUnitDouble(block.v[2 * lane], block.v[2 * lane + 1])));
      break;
    case Distribution::kBits32: *static_cast<uint32_t*>(out) = block.v[lane]; break;
  }
}

// Bytes per value of `dist`.
HPO_HD uint32_t ValueBytes(Distribution dist) {
  return (dist == Distribution::kUniform64 || dist == Distribution::kNormal64) ? 8u : 4u;
}

}  // namespace hpo::rng
