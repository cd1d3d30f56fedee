// CMA-ES on the CPU (see cmaes.h); per-coordinate math in cmaes_math.h.
#include <algorithm>
#include <cmath>
#include <numeric>

#include "cmaes/cmaes.h"
#include "cmaes/cmaes_math.h"

namespace hpo::cmaes {

namespace {
constexpr double kTolFun = 1e-12;
constexpr double kTolXFactor = 1e-12;  // times sigma0
constexpr double kMaxCondition = 1e14;
constexpr double kSigmaMax = 1e32;
constexpr int32_t kMaxLambda = 1 << 20;
constexpr int32_t kEagerEigenDim = 64;
}  // namespace

const char* StopName(Stop stop) {
  switch (stop) {
    case Stop::kNone: return "none";
    case Stop::kTolFun: return "tolfun";
    case Stop::kTolX: return "tolx";
    case Stop::kNoEffectAxis: return "noeffectaxis";
    case Stop::kNoEffectCoord: return "noeffectcoord";
    case Stop::kConditionCov: return "conditioncov";
    case Stop::kNotFinite: return "notfinite";
  }
  return "unknown";
}

std::string CheckSettings(const Settings& s) {
  if (s.n < 1 || s.n > 10000) return "n must be an integer in [1, 10000]";
  if (s.popsize != 0 && (s.popsize < 2 || s.popsize > kMaxLambda)) return "popsize must be 0 or in [2, 2^20]";
  if (!(s.sigma0 > 0.0) || !std::isfinite(s.sigma0)) return "sigma0 must be a finite number > 0";
  if (s.restart != Restart::kNone && s.restart != Restart::kIpop && s.restart != Restart::kBipop)
    return "restart must be 0 (none), 1 (ipop) or 2 (bipop)";
  if (s.max_resample < 1 || s.max_resample > 100000) return "max_resample must be in [1, 100000]";
  return "";
}

Status SymmetricEigen(const double* a, int32_t n, double* values, double* vectors) {
  std::vector<double> m(a, a + static_cast<size_t>(n) * n);
  auto at = [&](int32_t i, int32_t j) -> double& { return m[static_cast<size_t>(i) * n + j]; };
  auto v = [&](int32_t i, int32_t j) -> double& { return vectors[static_cast<size_t>(i) * n + j]; };
  for (int32_t i = 0; i < n; ++i)
    for (int32_t j = 0; j < n; ++j) v(i, j) = i == j ? 1.0 : 0.0;
  double scale = 0.0;
  for (int32_t i = 0; i < n; ++i) scale += at(i, i) * at(i, i);
  for (int32_t sweep = 0; sweep < 100; ++sweep) {
    double off = 0.0;
    for (int32_t p = 0; p < n; ++p)
      for (int32_t q = p + 1; q < n; ++q) off += at(p, q) * at(p, q);
    if (!(off > 1e-30 * scale)) break;
    // One rotation per off-diagonal pair: J^T A J zeroes a_pq (Numerical Recipes' Jacobi, tan phi = t).
    for (int32_t p = 0; p < n; ++p) {
      for (int32_t q = p + 1; q < n; ++q) {
        double apq = at(p, q);
        if (apq == 0.0) continue;
        double theta = (at(q, q) - at(p, p)) / (2.0 * apq);
        double t = (theta >= 0.0 ? 1.0 : -1.0) / (std::fabs(theta) + std::sqrt(theta * theta + 1.0));
        double c = 1.0 / std::sqrt(t * t + 1.0), s = t * c;
        for (int32_t k = 0; k < n; ++k) {
          double akp = at(k, p), akq = at(k, q);
          at(k, p) = c * akp - s * akq;
          at(k, q) = s * akp + c * akq;
        }
        for (int32_t k = 0; k < n; ++k) {
          double apk = at(p, k), aqk = at(q, k);
          at(p, k) = c * apk - s * aqk;
          at(q, k) = s * apk + c * aqk;
        }
        for (int32_t k = 0; k < n; ++k) {
          double vkp = v(k, p), vkq = v(k, q);
          v(k, p) = c * vkp - s * vkq;
          v(k, q) = s * vkp + c * vkq;
        }
      }
    }
  }
  for (int32_t i = 0; i < n; ++i) {
    values[i] = at(i, i);
    if (!std::isfinite(values[i])) return Status::Error(StatusCode::kInternal, "the covariance is not finite");
  }
  return Status::Ok();
}

void Engine::SetStrategyParameters(int32_t lambda) {
  const double n = static_cast<double>(n_);
  lambda_ = lambda;
  mu_ = lambda / 2;
  weights_.assign(static_cast<size_t>(lambda), 0.0);
  const double top = std::log((lambda + 1) / 2.0);
  double positive = 0, positive_sq = 0, negative = 0, negative_sq = 0;
  for (int32_t i = 0; i < lambda; ++i) {
    double w = top - std::log(static_cast<double>(i + 1));  // eq. 49
    weights_[i] = w;
    if (w >= 0) positive += w, positive_sq += w * w;
    else negative += w, negative_sq += w * w;
  }
  mueff_ = positive * positive / positive_sq;
  const double mueff_minus = negative_sq > 0 ? negative * negative / negative_sq : 0.0;
  // eq. 54-58
  cc_ = (4.0 + mueff_ / n) / (n + 4.0 + 2.0 * mueff_ / n);
  cs_ = (mueff_ + 2.0) / (n + mueff_ + 5.0);
  const double alpha_cov = 2.0;
  c1_ = alpha_cov / ((n + 1.3) * (n + 1.3) + mueff_);
  cmu_ = std::min(1.0 - c1_,
                  alpha_cov * (mueff_ - 2.0 + 1.0 / mueff_) / ((n + 2.0) * (n + 2.0) + alpha_cov * mueff_ / 2.0));
  if (settings_.diagonal) {
    // sep-CMA-ES: the diagonal learns (n + 2) / 3 times faster
    c1_ = std::min(1.0, c1_ * (n + 2.0) / 3.0);
    cmu_ = std::min(1.0 - c1_, cmu_ * (n + 2.0) / 3.0);
  }
  ds_ = 1.0 + 2.0 * std::max(0.0, std::sqrt((mueff_ - 1.0) / (n + 1.0)) - 1.0) + cs_;
  chi_n_ = ExpectedNormLength(n_);
  // eq. 50-53: positive weights sum to 1; negative ones (active CMA, full covariance only) to the
  // largest magnitude that keeps C positive definite
  const double alpha_mu = 1.0 + c1_ / cmu_;
  const double alpha_mueff = 1.0 + 2.0 * mueff_minus / (mueff_ + 2.0);
  const double alpha_posdef = (1.0 - c1_ - cmu_) / (n * cmu_);
  const double negative_scale = std::min(alpha_mu, std::min(alpha_mueff, alpha_posdef)) / -negative;
  weight_sum_ = 0;
  for (double& w : weights_) {
    if (w >= 0) w /= positive;
    else w = settings_.diagonal || negative == 0 ? 0.0 : w * negative_scale;
    weight_sum_ += w;
  }
}

void Engine::StartRun(const double* mean, double sigma, const double* variances, int32_t lambda) {
  const size_t n = static_cast<size_t>(n_);
  SetStrategyParameters(lambda);
  mean_.assign(mean, mean + n);
  sigma_ = sigma;
  pc_.assign(n, 0.0);
  ps_.assign(n, 0.0);
  if (settings_.diagonal) {
    c_.assign(n, 1.0);
    if (variances) c_.assign(variances, variances + n);
  } else {
    c_.assign(n * n, 0.0);
    for (size_t i = 0; i < n; ++i) c_[i * n + i] = variances ? variances[i] : 1.0;
  }
  run_generation_ = 0;
  run_evaluations_ = 0;
  best_history_.clear();
  Status ignored = Decompose();  // diagonal input: always finite
  (void)ignored;
}

Status Engine::Init(const Settings& settings, const double* mean, double sigma, const double* variances) {
  std::string problem = CheckSettings(settings);
  if (!problem.empty()) return Status::Error(StatusCode::kInvalidArgument, problem);
  if (!(sigma > 0.0) || !std::isfinite(sigma))
    return Status::Error(StatusCode::kInvalidArgument, "sigma must be a finite number > 0");
  for (int32_t i = 0; i < settings.n; ++i) {
    if (!(mean[i] >= 0.0 && mean[i] <= 1.0))
      return Status::Error(StatusCode::kOutOfBounds, "mean[" + std::to_string(i) + "] is outside [0, 1]");
    if (variances && !(variances[i] > 0.0 && std::isfinite(variances[i])))
      return Status::Error(StatusCode::kInvalidArgument, "variances[" + std::to_string(i) + "] must be > 0");
  }
  settings_ = settings;
  n_ = settings.n;
  lambda0_ = settings.popsize > 0 ? settings.popsize : 4 + static_cast<int32_t>(std::floor(3.0 * std::log(n_)));
  StartRun(mean, sigma, variances, lambda0_);
  return Status::Ok();
}

Status Engine::Decompose() {
  const size_t n = static_cast<size_t>(n_);
  if (settings_.diagonal) {
    d_.resize(n);
    for (size_t i = 0; i < n; ++i) {
      if (!(c_[i] > 0.0) || !std::isfinite(c_[i]))
        return Status::Error(StatusCode::kInternal, "the covariance is not positive");
      d_[i] = std::sqrt(c_[i]);
    }
    return Status::Ok();
  }
  // Symmetrize against rounding, then C = B diag(D^2) B^T.
  for (size_t i = 0; i < n; ++i)
    for (size_t j = 0; j < i; ++j) c_[i * n + j] = c_[j * n + i] = 0.5 * (c_[i * n + j] + c_[j * n + i]);
  std::vector<double> values(n);
  b_.resize(n * n);
  HPO_RETURN_IF_ERROR(SymmetricEigen(c_.data(), n_, values.data(), b_.data()));
  d_.resize(n);
  for (size_t i = 0; i < n; ++i) {
    if (!(values[i] > 0.0)) return Status::Error(StatusCode::kInternal, "the covariance is not positive definite");
    d_[i] = std::sqrt(values[i]);
  }
  bd_.resize(n * n);
  inv_sqrt_c_.assign(n * n, 0.0);
  for (size_t i = 0; i < n; ++i)
    for (size_t j = 0; j < n; ++j) bd_[i * n + j] = b_[i * n + j] * d_[j];
  for (size_t i = 0; i < n; ++i)
    for (size_t j = 0; j < n; ++j) {
      double s = 0;
      for (size_t k = 0; k < n; ++k) s += b_[i * n + k] * b_[j * n + k] / d_[k];
      inv_sqrt_c_[i * n + j] = s;
    }
  eigen_generation_ = run_generation_;
  return Status::Ok();
}

void Engine::Sample(double* x, uint32_t number, uint32_t attempt) const {
  const int32_t n = n_;
  const uint64_t stream = CandidateStream(generation_, number);
  std::vector<double> z(static_cast<size_t>(n));
  for (int32_t draw = 0; draw < settings_.max_resample; ++draw) {
    const uint64_t base = (static_cast<uint64_t>(attempt) * settings_.max_resample + draw) * n;
    for (int32_t i = 0; i < n; ++i) z[i] = StreamNormal(settings_.seed, stream, base + i);
    for (int32_t i = 0; i < n; ++i)
      x[i] = settings_.diagonal
                 ? SeparableCoordinate(mean_[i], sigma_, d_[i], z[i])
                 : CandidateCoordinate(mean_[i], sigma_, bd_.data() + static_cast<size_t>(i) * n, z.data(), n);
    if (InUnitCube(x, n)) return;
  }
  // The cube's repair after max_resample misses: the last draw, clipped (Optuna's cmaes does the same).
  for (int32_t i = 0; i < n; ++i) x[i] = Clamp01(x[i]);
}

std::vector<double> Engine::Covariance() const {
  const size_t n = static_cast<size_t>(n_);
  if (!settings_.diagonal) return c_;
  std::vector<double> out(n * n, 0.0);
  for (size_t i = 0; i < n; ++i) out[i * n + i] = c_[i];
  return out;
}

Status Engine::Tell(const uint32_t* numbers, const uint32_t* attempts, const double* fitness, int32_t count) {
  if (count != lambda_)
    return Status::Error(StatusCode::kInvalidArgument,
                         "a generation needs " + std::to_string(lambda_) + " values, got " + std::to_string(count));
  for (int32_t k = 0; k < count; ++k)
    if (!std::isfinite(fitness[k]))
      return Status::Error(StatusCode::kInvalidArgument, "fitness[" + std::to_string(k) + "] is not finite");
  const size_t n = static_cast<size_t>(n_);
  // The candidates again, as steps y = (x - m) / sigma, ranked by fitness (stable: ties keep their order).
  std::vector<double> y(static_cast<size_t>(count) * n), x(n);
  for (int32_t k = 0; k < count; ++k) {
    Sample(x.data(), numbers[k], attempts[k]);
    for (size_t i = 0; i < n; ++i) y[k * n + i] = (x[i] - mean_[i]) / sigma_;
  }
  std::vector<int32_t> order(static_cast<size_t>(count));
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int32_t a, int32_t b) { return fitness[a] < fitness[b]; });
  std::vector<double> sorted(static_cast<size_t>(count));
  for (int32_t k = 0; k < count; ++k) sorted[k] = fitness[order[k]];
  auto step = [&](int32_t rank) { return y.data() + static_cast<size_t>(order[rank]) * n; };

  // eq. 41: the weighted mean step of the mu best
  std::vector<double> yw(n, 0.0);
  for (int32_t r = 0; r < mu_; ++r)
    for (size_t i = 0; i < n; ++i) yw[i] += weights_[r] * step(r)[i];
  for (size_t i = 0; i < n; ++i) mean_[i] += sigma_ * yw[i];  // c_m = 1
  // C^-1/2 v
  auto whiten = [&](const double* v, double* out) {
    if (settings_.diagonal) {
      for (size_t i = 0; i < n; ++i) out[i] = v[i] / d_[i];
      return;
    }
    for (size_t i = 0; i < n; ++i) {
      double s = 0;
      for (size_t j = 0; j < n; ++j) s += inv_sqrt_c_[i * n + j] * v[j];
      out[i] = s;
    }
  };
  // eq. 43-44: the step-size path and cumulative step-size adaptation
  std::vector<double> white(n);
  whiten(yw.data(), white.data());
  const double ps_gain = std::sqrt(cs_ * (2.0 - cs_) * mueff_);
  double ps_norm = 0;
  for (size_t i = 0; i < n; ++i) {
    ps_[i] = (1.0 - cs_) * ps_[i] + ps_gain * white[i];
    ps_norm += ps_[i] * ps_[i];
  }
  ps_norm = std::sqrt(ps_norm);
  sigma_ = std::min(kSigmaMax, sigma_ * std::exp((cs_ / ds_) * (ps_norm / chi_n_ - 1.0)));
  // eq. 45 with h_sigma (below eq. 46)
  const double decay_ps = 1.0 - std::pow(1.0 - cs_, 2.0 * (run_generation_ + 1));
  const bool h_sigma = ps_norm / std::sqrt(decay_ps) < (1.4 + 2.0 / (n_ + 1.0)) * chi_n_;
  const double pc_gain = std::sqrt(cc_ * (2.0 - cc_) * mueff_);
  for (size_t i = 0; i < n; ++i) pc_[i] = (1.0 - cc_) * pc_[i] + (h_sigma ? pc_gain * yw[i] : 0.0);
  // eq. 46-47: rank-one and rank-mu updates; negative weights scaled by n / ||C^-1/2 y||^2
  std::vector<double> wo(static_cast<size_t>(count));
  for (int32_t r = 0; r < count; ++r) {
    wo[r] = weights_[r];
    if (weights_[r] < 0) {
      whiten(step(r), white.data());
      double norm2 = 0;
      for (size_t i = 0; i < n; ++i) norm2 += white[i] * white[i];
      wo[r] = norm2 > 0 ? weights_[r] * n_ / norm2 : 0.0;
    }
  }
  const double decay = CovarianceDecay(c1_, cmu_, weight_sum_, h_sigma, cc_);
  if (settings_.diagonal) {
    for (size_t i = 0; i < n; ++i) {
      double rank_mu = 0;
      for (int32_t r = 0; r < count; ++r) rank_mu += wo[r] * step(r)[i] * step(r)[i];
      c_[i] = decay * c_[i] + c1_ * pc_[i] * pc_[i] + cmu_ * rank_mu;
    }
  } else {
    for (size_t i = 0; i < n; ++i)
      for (size_t j = 0; j <= i; ++j) {
        double rank_mu = 0;
        for (int32_t r = 0; r < count; ++r)
          if (wo[r] != 0) rank_mu += wo[r] * step(r)[i] * step(r)[j];
        double cij = decay * c_[i * n + j] + c1_ * pc_[i] * pc_[j] + cmu_ * rank_mu;
        c_[i * n + j] = c_[j * n + i] = cij;
      }
  }
  ++generation_;
  ++run_generation_;
  run_evaluations_ += count;
  best_history_.push_back(sorted[0]);
  const size_t history = 10 + static_cast<size_t>(std::ceil(30.0 * n_ / lambda_));
  while (best_history_.size() > history) best_history_.pop_front();

  // The eigendecomposition: every generation up to kEagerEigenDim dimensions (the early generations
  // of a short study move C most), lazily above (the tutorial's B.2: every lambda / (10 n (c1 + cmu))
  // generations), where the O(n^3) decomposition would dominate.
  bool finite = std::isfinite(sigma_);
  for (double v : mean_) finite = finite && std::isfinite(v);
  Status decomposed = Status::Ok();
  const double lag = n_ <= kEagerEigenDim ? 0.0 : static_cast<double>(lambda_) / ((c1_ + cmu_) * n_ * 10.0);
  if (finite && (settings_.diagonal || run_generation_ - eigen_generation_ >= lag)) decomposed = Decompose();
  last_stop_ = (!finite || !decomposed.ok()) ? Stop::kNotFinite : Termination(sorted);
  if (last_stop_ == Stop::kNone) return Status::Ok();
  if (settings_.restart != Restart::kNone) {
    Restart();
    return Status::Ok();
  }
  if (last_stop_ == Stop::kNotFinite)
    return decomposed.ok() ? Status::Error(StatusCode::kInternal, "the CMA-ES update is not finite") : decomposed;
  return Status::Ok();  // without restarts a converged run keeps sampling where it is
}

Stop Engine::Termination(const std::vector<double>& sorted) {
  const size_t n = static_cast<size_t>(n_);
  const size_t history = 10 + static_cast<size_t>(std::ceil(30.0 * n_ / lambda_));
  if (best_history_.size() >= history) {
    auto [lo, hi] = std::minmax_element(best_history_.begin(), best_history_.end());
    if (*hi - *lo < kTolFun && sorted.back() - sorted.front() < kTolFun) return Stop::kTolFun;
  }
  auto variance = [&](size_t i) { return settings_.diagonal ? c_[i] : c_[i * n + i]; };
  bool small = true;
  const double tolx = kTolXFactor * settings_.sigma0;
  for (size_t i = 0; i < n && small; ++i)
    small = sigma_ * std::fabs(pc_[i]) < tolx && sigma_ * std::sqrt(variance(i)) < tolx;
  if (small) return Stop::kTolX;
  if (!settings_.diagonal) {
    const size_t axis = run_generation_ % n;
    bool moves = false;
    for (size_t i = 0; i < n && !moves; ++i) moves = mean_[i] != mean_[i] + 0.1 * sigma_ * d_[axis] * b_[i * n + axis];
    if (!moves) return Stop::kNoEffectAxis;
  }
  for (size_t i = 0; i < n; ++i)
    if (mean_[i] == mean_[i] + 0.2 * sigma_ * std::sqrt(variance(i))) return Stop::kNoEffectCoord;
  auto [dlo, dhi] = std::minmax_element(d_.begin(), d_.end());
  if ((*dhi / *dlo) * (*dhi / *dlo) > kMaxCondition) return Stop::kConditionCov;
  return Stop::kNone;
}

void Engine::Restart() {
  const uint64_t stream = RestartStream(restarts_);
  ++restarts_;
  std::vector<double> mean(static_cast<size_t>(n_));
  for (int32_t i = 0; i < n_; ++i) mean[i] = StreamUniform(settings_.seed, stream, static_cast<uint64_t>(i));
  int32_t lambda = lambda0_;
  double sigma = settings_.sigma0;
  if (settings_.restart == Restart::kIpop) {
    lambda =
        static_cast<int32_t>(std::min<double>(kMaxLambda, lambda0_ * std::ldexp(1.0, static_cast<int>(restarts_))));
  } else {
    // BIPOP: the regime that has spent fewer evaluations runs next; the large one doubles each time.
    (small_regime_ ? evaluations_small_ : evaluations_large_) += run_evaluations_;
    small_regime_ = evaluations_small_ < evaluations_large_;
    const double large = std::min<double>(kMaxLambda, lambda0_ * std::ldexp(1.0, large_exponent_ + 1));
    if (small_regime_) {
      const double u1 = StreamUniform(settings_.seed, stream, static_cast<uint64_t>(n_));
      const double u2 = StreamUniform(settings_.seed, stream, static_cast<uint64_t>(n_) + 1);
      lambda = std::max(2, static_cast<int32_t>(std::floor(lambda0_ * std::pow(0.5 * large / lambda0_, u1 * u1))));
      sigma = settings_.sigma0 * std::pow(10.0, -2.0 * u2);
    } else {
      ++large_exponent_;
      lambda = static_cast<int32_t>(large);
    }
  }
  StartRun(mean.data(), sigma, nullptr, lambda);
}

}  // namespace hpo::cmaes
