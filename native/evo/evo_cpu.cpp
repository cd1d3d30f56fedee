// CPU reference path of population evolution and NSGA-II ranking (see evo.h). The per-gene math is in
// evo_math.h, shared with evo.cu.
#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include "common/thread_pool.h"
#include "evo/evo.h"

namespace hpo::evo {

// The best `count` individuals, best first; equal fitness goes to the lower index. One pass that
// keeps the best so far in order (elitism keeps a handful), instead of a partial sort of an index
// array of all n: that allocated and filled 4 MB per generation at n = 10^6 (3.2 ms when the pages
// were fresh, 1.2 ms when not; this pass takes 1.1 ms, the time to read the fitness).
std::vector<int32_t> EliteIndices(const double* fitness, int32_t n, int32_t count) {
  count = std::max(0, std::min(count, n));
  // before(a, b): a ranks ahead of b. Scanning indices in increasing order, a newcomer never wins a
  // tie, so only strictly better ones enter.
  auto before = [fitness](int32_t a, int32_t b) {
    if (Better(fitness[a], fitness[b])) return true;
    if (Better(fitness[b], fitness[a])) return false;
    return a < b;
  };
  std::vector<int32_t> best;
  best.reserve(static_cast<size_t>(count));
  double worst = 0.0;  // fitness of best.back() once best is full
  for (int32_t i = 0; i < n && count > 0; ++i) {
    if (static_cast<int32_t>(best.size()) == count) {
      if (fitness[i] >= worst) continue;  // the usual case: one comparison (false for NaN: decided below)
      if (!before(i, best.back())) continue;
      best.pop_back();
    }
    best.insert(std::upper_bound(best.begin(), best.end(), i, before), i);
    worst = fitness[best.back()];
  }
  return best;
}

// Children per parallel task in EvolveCpu (a few hundred microseconds of work each).
constexpr int32_t kChildBlock = 2048;

void EvolveCpu(double* next, const double* genes, const double* fitness, const int32_t* types, const int32_t* levels,
               int32_t n, int32_t d, const Operators& op, uint64_t seed, uint32_t generation) {
  std::vector<int32_t> elites = EliteIndices(fitness, n, op.elitism);
  // elites: copied unchanged, best first
  for (size_t e = 0; e < elites.size(); ++e)
    std::copy(genes + static_cast<int64_t>(elites[e]) * d, genes + static_cast<int64_t>(elites[e] + 1) * d,
              next + static_cast<int64_t>(e) * d);
  // children: selection + crossover + mutation, one independent stream per slot, so blocks of
  // children run on the host pool's threads with the same results as one loop
  const int32_t first = static_cast<int32_t>(elites.size());
  const int32_t blocks = (n - first + kChildBlock - 1) / kChildBlock;
  parallel_for(blocks, hardware_threads(), [&](int b) {
    const int32_t end = std::min(n, first + (b + 1) * kChildBlock);
    for (int32_t c = first + b * kChildBlock; c < end; ++c)
      BreedChild(next + static_cast<int64_t>(c) * d, genes, fitness, types, levels, n, d, op, seed, generation,
                 static_cast<uint32_t>(c));
  });
}

void BreedCpu(double* out, const double* genes, const double* fitness, const int32_t* types, const int32_t* levels,
              int32_t n, int32_t d, const Operators& op, uint64_t seed, uint32_t generation, uint32_t first,
              int32_t count) {
  for (int32_t i = 0; i < count; ++i)
    BreedChild(out + static_cast<int64_t>(i) * d, genes, fitness, types, levels, n, d, op, seed, generation,
               first + static_cast<uint32_t>(i));
}

// Two objectives: O(n log n). Sorted by (f1, f2), each point joins the first front whose last member
// (the one with the smallest f2 so far) does not dominate it; fronts' last f2 values grow with the
// front index, so a binary search finds it (Jensen 2003; Zhang et al.'s ENS-BS in two dimensions).
static void NondominatedRank2(int32_t* rank, const std::vector<double>& f, int32_t n) {
  std::vector<int32_t> order(static_cast<size_t>(n));
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&f](int32_t a, int32_t b) {
    if (f[2 * a] != f[2 * b]) return f[2 * a] < f[2 * b];
    if (f[2 * a + 1] != f[2 * b + 1]) return f[2 * a + 1] < f[2 * b + 1];
    return a < b;
  });
  std::vector<int32_t> last;  // last[k]: the latest member of front k
  for (int32_t p : order) {
    const double* fp = f.data() + 2 * p;
    auto dominated_by_front = [&](int32_t k) { return Dominates(f.data() + 2 * last[k], fp, 2); };
    int32_t lo = 0, hi = static_cast<int32_t>(last.size());  // first front in [lo, hi] not dominating p
    while (lo < hi) {
      int32_t mid = lo + (hi - lo) / 2;
      if (dominated_by_front(mid)) lo = mid + 1;
      else hi = mid;
    }
    if (lo == static_cast<int32_t>(last.size())) last.push_back(p);
    else last[lo] = p;
    rank[p] = lo;
  }
}

void NondominatedRankCpu(int32_t* rank, const double* objectives, int32_t n, int32_t m) {
  std::vector<double> f(objectives, objectives + static_cast<int64_t>(n) * m);
  for (double& v : f)
    if (std::isnan(v)) v = kInf;
  if (m == 2) return NondominatedRank2(rank, f, n);
  // Three or four objectives: efficient non-dominated sort, sequential search (Zhang et al. 2015,
  // ENS-SS). In lexicographic order a point can only be dominated by earlier ones, and it belongs to
  // the first front none of whose members dominates it. O(m n²) time at worst, O(n) memory (Deb's
  // original keeps every dominated list: O(n²) memory).
  std::vector<int32_t> order(static_cast<size_t>(n));
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](int32_t a, int32_t b) {
    for (int32_t j = 0; j < m; ++j) {
      double fa = f[static_cast<int64_t>(a) * m + j], fb = f[static_cast<int64_t>(b) * m + j];
      if (fa != fb) return fa < fb;
    }
    return a < b;
  });
  std::vector<std::vector<int32_t>> fronts;
  for (int32_t p : order) {
    const double* fp = f.data() + static_cast<int64_t>(p) * m;
    size_t k = 0;
    for (; k < fronts.size(); ++k) {
      bool dominated = false;
      // Newest members first: they are the likeliest dominators of the next point in this order.
      for (size_t i = fronts[k].size(); i-- > 0 && !dominated;)
        dominated = Dominates(f.data() + static_cast<int64_t>(fronts[k][i]) * m, fp, m);
      if (!dominated) break;
    }
    if (k == fronts.size()) fronts.emplace_back();
    fronts[k].push_back(p);
    rank[p] = static_cast<int32_t>(k);
  }
}

void CrowdingCpu(double* crowding, const double* objectives, const int32_t* rank, int32_t n, int32_t m) {
  std::fill(crowding, crowding + n, 0.0);
  int32_t fronts = 0;
  for (int32_t i = 0; i < n; ++i) fronts = std::max(fronts, rank[i] + 1);
  std::vector<std::vector<int32_t>> members(static_cast<size_t>(fronts));
  for (int32_t i = 0; i < n; ++i) members[rank[i]].push_back(i);
  auto value = [&](int32_t i, int32_t j) {
    double v = objectives[static_cast<int64_t>(i) * m + j];
    return std::isnan(v) ? kInf : v;
  };
  for (auto& front : members) {
    int32_t size = static_cast<int32_t>(front.size());
    if (size == 0) continue;
    for (int32_t j = 0; j < m; ++j) {
      std::stable_sort(front.begin(), front.end(), [&](int32_t a, int32_t b) { return value(a, j) < value(b, j); });
      double lo = value(front[0], j);
      double hi = value(front[size - 1], j);
      crowding[front[0]] = kInf;
      crowding[front[size - 1]] = kInf;
      double span = hi - lo;
      if (!(span > 0.0) || !std::isfinite(span)) continue;
      for (int32_t k = 1; k + 1 < size; ++k)
        crowding[front[k]] += (value(front[k + 1], j) - value(front[k - 1], j)) / span;
    }
  }
}

std::string CheckOperators(const Operators& op, int32_t n) {
  if (op.tournament < 1) return "tournament must be an integer >= 1";
  if (!(op.crossover >= 0.0 && op.crossover <= 1.0)) return "crossover must be a probability in [0, 1]";
  if (!(op.mutation >= 0.0 && op.mutation <= 1.0)) return "mutation must be a probability in [0, 1]";
  if (op.crossover_kind != kSbx && op.crossover_kind != kUniform)
    return "crossover kind must be 0 (sbx) or 1 (uniform)";
  if (!(op.eta_c >= 0.0) || !std::isfinite(op.eta_c)) return "eta_c must be a finite number >= 0";
  if (!(op.eta_m >= 0.0) || !std::isfinite(op.eta_m)) return "eta_m must be a finite number >= 0";
  if (op.mutation_kind != kPolynomial && op.mutation_kind != kGaussian)
    return "mutation kind must be 0 (polynomial) or 1 (gaussian)";
  if (!(op.sigma >= 0.0) || !std::isfinite(op.sigma)) return "sigma must be a finite number >= 0";
  if (op.elitism < 0 || op.elitism > n) return "elitism must be an integer in [0, population size]";
  return "";
}

std::string CheckGeneTypes(const int32_t* types, const int32_t* levels, int32_t d) {
  for (int32_t g = 0; g < d; ++g) {
    if (types[g] < kContinuous || types[g] > kCategorical)
      return "gene " + std::to_string(g) + " has an unknown type " + std::to_string(types[g]);
    if ((types[g] == kInteger || types[g] == kCategorical) && levels[g] < 1)
      return "gene " + std::to_string(g) + " needs at least 1 level";
  }
  return "";
}

}  // namespace hpo::evo
