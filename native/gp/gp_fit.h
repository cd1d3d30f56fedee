// Hyperparameter fitting (MAP with L-BFGS and seeded restarts) and acquisition maximization, written
// once against gp::Engine so the CPU and CUDA modules share them. Host code, header-only because the
// two modules are built from different source lists.
//
// Priors (log densities over theta, constants dropped; bo-recipes.md 7.1):
//   lengthscales: Optuna's -0.1 (l^2 + 1/l^2) per dimension (its -(0.1/θ + 0.1 θ) with θ = 1/l^2),
//                 mode at l = 1, in theta = log l without a Jacobian, as Optuna and BoTorch do. It
//                 makes short lengthscales expensive (l = 0.1 costs 10 nats per dimension), so the
//                 fit explains small ripples as noise and keeps the function's large-scale shape.
//                 BoTorch's LogNormal(sqrt(2) + log(d)/2, sqrt(3)) (Hvarfner et al. 2024), used
//                 before, charged l = 0.1 half a nat more than l = 1 (d = 10): on Levy-10 the fit chased the
//                 ripples around the incumbent and LogEI stayed in its local minimum (hpo bench
//                 strategies, 10 seeds: Levy-10 median 4.18 with it; 1.73 with this one and the bayes
//                 strategy's choice of target transform, src/strategies/bayes/targets.ts). Restart
//                 points are still drawn from that LogNormal (starting lengthscales 0.03 to 200 at d = 10);
//   noise:        LogNormal(-4, 1) as in BoTorch;
//   outputscale:  Gamma(2, 1) (Optuna's; BoTorch fixes it at 1), mode at 1 in standardized units;
//   mean:         flat within the bounds.
// The priors assume standardized outputs and inputs in the unit cube (what the bayes strategy passes).
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <exception>
#include <functional>
#include <limits>
#include <numeric>
#include <string>
#include <thread>
#include <vector>

#include "common/thread_pool.h"
#include "gp/gp.h"
#include "gp/gp_math.h"
#include "gp/lbfgs.h"

namespace hpo::gp {

struct Priors {
  double ls_loc, ls_scale;  // LogNormal that restart lengthscales are drawn from
  double noise_loc = -4.0, noise_scale = 1.0;
};

inline Priors priors_for(int d) { return Priors{kSqrt2 + 0.5 * std::log(static_cast<double>(d)), kSqrt3}; }

// Log prior density and its gradient (added to grad) at theta.
inline double log_prior(const double* theta, int d, double* grad) {
  Priors p = priors_for(d);
  double value = 0.0;
  for (int j = 0; j < d; ++j) {
    double up = std::exp(2.0 * theta[j]), down = std::exp(-2.0 * theta[j]);
    value += -0.1 * (up + down);
    if (grad) grad[j] += -0.2 * (up - down);
  }
  double eta = theta[d];
  value += eta - std::exp(eta);
  if (grad) grad[d] += 1.0 - std::exp(eta);
  double nu = theta[d + 1];
  double nvar = p.noise_scale * p.noise_scale;
  value += -nu - (nu - p.noise_loc) * (nu - p.noise_loc) / (2.0 * nvar);
  if (grad) grad[d + 1] += -1.0 - (nu - p.noise_loc) / nvar;
  return value;
}

struct Bounds {
  std::vector<double> lower, upper;
};

// Box for theta: lengthscales in [0.025, 1e3] (BoTorch's floor), outputscale in [1e-3, 1e3], noise in
// [1e-6, 10] (Optuna's floor: deterministic objectives want near-interpolation), mean within the
// range of y widened by that range on each side.
inline Bounds theta_bounds(int d, const std::vector<double>& y) {
  Bounds b;
  b.lower.assign(d + 3, std::log(0.025));
  b.upper.assign(d + 3, std::log(1e3));
  b.lower[d] = std::log(1e-3);
  b.upper[d] = std::log(1e3);
  b.lower[d + 1] = std::log(1e-6);
  b.upper[d + 1] = std::log(10.0);
  double lo = *std::min_element(y.begin(), y.end());
  double hi = *std::max_element(y.begin(), y.end());
  double span = std::max(hi - lo, 1.0);
  b.lower[d + 2] = lo - span;
  b.upper[d + 2] = hi + span;
  return b;
}

// A small seeded generator for restart points (SplitMix64 + Box-Muller): restarts are independent
// streams, so the result does not depend on thread scheduling.
struct SplitMix {
  uint64_t state;
  uint64_t next() {
    uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  double uniform() { return (static_cast<double>(next() >> 11) + 0.5) * (1.0 / 9007199254740992.0); }
  double normal() {
    double u1 = uniform(), u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }
};

// Default starting point: lengthscales at the start LogNormal's mode exp(mu - sigma^2) (BoTorch's init),
// outputscale 1, noise exp(-5) (the noise prior's mode), mean = mean(y).
inline std::vector<double> default_theta(int d, const std::vector<double>& y) {
  Priors p = priors_for(d);
  std::vector<double> theta(d + 3, p.ls_loc - p.ls_scale * p.ls_scale);
  theta[d] = 0.0;
  theta[d + 1] = -5.0;
  theta[d + 2] = std::accumulate(y.begin(), y.end(), 0.0) / static_cast<double>(y.size());
  return theta;
}

// Restart r >= 1 draws lengthscales from the start LogNormal, noise from its prior and the outputscale
// near 1.
inline std::vector<double> random_theta(int d, const std::vector<double>& y, uint64_t seed, int restart) {
  Priors p = priors_for(d);
  SplitMix rng{seed * 0x9E3779B97F4A7C15ull + static_cast<uint64_t>(restart) * 0xD1B54A32D192ED03ull};
  std::vector<double> theta = default_theta(d, y);
  for (int j = 0; j < d; ++j) theta[j] = p.ls_loc + p.ls_scale * rng.normal();
  theta[d] = 0.5 * rng.normal();
  theta[d + 1] = p.noise_loc + p.noise_scale * rng.normal();
  return theta;
}

struct FitOptions {
  int restarts = 4;
  uint64_t seed = 0;
  int max_iterations = 100;
  // Start restart 0 from `warm` (the previous fit) instead of the default point.
  std::vector<double> warm;
  // With `warm`: the previous fit's L-BFGS curvature pairs, flattened (s_0, y_0, s_1, y_1, ...; each
  // d + 3 long), so restart 0 resumes its quasi-Newton model.
  std::vector<double> warm_memory;
  int threads = 0;
};

// LbfgsMemory to and from the flat layout of FitOptions::warm_memory and FitResult::memory.
inline std::vector<double> flatten_memory(const LbfgsMemory& memory) {
  std::vector<double> flat;
  for (size_t k = 0; k < memory.s.size(); ++k) {
    flat.insert(flat.end(), memory.s[k].begin(), memory.s[k].end());
    flat.insert(flat.end(), memory.y[k].begin(), memory.y[k].end());
  }
  return flat;
}

inline LbfgsMemory unflatten_memory(const std::vector<double>& flat, size_t dim) {
  LbfgsMemory memory;
  for (size_t at = 0; dim > 0 && at + 2 * dim <= flat.size(); at += 2 * dim) {
    memory.s.emplace_back(flat.begin() + at, flat.begin() + at + dim);
    memory.y.emplace_back(flat.begin() + at + dim, flat.begin() + at + 2 * dim);
  }
  return memory;
}

struct FitResult {
  std::vector<double> theta;
  std::vector<double> memory;  // the winning run's final curvature pairs (flat, as FitOptions::warm_memory)
  double objective;            // log marginal likelihood + log prior at theta (maximized)
  double lml;
  int restarts_failed;
};

// Restarts are screened on models of kScreenMinPoints or more: with more than kKeptRestarts of them,
// each runs kScreenIterations L-BFGS steps, and only the kKeptRestarts best (by objective; ties by
// restart index) continue to convergence, resuming their curvature pairs. The full runs cost most
// of a fit (tens of O(n^3) likelihood evaluations each), and with hundreds of points the likelihood
// is peaked enough that a restart behind after the first steps rarely overtakes the leaders: the
// screen cuts a 4-restart fit's evaluations by about half. Smaller models run every restart to the
// end: their fits are cheap, and on the quality benchmarks (bench/surrogate-quality.ts, 60-200
// trials) screening them helped some functions and hurt others.
constexpr int kKeptRestarts = 2;
constexpr int kScreenIterations = 8;
constexpr int kScreenMinPoints = 500;

// MAP fit: maximizes lml + log prior from `restarts` starting points; the best finite result wins
// (ties by restart index, so the result is deterministic). Throws StatusError (the first restart's code) if every restart fails.
inline FitResult fit_hyperparameters(const Engine& engine, const FitOptions& options) {
  const int d = engine.d;
  const int restarts = std::max(1, options.restarts);
  Bounds bounds = theta_bounds(d, engine.y);
  std::vector<std::vector<double>> thetas(restarts);
  std::vector<LbfgsMemory> memories(restarts);
  std::vector<double> objectives(restarts, -std::numeric_limits<double>::infinity());
  std::vector<int> iterations(restarts, 0);
  std::vector<Status> errors(restarts);
  LbfgsOptions lbfgs;
  // Optuna's GPSampler stops at gtol = 1e-2 on the same (total, not per-point) objective: the
  // hyperparameters are not worth more precision than the data gives them.
  lbfgs.gradient_tolerance = 1e-2;
  lbfgs.relative_tolerance = 1e-9;
  const bool screen =
      engine.n >= kScreenMinPoints && restarts > kKeptRestarts && options.max_iterations > kScreenIterations;
  int threads = engine.parallel_safe() ? (options.threads > 0 ? options.threads : hardware_threads()) : 1;

  // Runs restart r for up to `steps` more L-BFGS iterations from thetas[r] and memories[r].
  auto run = [&](int r, int steps) {
    Status last_error;
    // -(log marginal likelihood + log prior) at t, and its gradient into g when g is not null; +inf
    // where K cannot be factored (the error is kept for the report).
    auto negative_log_posterior = [&](const std::vector<double>& t, double* g) -> double {
      try {
        double value = engine.lml(t.data(), g).value + log_prior(t.data(), d, g);
        if (g)
          for (int i = 0; i < theta_size(d); ++i) g[i] = -g[i];
        return std::isfinite(value) ? -value : std::numeric_limits<double>::infinity();
      } catch (const StatusError& e) {
        last_error = e.status();
        return std::numeric_limits<double>::infinity();
      }
    };
    auto negative_objective = [&](const std::vector<double>& t, std::vector<double>& g) {
      return negative_log_posterior(t, g.data());
    };
    // Line-search trials on the likelihood alone where the engine keeps the factor for the gradient
    // that follows at the accepted step (Engine::keeps_factor).
    ValueOnly negative_value;
    if (engine.keeps_factor())
      negative_value = [&](const std::vector<double>& t) { return negative_log_posterior(t, nullptr); };
    LbfgsOptions limited = lbfgs;
    limited.max_iterations = steps;
    std::vector<double> theta = thetas[r];
    LbfgsResult res =
        lbfgs_minimize(negative_objective, theta, bounds.lower, bounds.upper, limited, &memories[r], negative_value);
    if (std::isfinite(res.value)) {
      thetas[r] = theta;
      objectives[r] = -res.value;
      iterations[r] = res.iterations;
    } else {
      objectives[r] = -std::numeric_limits<double>::infinity();
      errors[r] =
          last_error.ok() ? Status::Error(StatusCode::kNotPositiveDefinite, "non-finite objective") : last_error;
    }
  };

  for (int r = 0; r < restarts; ++r) {
    if (r == 0 && options.warm.size() == static_cast<size_t>(d + 3)) {
      thetas[r] = options.warm;
      memories[r] = unflatten_memory(options.warm_memory, d + 3);
    } else {
      thetas[r] = r == 0 ? default_theta(d, engine.y) : random_theta(d, engine.y, options.seed, r);
    }
  }
  parallel_for(restarts, threads, [&](int r) { run(r, screen ? kScreenIterations : options.max_iterations); });
  if (screen) {
    // The leaders that have not stopped yet continue (a run that stopped early has converged).
    std::vector<int> order;
    for (int r = 0; r < restarts; ++r)
      if (std::isfinite(objectives[r])) order.push_back(r);
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return objectives[a] > objectives[b]; });
    std::vector<int> leaders;
    for (size_t i = 0; i < order.size() && i < static_cast<size_t>(kKeptRestarts); ++i)
      if (iterations[order[i]] >= kScreenIterations) leaders.push_back(order[i]);
    parallel_for(static_cast<int>(leaders.size()), threads,
                 [&](int i) { run(leaders[i], options.max_iterations - kScreenIterations); });
  }
  int best = -1;
  int failed = 0;
  for (int r = 0; r < restarts; ++r) {
    if (!std::isfinite(objectives[r])) {
      ++failed;
      continue;
    }
    if (best < 0 || objectives[r] > objectives[best]) best = r;
  }
  if (best < 0) {
    throw StatusError(errors[0].code, "every hyperparameter restart failed: " + errors[0].message);
  }
  FitResult out{thetas[best], flatten_memory(memories[best]), objectives[best], 0.0, failed};
  // The objective is lml + log prior, so the likelihood needs no further factorization.
  out.lml = out.objective - log_prior(out.theta.data(), d, nullptr);
  return out;
}

// Maximizes the acquisition from m starting points Xs (m, d) within [0, 1]^d by projected L-BFGS on
// its negative; writes the end points (m, d) and their values (m).
inline void maximize_acquisition(const Engine& engine, const double* starts, int m, const AcqOptions& acq,
                                 int max_iterations, int threads, double* x_out, double* value_out) {
  const int d = engine.d;
  std::vector<double> lower(d, 0.0), upper(d, 1.0);
  LbfgsOptions lbfgs;
  lbfgs.max_iterations = max_iterations;
  lbfgs.gradient_tolerance = 1e-7;
  lbfgs.relative_tolerance = 1e-12;
  threads = engine.parallel_safe() ? (threads > 0 ? threads : hardware_threads()) : 1;
  parallel_for(m, threads, [&](int i) {
    std::vector<double> x(starts + static_cast<size_t>(i) * d, starts + static_cast<size_t>(i + 1) * d);
    auto negative = [&](const std::vector<double>& xv, std::vector<double>& g) -> double {
      double value = 0.0;
      engine.acquisition(xv.data(), 1, acq, &value, g.data());
      for (double& gi : g) gi = -gi;
      return std::isfinite(value) ? -value : std::numeric_limits<double>::infinity();
    };
    LbfgsResult res = lbfgs_minimize(negative, x, lower, upper, lbfgs);
    std::copy(x.begin(), x.end(), x_out + static_cast<size_t>(i) * d);
    value_out[i] = -res.value;
  });
}

}  // namespace hpo::gp
