// CMA-ES scalar math shared by every path (Hansen, "The CMA Evolution Strategy: A Tutorial",
// arXiv:1604.00772, 2016; the equation numbers below are the tutorial's). Plain HPO_HD functions on
// doubles: the CPU engine (cmaes_cpu.cpp) runs them, and a device path could run them unchanged.
//
// Why no CUDA path: one ask samples one candidate (n normals, an n x n matrix-vector product) and one
// generation's update is O(lambda n^2 + n^3) for n of a few dozen at most, microseconds on one core;
// a kernel launch and the transfers alone cost more.
#pragma once
#include <cmath>
#include <cstdint>

#include "common/hd.h"
#include "rng/philox_math.h"

namespace hpo::cmaes {

// Philox stream purposes (the high byte of the stream word; docs/randomness.md).
constexpr uint64_t kCandidateStream = 0x43ull;  // 'C': a candidate's normal deviates
constexpr uint64_t kRestartStream = 0x52ull;    // 'R': a restart's mean and BIPOP draws

// The stream of candidate `number` of `generation` (generation < 2^24, number < 2^32).
HPO_HD uint64_t CandidateStream(uint32_t generation, uint32_t number) {
  return (kCandidateStream << 56) | (static_cast<uint64_t>(generation & 0xffffffu) << 32) | number;
}

HPO_HD uint64_t RestartStream(uint32_t restart) { return (kRestartStream << 56) | restart; }

// Value `index` of a stream as a standard normal (two values per Philox block, as rng's kNormal64).
HPO_HD double StreamNormal(uint64_t seed, uint64_t stream, uint64_t index) {
  rng::U32x4 block = rng::StreamBlock(seed, stream, index / 2);
  uint32_t lane = static_cast<uint32_t>(index % 2);
  return rng::NormalQuantile(rng::OpenUnitDouble(block.v[2 * lane], block.v[2 * lane + 1]));
}

// Value `index` of a stream as a uniform double in [0, 1).
HPO_HD double StreamUniform(uint64_t seed, uint64_t stream, uint64_t index) {
  rng::U32x4 block = rng::StreamBlock(seed, stream, index / 2);
  uint32_t lane = static_cast<uint32_t>(index % 2);
  return rng::UnitDouble(block.v[2 * lane], block.v[2 * lane + 1]);
}

// E||N(0, I_n)||, the tutorial's approximation (below eq. 45).
HPO_HD double ExpectedNormLength(int32_t n) {
  double d = static_cast<double>(n);
  return std::sqrt(d) * (1.0 - 1.0 / (4.0 * d) + 1.0 / (21.0 * d * d));
}

// One coordinate of a candidate (eq. 38-40): x_i = m_i + sigma * (B D z)_i, with row i of B D given.
HPO_HD double CandidateCoordinate(double mean, double sigma, const double* bd_row, const double* z, int32_t n) {
  double y = 0.0;
  for (int32_t j = 0; j < n; ++j) y += bd_row[j] * z[j];
  return mean + sigma * y;
}

// One coordinate of a separable candidate: x_i = m_i + sigma * sqrt(c_ii) * z_i.
HPO_HD double SeparableCoordinate(double mean, double sigma, double sqrt_c, double z) {
  return mean + sigma * sqrt_c * z;
}

// Whether x lies in the unit cube the encoding maps every parameter onto.
HPO_HD bool InUnitCube(const double* x, int32_t n) {
  for (int32_t i = 0; i < n; ++i)
    if (!(x[i] >= 0.0 && x[i] <= 1.0)) return false;
  return true;
}

HPO_HD double Clamp01(double v) { return v < 0.0 ? 0.0 : (v > 1.0 ? 1.0 : v); }

// The covariance's decay factor (eq. 47 with eq. 30): 1 + c1 delta(h) - c1 - cmu * sum(w).
HPO_HD double CovarianceDecay(double c1, double cmu, double weight_sum, bool h_sigma, double cc) {
  double delta = h_sigma ? 0.0 : cc * (2.0 - cc);
  return 1.0 + c1 * delta - c1 - cmu * weight_sum;
}

}  // namespace hpo::cmaes
