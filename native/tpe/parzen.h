// The log density of TPE's Parzen mixtures (src/strategies/tpe/parzen.ts) at a batch of candidates:
// the loop of a TPE ask that grows with the history (g(x) has a kernel per trial above the split).
// CPU only: an ask evaluates ~50 candidates against ~1,000 kernels, a fraction of a millisecond
// here and far less than a device round trip.
#pragma once
#include <cstddef>
#include <cstdint>

namespace hpo::tpe {

// The mixture and the candidates. Per kernel, a sample's log density is its kernel's `base` (log
// weight and the constant parts of the continuous dimensions), plus one row of `tables` per
// discrete dimension (the kernel's log mass of the sample's value: a row per choice, or per
// distinct stepped value), minus ½ z² per continuous dimension.
struct MixtureBatch {
  const double* base;       // kernels
  const double* tables;     // table rows × kernels
  const int32_t* rows;      // samples × discrete: which row of `tables` each discrete value adds
  const double* mu;         // continuous × kernels: kernel centres, one dimension after another
  const double* inv_sigma;  // continuous × kernels: 1 / kernel widths
  const double* x;          // samples × continuous: the candidates' continuous values
  size_t samples;
  size_t kernels;
  size_t discrete;
  size_t continuous;
};

// Terms more than this below a sample's largest add under e^-40 (4e-18) of it: left out of the sum.
constexpr double kExpCutoff = -40.0;

// out[s] = log Σ_k exp(base[k] + Σ_d tables[rows[s, d], k] − ½ Σ_c ((x[s, c] − mu[c, k]) ·
// inv_sigma[c, k])²), the sum over terms within kExpCutoff of the largest; −∞ when every term is.
// Terms are accumulated in that order (discrete dimensions, then continuous ones, each in turn).
// Every term is evaluated in full: stopping a kernel once it falls kExpCutoff below the running
// maximum saves arithmetic, but its unpredictable branch cost 4× the time of the vectorized loop
// (~1,000 kernels, 10 dimensions, 50 samples). `scratch` holds `kernels` doubles.
void MixtureLogPdf(const MixtureBatch& batch, double* scratch, double* out);

// The rows of `tables` a stepped dimension adds: out[c * pairs + p] = log(Phi((right[c] - mu[p]) /
// sigma[p]) - Phi((left[c] - mu[p]) / sigma[p])), the mass of cell c ([left, right], in the kernels'
// units) under each distinct kernel (mu, sigma) of that dimension (common/normal_math.h's
// log_normal_mass). A candidate batch has tens of distinct cells, a history hundreds of pairs.
void CellLogMass(const double* left, const double* right, size_t cells, const double* mu, const double* sigma,
                 size_t pairs, double* out);

}  // namespace hpo::tpe
