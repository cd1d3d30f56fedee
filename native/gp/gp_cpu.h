// The CPU engine (gp_cpu.cpp): the reference implementation of gp::Engine, and its building blocks
// (also used by tests through the diagnostic exports of the bindings).
#pragma once
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "gp/gp.h"

namespace hpo::gp {

void kernel_matrix_cpu(double* K, double* G, const double* X, const double* inv_ls2, double outputscale, int kind,
                       int n, int d, int threads);
int cholesky_cpu(double* A, int n);
void solve_lower_cpu(double* b, const double* L, int n);
void solve_lower_transposed_cpu(double* b, const double* L, int n);
double cholesky_with_jitter_cpu(std::vector<double>& L, const double* A, int n, double scale, int threads = 1);
void inverse_from_cholesky_cpu(double* Kinv, const double* L, int n, int threads,
                               std::vector<double>* scratch = nullptr);

class CpuEngine : public Engine {
 public:
  CpuEngine(const double* X, const double* y, int n, int d, int kernel, int threads);
  LmlResult lml(const double* theta, double* grad) const override;
  double condition(const std::vector<double>& theta) override;
  void predict(const double* Xc, int m, double* mean, double* variance) const override;
  void acquisition(const double* Xc, int m, const AcqOptions& options, double* value, double* grad) const override;
  std::string describe() const override;
  bool keeps_factor() const override { return true; }

  ~CpuEngine() override;

  // The n x n buffers of one lml() call, pooled because fits call lml() hundreds of times and fresh
  // n x n allocations cost page faults and zeroing on every call. Each engine keeps its own (one per
  // concurrent caller); when it is destroyed, small ones (kPoolKeepBytes in all) move to a
  // process-wide pool that new engines draw from first, since the bayes strategy builds a new model
  // every ask.
  //
  // A workspace also remembers the theta its K_f, G, L and alpha were last computed at (`at`, empty
  // when they are stale or belong to another engine), so the gradient after a value-only call at the
  // same theta, and condition() at a fit's result, reuse them (keeps_factor).
  struct Workspace {
    std::vector<double> Kf, G, L, W, scratch;
    std::vector<double> at, alpha;
    double value = 0.0, jitter = 0.0;
    // Whether `scratch` begins with (L^-1)' at `at` (left there by a gradient; see inverse_blocked_cpu).
    bool inverse_kept = false;
    size_t bytes() const;
  };
  struct Lease {
    const CpuEngine& owner;
    std::unique_ptr<Workspace> ws;
    // Takes the engine's workspace computed at `theta` when there is one (else any).
    Lease(const CpuEngine& engine, const double* theta);
    ~Lease();
  };

 private:
  mutable std::mutex pool_mutex_;
  mutable std::vector<std::unique_ptr<Workspace>> pool_;

  void posterior_block(const double* Xc, int c, double* mean, double* variance, double* Kc, double* w,
                       const double* Linv, std::vector<double>* packed) const;
  // L^-1 at the current theta, built on first use by a call scoring at least n / 2 candidates (then
  // every candidate block is one GEMM instead of a triangular solve); null until then.
  const double* lower_inverse(int m) const;
  mutable std::mutex linv_mutex_;
  mutable std::vector<double> Linv_;
  mutable bool linv_ready_ = false;
  // Linv_ already holds L^-1, kept by condition() from the fit's last gradient, for the first call
  // that asks for it (calls before that still solve, as they would without it).
  bool linv_kept_ = false;

  std::vector<double> X;  // (n, d) row-major
  int threads;
  std::vector<double> L_;        // (n, n) Cholesky factor of K_y at theta
  std::vector<double> alpha_;    // (n) K_y^-1 (y - mean)
  std::vector<double> inv_ls2_;  // (d) 1 / l^2 at theta
  std::vector<double> Xs_;       // (n, d) X scaled by 1 / l at theta
};

}  // namespace hpo::gp
