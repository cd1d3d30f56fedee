// TPE's mixture log density on the CPU (see parzen.h).
#include <cmath>
#include <limits>

#include "common/normal_math.h"
#include "tpe/parzen.h"

namespace hpo::tpe {

void MixtureLogPdf(const MixtureBatch& b, double* terms, double* out) {
  const size_t nk = b.kernels;
  constexpr double kNegInf = -std::numeric_limits<double>::infinity();
  for (size_t s = 0; s < b.samples; ++s) {
    for (size_t k = 0; k < nk; ++k) terms[k] = b.base[k];
    // one dimension at a time over every kernel: contiguous loads the compiler vectorizes
    for (size_t d = 0; d < b.discrete; ++d) {
      const double* row = b.tables + static_cast<size_t>(b.rows[s * b.discrete + d]) * nk;
      for (size_t k = 0; k < nk; ++k) terms[k] += row[k];
    }
    for (size_t c = 0; c < b.continuous; ++c) {
      const double xc = b.x[s * b.continuous + c];
      const double* mu = b.mu + c * nk;
      const double* inv = b.inv_sigma + c * nk;
      for (size_t k = 0; k < nk; ++k) {
        const double z = (xc - mu[k]) * inv[k];
        terms[k] -= 0.5 * z * z;
      }
    }
    double max = kNegInf;
    for (size_t k = 0; k < nk; ++k)
      if (terms[k] > max) max = terms[k];
    if (max == kNegInf) {
      out[s] = kNegInf;
      continue;
    }
    double sum = 0.0;
    for (size_t k = 0; k < nk; ++k) {
      const double t = terms[k] - max;
      if (t > kExpCutoff) sum += std::exp(t);
    }
    out[s] = max + std::log(sum);
  }
}

void CellLogMass(const double* left, const double* right, size_t cells, const double* mu, const double* sigma,
                 size_t pairs, double* out) {
  for (size_t c = 0; c < cells; ++c)
    for (size_t p = 0; p < pairs; ++p)
      out[c * pairs + p] = log_normal_mass((left[c] - mu[p]) / sigma[p], (right[c] - mu[p]) / sigma[p]);
}

}  // namespace hpo::tpe
