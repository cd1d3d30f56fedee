// CMA-ES in the unit cube (Hansen's tutorial, arXiv:1604.00772; sep-CMA-ES, Ros & Hansen 2008; IPOP,
// Auger & Hansen 2005; BIPOP, Hansen 2009): the state of one search, the candidates it proposes and
// its generation update. Candidates are pure functions of (seed, generation, trial number, attempt),
// so a caller can recompute any candidate of the current generation, hand them to parallel workers
// and tell their values in any order, and a resumed study rebuilds the same state by telling the same
// generations again. Plain C++ (no Node-API): the binding is bindings_cpu.cpp.
#pragma once
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "common/status.h"

namespace hpo::cmaes {

enum class Restart : int32_t { kNone = 0, kIpop = 1, kBipop = 2 };

struct Settings {
  int32_t n = 1;        // dimensions (the encoded parameters)
  int32_t popsize = 0;  // lambda of the first run; 0: 4 + floor(3 ln n) (eq. 48)
  double sigma0 = 0.2;  // initial step size, in unit-cube units
  Restart restart = Restart::kNone;
  bool diagonal = false;  // separable CMA-ES: a diagonal covariance, learning rates (n + 2) / 3 larger
  uint64_t seed = 0;
  int32_t max_resample = 100;  // draws per candidate to land in the cube before clipping (Optuna's cmaes)
};

// An empty string when `s` is usable, else what is wrong with it.
std::string CheckSettings(const Settings& s);

// Why the last run stopped (the termination criteria of the tutorial's appendix B.3).
enum class Stop : int32_t {
  kNone = 0,
  kTolFun = 1,         // the best values of recent generations and this one's values all within 1e-12
  kTolX = 2,           // every step below 1e-12 sigma0
  kNoEffectAxis = 3,   // a tenth of a principal axis does not move the mean
  kNoEffectCoord = 4,  // a fifth of a coordinate's deviation does not move the mean
  kConditionCov = 5,   // the covariance's condition number above 1e14
  kNotFinite = 6,      // the update produced a non-finite value (a restart recovers)
};
const char* StopName(Stop stop);

class Engine {
 public:
  // Starts the first run at `mean` (n values in [0, 1]) with step `sigma` (> 0) and, when
  // `variances` is not null, the diagonal covariance `variances` (n values > 0); otherwise C = I.
  Status Init(const Settings& settings, const double* mean, double sigma, const double* variances);

  // Candidate `number` of the current generation, draw `attempt` (a caller that rejects a
  // candidate, e.g. for a constraint, asks for the next attempt): x (n values in [0, 1]).
  void Sample(double* x, uint32_t number, uint32_t attempt) const;

  // Ends the generation: `count` == Lambda() candidates (numbers[k], attempts[k]) with finite
  // `fitness` (smaller is better; ties keep the given order). Updates mean, step size, paths and
  // covariance, then restarts (IPOP/BIPOP) when a termination criterion holds.
  Status Tell(const uint32_t* numbers, const uint32_t* attempts, const double* fitness, int32_t count);

  int32_t Dim() const { return n_; }
  int32_t Lambda() const { return lambda_; }
  uint32_t Generation() const { return generation_; }  // across runs: keys the candidates' streams
  uint32_t RunGeneration() const { return run_generation_; }
  uint32_t Restarts() const { return restarts_; }
  double Sigma() const { return sigma_; }
  Stop LastStop() const { return last_stop_; }
  bool SmallRegime() const { return small_regime_; }
  const std::vector<double>& Mean() const { return mean_; }
  // The covariance, row-major n x n (diagonal entries only are meaningful when separable).
  std::vector<double> Covariance() const;

 private:
  void StartRun(const double* mean, double sigma, const double* variances, int32_t lambda);
  void SetStrategyParameters(int32_t lambda);
  Status Decompose();
  Stop Termination(const std::vector<double>& sorted_fitness);
  void Restart();

  Settings settings_;
  int32_t n_ = 0, lambda_ = 0, mu_ = 0, lambda0_ = 0;
  std::vector<double> weights_;  // lambda: positive for the mu best, negative (active CMA) after
  double mueff_ = 0, cc_ = 0, cs_ = 0, c1_ = 0, cmu_ = 0, ds_ = 0, chi_n_ = 0, weight_sum_ = 0;
  std::vector<double> mean_, pc_, ps_;
  double sigma_ = 0;
  std::vector<double> c_;           // full: n x n; separable: the n diagonal entries
  std::vector<double> b_, d_;       // eigenvectors (columns, n x n) and sqrt(eigenvalues) of C
  std::vector<double> bd_;          // B D, row-major: candidate = mean + sigma * B D z
  std::vector<double> inv_sqrt_c_;  // B D^-1 B^T
  uint32_t eigen_generation_ = 0;
  uint32_t generation_ = 0, run_generation_ = 0, restarts_ = 0;
  std::deque<double> best_history_;
  Stop last_stop_ = Stop::kNone;
  // BIPOP bookkeeping: evaluations spent in each regime, the large regime's doubling count.
  bool small_regime_ = false;
  int32_t large_exponent_ = 0;
  double evaluations_large_ = 0, evaluations_small_ = 0, run_evaluations_ = 0;
};

// Eigendecomposition of a symmetric n x n matrix (cyclic Jacobi): values (n) and vectors (columns,
// row-major n x n). Exposed for the known-answer tests.
Status SymmetricEigen(const double* a, int32_t n, double* values, double* vectors);

}  // namespace hpo::cmaes
