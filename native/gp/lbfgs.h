// A compact projected L-BFGS for box-bounded minimization, used to fit GP hyperparameters and to
// polish acquisition maxima. Host code only (header-only so both modules can use it).
//
// Each iteration: the variables at a bound whose gradient pushes outward are held fixed; the
// two-loop recursion gives a quasi-Newton direction on the free ones (steepest descent after a memory
// reset when that is not a descent direction); a backtracking Armijo search runs along the projected
// path x(a) = P(x + a p). Curvature pairs with s'y <= eps |s||y| are skipped, which keeps the inverse
// Hessian approximation positive definite. The objective may return +inf (e.g. a kernel matrix that is
// not positive definite): the line search then shortens the step.
//
// An objective whose value costs much less than its gradient (the GP likelihood: a Cholesky factor
// against that plus K^-1) may come with a value-only version: the line search then tries each step
// on the value alone and asks for the gradient only at the step it accepts, so rejected steps cost a
// factorization instead of a full evaluation. Both must give the same value at the same point;
// the iterates are then exactly those without it.
#pragma once
#include <algorithm>
#include <cmath>
#include <deque>
#include <functional>
#include <limits>
#include <vector>

namespace hpo::gp {

struct LbfgsOptions {
  int max_iterations = 100;
  int memory = 10;
  double gradient_tolerance = 1e-5;   // on the infinity norm of the projected gradient
  double relative_tolerance = 1e-10;  // on the decrease of f in one iteration, relative to max(|f|, 1)
};

// The curvature pairs (s, y) of a run, oldest first. Passed to the next run on a slightly changed
// objective (a refit after one more observation), they start it with the last run's quasi-Newton
// model instead of steepest descent, so it converges in a few steps.
struct LbfgsMemory {
  std::vector<std::vector<double>> s, y;
};

struct LbfgsResult {
  double value;
  int iterations;
  int evaluations;  // of the objective with its gradient; value-only trials are not counted
};

// The value-only version of an objective (see the top of this file); empty when there is none.
using ValueOnly = std::function<double(const std::vector<double>&)>;

// Minimizes f over lower <= x <= upper, starting from x (projected first); x holds the result.
// `f(x, grad)` returns f(x) and writes its gradient to grad (length dim). With `memory`, the run
// starts from its curvature pairs (those of another length or without positive curvature are
// ignored) and leaves its own final pairs there. With `value_only`, line-search trials call it first.
template <typename F>
LbfgsResult lbfgs_minimize(F&& f, std::vector<double>& x, const std::vector<double>& lower,
                           const std::vector<double>& upper, const LbfgsOptions& options, LbfgsMemory* memory = nullptr,
                           const ValueOnly& value_only = {}) {
  const size_t dim = x.size();
  auto project = [&](std::vector<double>& v) {
    for (size_t i = 0; i < dim; ++i) v[i] = std::min(std::max(v[i], lower[i]), upper[i]);
  };
  // Infinity norm of P(x - g) - x: zero exactly at a stationary point of the bounded problem.
  auto projected_gradient_norm = [&](const std::vector<double>& v, const std::vector<double>& g) {
    double norm = 0.0;
    for (size_t i = 0; i < dim; ++i) {
      double moved = std::min(std::max(v[i] - g[i], lower[i]), upper[i]);
      norm = std::max(norm, std::fabs(moved - v[i]));
    }
    return norm;
  };

  project(x);
  std::vector<double> g(dim), p(dim), x_new(dim), g_new(dim), q(dim);
  std::deque<std::vector<double>> s_hist, y_hist;
  std::deque<double> rho_hist;
  if (memory) {
    for (size_t k = 0; k < memory->s.size() && k < memory->y.size(); ++k) {
      const std::vector<double>& s = memory->s[k];
      const std::vector<double>& yv = memory->y[k];
      if (s.size() != dim || yv.size() != dim) continue;
      double sy = 0.0, ss = 0.0, yy = 0.0;
      for (size_t i = 0; i < dim; ++i) {
        sy += s[i] * yv[i];
        ss += s[i] * s[i];
        yy += yv[i] * yv[i];
      }
      if (!(sy > 1e-10 * std::sqrt(ss * yy))) continue;
      if (static_cast<int>(s_hist.size()) == options.memory) {
        s_hist.pop_front();
        y_hist.pop_front();
        rho_hist.pop_front();
      }
      s_hist.push_back(s);
      y_hist.push_back(yv);
      rho_hist.push_back(1.0 / sy);
    }
  }
  // Hands the final pairs back on every return path.
  struct SaveMemory {
    LbfgsMemory* memory;
    std::deque<std::vector<double>>& s;
    std::deque<std::vector<double>>& y;
    ~SaveMemory() {
      if (!memory) return;
      memory->s.assign(s.begin(), s.end());
      memory->y.assign(y.begin(), y.end());
    }
  } save{memory, s_hist, y_hist};
  LbfgsResult result{f(x, g), 0, 1};
  if (!std::isfinite(result.value)) return result;

  for (int iter = 0; iter < options.max_iterations; ++iter) {
    if (projected_gradient_norm(x, g) <= options.gradient_tolerance) break;
    // Free variables: not pinned at a bound by a gradient pointing out of the box.
    std::vector<char> free_var(dim);
    for (size_t i = 0; i < dim; ++i) {
      bool at_lower = x[i] <= lower[i] && g[i] > 0.0;
      bool at_upper = x[i] >= upper[i] && g[i] < 0.0;
      free_var[i] = !(at_lower || at_upper);
    }
    // Two-loop recursion on the free subspace.
    for (size_t i = 0; i < dim; ++i) q[i] = free_var[i] ? g[i] : 0.0;
    const size_t m = s_hist.size();
    std::vector<double> alpha(m);
    for (size_t k = m; k-- > 0;) {
      double dot = 0.0;
      for (size_t i = 0; i < dim; ++i)
        if (free_var[i]) dot += s_hist[k][i] * q[i];
      alpha[k] = rho_hist[k] * dot;
      for (size_t i = 0; i < dim; ++i)
        if (free_var[i]) q[i] -= alpha[k] * y_hist[k][i];
    }
    double gamma = 1.0;
    if (m > 0) {
      double sy = 0.0, yy = 0.0;
      for (size_t i = 0; i < dim; ++i) {
        sy += s_hist[m - 1][i] * y_hist[m - 1][i];
        yy += y_hist[m - 1][i] * y_hist[m - 1][i];
      }
      if (yy > 0.0) gamma = sy / yy;
    }
    for (size_t i = 0; i < dim; ++i) q[i] *= gamma;
    for (size_t k = 0; k < m; ++k) {
      double dot = 0.0;
      for (size_t i = 0; i < dim; ++i)
        if (free_var[i]) dot += y_hist[k][i] * q[i];
      double beta = rho_hist[k] * dot;
      for (size_t i = 0; i < dim; ++i)
        if (free_var[i]) q[i] += (alpha[k] - beta) * s_hist[k][i];
    }
    double slope = 0.0;
    for (size_t i = 0; i < dim; ++i) {
      p[i] = free_var[i] ? -q[i] : 0.0;
      slope += p[i] * g[i];
    }
    double step = 1.0;
    if (!(slope < 0.0)) {
      // Not a descent direction: forget the memory and take a steepest-descent step.
      s_hist.clear();
      y_hist.clear();
      rho_hist.clear();
      double gnorm = 0.0;
      for (size_t i = 0; i < dim; ++i) {
        p[i] = free_var[i] ? -g[i] : 0.0;
        gnorm = std::max(gnorm, std::fabs(p[i]));
      }
      if (gnorm == 0.0) break;
      step = std::min(1.0, 1.0 / gnorm);
    } else if (m == 0) {
      double gnorm = 0.0;
      for (size_t i = 0; i < dim; ++i) gnorm = std::max(gnorm, std::fabs(p[i]));
      step = std::min(1.0, 1.0 / std::max(gnorm, 1e-300));
    }
    // Backtracking Armijo search along the projected path.
    double f_new = std::numeric_limits<double>::infinity();
    bool accepted = false;
    for (int ls = 0; ls < 30; ++ls) {
      for (size_t i = 0; i < dim; ++i) x_new[i] = x[i] + step * p[i];
      project(x_new);
      double decrease = 0.0;
      for (size_t i = 0; i < dim; ++i) decrease += g[i] * (x_new[i] - x[i]);
      if (decrease >= 0.0) {
        step *= 0.5;
        continue;
      }
      if (value_only) {
        const double trial = value_only(x_new);
        if (!(std::isfinite(trial) && trial <= result.value + 1e-4 * decrease)) {
          step *= 0.5;
          continue;
        }
      }
      f_new = f(x_new, g_new);
      ++result.evaluations;
      if (std::isfinite(f_new) && f_new <= result.value + 1e-4 * decrease) {
        accepted = true;
        break;
      }
      step *= 0.5;
    }
    if (!accepted) break;
    ++result.iterations;
    std::vector<double> s(dim), yv(dim);
    double sy = 0.0, ss = 0.0, yy = 0.0;
    for (size_t i = 0; i < dim; ++i) {
      s[i] = x_new[i] - x[i];
      yv[i] = g_new[i] - g[i];
      sy += s[i] * yv[i];
      ss += s[i] * s[i];
      yy += yv[i] * yv[i];
    }
    double f_old = result.value;
    x = x_new;
    g = g_new;
    result.value = f_new;
    if (sy > 1e-10 * std::sqrt(ss * yy)) {
      if (static_cast<int>(s_hist.size()) == options.memory) {
        s_hist.pop_front();
        y_hist.pop_front();
        rho_hist.pop_front();
      }
      s_hist.push_back(std::move(s));
      y_hist.push_back(std::move(yv));
      rho_hist.push_back(1.0 / sy);
    }
    if (f_old - f_new <= options.relative_tolerance * std::max(std::fabs(f_new), 1.0)) break;
  }
  return result;
}

}  // namespace hpo::gp
