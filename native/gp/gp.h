// The GP surrogate engine: one exact Gaussian process (ARD kernel, output scale, Gaussian noise,
// constant mean) over training data X (n, d) row-major and y (n). Two implementations of `Engine`:
// CpuEngine (gp_cpu.cpp, the reference) and CudaEngine (engine.cu, data and factor kept on the device).
// Fitting and acquisition maximization (gp_fit.h) are written once against this interface.
//
// Hyperparameters travel as one vector theta of length d + 3:
//   theta[0..d)  log lengthscales     theta[d]  log outputscale
//   theta[d+1]   log noise variance   theta[d+2] constant mean
// K = outputscale * k(X, X) + (noise + jitter) I; log marginal likelihood (the total, not divided by n):
//   -1/2 (y - m)' K^-1 (y - m) - 1/2 log|K| - n/2 log(2 pi).
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"

// Failures deep inside the engine (a kernel matrix that never became positive definite, a CUDA
// error) are thrown as hpo::StatusError with their code, because they arise in L-BFGS objective
// callbacks and parallel_for bodies that cannot return a Status; the bindings turn them back into a
// Status (CaptureStatus in common/async_worker.h's workers) at the engine's boundary.
namespace hpo::gp {

inline int theta_size(int d) { return d + 3; }

// Jitter escalation: the first try adds nothing; then 1e-8 * 10^k up to kMaxJitter (relative to
// outputscale + noise), as in GPyTorch's psd_safe_cholesky but with more tries.
constexpr double kFirstJitter = 1e-8;
constexpr double kMaxJitter = 1e-2;

struct LmlResult {
  double value;
  double jitter;  // the jitter that made K positive definite
};

struct AcqOptions {
  int kind;     // AcquisitionKind (gp_math.h)
  double best;  // incumbent, maximization convention
  double beta;  // UCB only
};

class Engine {
 public:
  Engine(int n_points, int dim, int kernel_kind, std::vector<double> y_values)
      : n(n_points), d(dim), kernel(kernel_kind), y(std::move(y_values)) {}
  virtual ~Engine() = default;

  // Log marginal likelihood at theta and, when grad != nullptr, its gradient (d + 3) with respect to
  // theta. Throws StatusError (HPO_NOT_POSITIVE_DEFINITE) when K is not positive definite at any jitter. Const: restarts may call it
  // from several threads when parallel_safe().
  virtual LmlResult lml(const double* theta, double* grad) const = 0;
  // Factors K at theta and keeps the factor for predictions; returns the jitter used.
  virtual double condition(const std::vector<double>& theta) = 0;
  // Posterior mean and latent variance (clamped at 0) at m candidates Xc (m, d) row-major.
  virtual void predict(const double* Xc, int m, double* mean, double* variance) const = 0;
  // Acquisition values (m) and, when grad != nullptr, gradients (m, d) with respect to the candidates.
  virtual void acquisition(const double* Xc, int m, const AcqOptions& options, double* value, double* grad) const = 0;
  // Whether lml/acquisition may run concurrently on several host threads.
  virtual bool parallel_safe() const { return true; }
  // Whether lml(theta, nullptr) keeps its factor so that lml(theta, grad) next, and condition(theta),
  // reuse it: fits then try line-search steps on the value alone (lbfgs.h).
  virtual bool keeps_factor() const { return false; }
  // Where the work runs, e.g. "cpu fp64 2 threads" or "cuda fp64 cusolver".
  virtual std::string describe() const = 0;

  const int n;
  const int d;
  const int kernel;
  const std::vector<double> y;  // host copy of the outputs (fit uses it for starting points)
  std::vector<double> theta;    // hyperparameters of the current factor (empty before condition())
  double jitter = 0.0;
};

// CpuEngine over copies of X (n, d) and y (n). `threads` caps the worker threads (0 = hardware).
// Throws StatusError (HPO_OUT_OF_MEMORY) when its n x n matrices cannot fit in this machine's memory.
std::unique_ptr<Engine> make_cpu_engine(const double* X, const double* y, int n, int d, int kernel, int threads);

}  // namespace hpo::gp
