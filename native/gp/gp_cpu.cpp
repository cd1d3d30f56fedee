// The CPU reference of the GP engine: kernel matrix, Cholesky with escalating jitter, triangular
// solves, log marginal likelihood with its analytic gradient, posterior and acquisition. Each step is
// a plain loop (same names and argument order as the CUDA launchers in gp_device.cuh); rows are split into
// fixed blocks for threads, and partial sums are combined in block order, so results do not depend
// on the number of threads.
#include "gp/gp_cpu.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <iterator>
#include <string>
#include <vector>

#include "common/status.h"
#include "gp/gp.h"
#include "gp/gp_fit.h"
#include "gp/gp_math.h"
#include "gp/kernel_vec_cpu.h"
#include "gp/linalg_cpu.h"

namespace hpo::gp {

namespace {

constexpr int kBlockRows = 32;
// Candidates per block in predict() and in acquisition() without gradients.
constexpr int kPredictBlock = 256;
// Models up to this size keep L^-1 for scoring candidates (n^2 doubles more memory).
constexpr int kInverseMaxPoints = 4096;
// Below this many points the O(n^3) steps run on the calling thread (threads cost more than they save).
constexpr int kParallelMinPoints = 512;
// From this many points on, the blocked routines of linalg_cpu.cpp replace the plain loops.
constexpr int kBlockedMinPoints = 128;

inline int blocks_of(int n) { return (n + kBlockRows - 1) / kBlockRows; }

// Per-thread buffers of the candidate blocks, kept between calls: an ask scores thousands of
// candidates in blocks of n x 256 doubles, and fresh buffers of that size cost page faults and
// zeroing on every call. Buffers past kScratchKeep doubles are released after use.
struct BlockScratch {
  std::vector<double> Kc, w, packed, mu, var;
};
constexpr size_t kScratchKeep = size_t(1) << 22;

BlockScratch& block_scratch() {
  thread_local BlockScratch scratch;
  return scratch;
}

void trim(BlockScratch& s) {
  for (std::vector<double>* v : {&s.Kc, &s.w, &s.packed})
    if (v->capacity() > kScratchKeep) std::vector<double>().swap(*v);
}

}  // namespace

// The LOWER triangle (j <= i) of K (n, n) row-major = outputscale * m(s_ij) and, when G is not
// null, of G (n, n) = outputscale * g(s_ij); the upper triangles are not written (every consumer on
// the CPU reads the lower one only, and row-wise writes keep this pass cache-friendly).
// X is (n, d) row-major; inv_ls2 (d) holds 1 / l_k^2.
void kernel_matrix_cpu(double* K, double* G, const double* X, const double* inv_ls2, double outputscale, int kind,
                       int n, int d, int threads) {
  // Rows scaled by 1/l (s = |x/l - x'/l|^2) and transposed, so each row's distances are contiguous loops.
  std::vector<double> scaled((size_t)n * d), scaled_t((size_t)d * n);
  for (int k = 0; k < d; ++k) {
    const double inv_l = std::sqrt(inv_ls2[k]);
    for (int j = 0; j < n; ++j) {
      scaled[(size_t)j * d + k] = X[(size_t)j * d + k] * inv_l;
      scaled_t[(size_t)k * n + j] = scaled[(size_t)j * d + k];
    }
  }
  parallel_for(blocks_of(n), n >= kParallelMinPoints ? threads : 1, [&](int block) {
    int end = std::min(n, (block + 1) * kBlockRows);
    for (int i = block * kBlockRows; i < end; ++i) {
      double* k_row = K + (size_t)i * n;
      double* g_row = G ? G + (size_t)i * n : nullptr;
      // Distances first, then the kernel over the whole row with the SIMD exponential.
      sqdist_row_cpu(scaled.data() + (size_t)i * d, scaled_t.data(), n, d, i + 1, k_row);
      kernel_values_cpu(kind, k_row, k_row, g_row, outputscale, i + 1);
    }
  });
}

// In-place Cholesky A = L L' of A (n, n) row-major; L is written to the lower triangle (the upper one
// is left as it was). Returns -1 on success, else the index of the first pivot that is not positive.
// Column by column, as the diagonal blocks of cholesky_blocked_cpu: a column's entries are independent,
// so their dot products overlap; each entry is the same sum as row by row.
int cholesky_cpu(double* A, int n) {
  for (int j = 0; j < n; ++j) {
    double* row_j = A + (size_t)j * n;
    double pivot = row_j[j] - dot4(row_j, row_j, j);
    if (!(pivot > 0.0) || !std::isfinite(pivot)) return j;
    row_j[j] = std::sqrt(pivot);
    for (int i = j + 1; i < n; ++i) {
      double* row_i = A + (size_t)i * n;
      row_i[j] = (row_i[j] - dot4(row_i, row_j, j)) / row_j[j];
    }
  }
  return -1;
}

// Solves L x = b in place (L (n, n) lower, row-major).
void solve_lower_cpu(double* b, const double* L, int n) {
  for (int i = 0; i < n; ++i) b[i] = (b[i] - dot4(L + (size_t)i * n, b, i)) / L[(size_t)i * n + i];
}

// Solves L' x = b in place.
void solve_lower_transposed_cpu(double* b, const double* L, int n) {
  for (int i = n - 1; i >= 0; --i) {
    double xi = b[i] / L[(size_t)i * n + i];
    b[i] = xi;
    // Column i of L above the diagonal is row i's entries L[i][k], k < i.
    const double* row = L + (size_t)i * n;
    for (int k = 0; k < i; ++k) b[k] -= row[k] * xi;
  }
}

// L = chol(A + jitter I): tries jitter 0, then kFirstJitter * 10^k * scale up to kMaxJitter * scale.
// L (n, n) receives the factor (lower triangle; the upper one is zeroed). Returns the jitter used;
// throws StatusError (HPO_NOT_POSITIVE_DEFINITE) naming the failing pivot when no jitter helps.
double cholesky_with_jitter_cpu(std::vector<double>& L, const double* A, int n, double scale, int threads) {
  double jitter = 0.0;
  int pivot = -1;
  // The copy and the zeroing below are n^2 memory passes: in row blocks on the pool for large n.
  const int pass_threads = n >= kParallelMinPoints ? threads : 1;
  L.resize((size_t)n * n);
  for (int attempt = 0;; ++attempt) {
    parallel_for(blocks_of(n), pass_threads, [&](int block) {
      const int end = std::min(n, (block + 1) * kBlockRows);
      for (int i = block * kBlockRows; i < end; ++i) {
        std::copy(A + (size_t)i * n, A + (size_t)i * n + i + 1, L.data() + (size_t)i * n);
        L[(size_t)i * n + i] += jitter;
      }
    });
    pivot = n >= kBlockedMinPoints ? cholesky_blocked_cpu(L.data(), n, threads) : cholesky_cpu(L.data(), n);
    if (pivot < 0) break;
    double next = attempt == 0 ? kFirstJitter * scale : jitter * 10.0;
    // next <= jitter: a zero scale (outputscale and noise underflowed) would escalate forever.
    if (!(next <= kMaxJitter * scale * (1.0 + 1e-9)) || !std::isfinite(next) || !(next > jitter)) {
      throw StatusError(StatusCode::kNotPositiveDefinite,
                        "the kernel matrix is not positive definite, even with jitter " + std::to_string(jitter) +
                            " on its diagonal (pivot " + std::to_string(pivot) +
                            " failed); check the inputs for NaN or huge values, or use a larger noise");
    }
    jitter = next;
  }
  parallel_for(blocks_of(n), pass_threads, [&](int block) {
    const int end = std::min(n, (block + 1) * kBlockRows);
    for (int i = block * kBlockRows; i < end; ++i)
      std::fill(L.data() + (size_t)i * n + i + 1, L.data() + (size_t)(i + 1) * n, 0.0);
  });
  return jitter;
}

// Kinv (n, n) = (L L')^-1 from the factor L; only the lower triangle is guaranteed (the blocked path
// for n >= kBlockedMinPoints leaves scratch above the diagonal). U = L^-T is built row by row (row j
// of U is column j of L^-1), then Kinv_ab = sum_{k >= max(a,b)} U_ak U_bk.
void inverse_from_cholesky_cpu(double* Kinv, const double* L, int n, int threads, std::vector<double>* scratch) {
  if (n >= kBlockedMinPoints) {
    inverse_blocked_cpu(Kinv, L, n, n >= kParallelMinPoints ? threads : 1, scratch);
    return;
  }
  std::vector<double> U((size_t)n * n, 0.0);
  int t = n >= kParallelMinPoints ? threads : 1;
  parallel_for(n, t, [&](int j) {
    double* u = U.data() + (size_t)j * n;
    for (int i = j; i < n; ++i) {
      const double* row = L + (size_t)i * n;
      double rhs = (i == j ? 1.0 : 0.0) - dot4(row + j, u + j, i - j);
      u[i] = rhs / row[i];
    }
  });
  parallel_for(n, t, [&](int a) {
    const double* ua = U.data() + (size_t)a * n;
    for (int b = a; b < n; ++b) {
      double v = dot4(ua + b, U.data() + (size_t)b * n + b, n - b);
      Kinv[(size_t)a * n + b] = v;
      Kinv[(size_t)b * n + a] = v;
    }
  });
}

CpuEngine::CpuEngine(const double* X_in, const double* y_in, int n_points, int dim, int kernel_kind, int max_threads)
    : Engine(n_points, dim, kernel_kind, std::vector<double>(y_in, y_in + n_points)),
      X(X_in, X_in + (size_t)n_points * dim),
      threads(max_threads > 0 ? max_threads : hardware_threads()) {}

namespace {
// What the process-wide pool keeps: the workspaces of a few models of a few hundred points.
constexpr size_t kPoolKeepBytes = size_t(64) << 20;
std::mutex shared_pool_mutex;
std::vector<std::unique_ptr<CpuEngine::Workspace>>& shared_pool() {
  static std::vector<std::unique_ptr<CpuEngine::Workspace>> pool;
  return pool;
}
}  // namespace

size_t CpuEngine::Workspace::bytes() const {
  return sizeof(double) * (Kf.capacity() + G.capacity() + L.capacity() + W.capacity() + scratch.capacity());
}

namespace {
bool same_theta(const std::vector<double>& at, const double* theta) {
  // Bitwise: the line search asks for the gradient at exactly the point it tried.
  return !at.empty() && std::memcmp(at.data(), theta, at.size() * sizeof(double)) == 0;
}
}  // namespace

CpuEngine::Lease::Lease(const CpuEngine& engine, const double* theta) : owner(engine) {
  {
    std::lock_guard<std::mutex> lock(owner.pool_mutex_);
    auto& pool = owner.pool_;
    if (!pool.empty()) {
      auto match = std::find_if(pool.rbegin(), pool.rend(), [&](const auto& w) { return same_theta(w->at, theta); });
      auto pick = match == pool.rend() ? pool.end() - 1 : std::next(match).base();
      ws = std::move(*pick);
      pool.erase(pick);
      return;
    }
  }
  std::lock_guard<std::mutex> lock(shared_pool_mutex);
  auto& pool = shared_pool();
  if (pool.empty()) {
    ws = std::make_unique<Workspace>();
  } else {
    ws = std::move(pool.back());
    pool.pop_back();
  }
}

CpuEngine::Lease::~Lease() {
  std::lock_guard<std::mutex> lock(owner.pool_mutex_);
  owner.pool_.push_back(std::move(ws));
}

CpuEngine::~CpuEngine() {
  std::lock_guard<std::mutex> lock(shared_pool_mutex);
  auto& pool = shared_pool();
  size_t held = 0;
  for (const auto& w : pool) held += w->bytes();
  for (auto& w : pool_) {
    if (held + w->bytes() > kPoolKeepBytes) continue;  // freed with the engine
    held += w->bytes();
    w->at.clear();  // its matrices were this engine's
    pool.push_back(std::move(w));
  }
}

LmlResult CpuEngine::lml(const double* theta, double* grad) const {
  const int width = d + 3;
  Lease lease(*this, theta);
  Workspace& ws = *lease.ws;
  const double noise = std::exp(theta[d + 1]);
  std::vector<double> inv_ls2(d);
  for (int k = 0; k < d; ++k) inv_ls2[k] = std::exp(-2.0 * theta[k]);
  std::vector<double>& Kf = ws.Kf;
  std::vector<double>& G = ws.G;
  std::vector<double>& L = ws.L;
  std::vector<double>& alpha = ws.alpha;
  if (!same_theta(ws.at, theta)) {
    ws.at.clear();  // stale until every step below succeeded
    ws.inverse_kept = false;
    const double outputscale = std::exp(theta[d]);
    const double mean = theta[d + 2];
    // 1. K_f = s k(X, X) and G = s g(s_ij) (also for a value alone: a gradient at the same theta
    //    may follow); K_y = K_f + noise I. Only lower triangles are written and read, so reused
    //    buffers need no clearing.
    Kf.resize((size_t)n * n);
    G.resize((size_t)n * n);
    kernel_matrix_cpu(Kf.data(), G.data(), X.data(), inv_ls2.data(), outputscale, kernel, n, d, threads);
    // K_y shares K_f's storage for the factorization (no third n x n matrix); the diagonal is restored after.
    std::vector<double> kf_diag(n);
    for (int i = 0; i < n; ++i) {
      kf_diag[i] = Kf[(size_t)i * n + i];
      Kf[(size_t)i * n + i] += noise;
    }

    // 2. L = chol(K_y) with jitter; alpha = K_y^-1 (y - m).
    ws.jitter = cholesky_with_jitter_cpu(L, Kf.data(), n, outputscale + noise, n >= kParallelMinPoints ? threads : 1);
    for (int i = 0; i < n; ++i) Kf[(size_t)i * n + i] = kf_diag[i];
    alpha.resize(n);
    for (int i = 0; i < n; ++i) alpha[i] = y[i] - mean;
    solve_lower_cpu(alpha.data(), L.data(), n);
    double quad = 0.0;
    for (int i = 0; i < n; ++i) quad += alpha[i] * alpha[i];
    solve_lower_transposed_cpu(alpha.data(), L.data(), n);
    double logdet_half = 0.0;
    for (int i = 0; i < n; ++i) logdet_half += std::log(L[(size_t)i * n + i]);
    ws.value = -0.5 * quad - logdet_half - 0.5 * n * std::log(2.0 * M_PI);
    ws.at.assign(theta, theta + width);
  }
  const double value = ws.value, jitter = ws.jitter;
  if (!grad) return {value, jitter};

  // 3. W = alpha alpha' - K_y^-1; gradients are traces of W against dK/dtheta (bo-recipes.md 7.1).
  std::vector<double>& W = ws.W;
  W.resize((size_t)n * n);
  inverse_from_cholesky_cpu(W.data(), L.data(), n, threads, &ws.scratch);
  ws.inverse_kept = n >= kBlockedMinPoints;  // the blocked path leaves (L^-1)' in the scratch

  // Per row block: sum_{j<i} W_ij G_ij delta_ijk^2 (k < d), 1/2 sum_j W_ij Kf_ij, W_ii.
  const int nblocks = blocks_of(n);
  const int sums = d + 2;
  std::vector<double> partial((size_t)nblocks * sums, 0.0);
  std::vector<double> Xt((size_t)d * n);  // X transposed: the pair sums below loop over j contiguously
  for (int j = 0; j < n; ++j)
    for (int k = 0; k < d; ++k) Xt[(size_t)k * n + j] = X[(size_t)j * d + k];
  parallel_for(nblocks, n >= kParallelMinPoints ? threads : 1, [&](int block) {
    double* acc = partial.data() + (size_t)block * sums;
    std::vector<double> wg(n);
    int end = std::min(n, (block + 1) * kBlockRows);
    for (int i = block * kBlockRows; i < end; ++i) {
      const double* xi = X.data() + (size_t)i * d;
      // Row i of W = alpha alpha' - K^-1 (lower part), made here so the pass runs in parallel.
      double* wi = W.data() + (size_t)i * n;
      for (int j = 0; j <= i; ++j) wi[j] = alpha[i] * alpha[j] - wi[j];
      const double* gi = G.data() + (size_t)i * n;
      const double* ki = Kf.data() + (size_t)i * n;
      const double scale_sum = products_and_ordered_dot_cpu(wi, gi, ki, i, wg.data());
      weighted_sqdiff_row_cpu(wg.data(), xi, Xt.data(), n, d, i, acc);
      // Off-diagonal pairs count twice in the full sum, the diagonal once: 1/2 (2 off + diag).
      acc[d] += scale_sum + 0.5 * wi[i] * ki[i];
      acc[d + 1] += wi[i];
    }
  });
  std::vector<double> total(sums, 0.0);
  for (int b = 0; b < nblocks; ++b)
    for (int k = 0; k < sums; ++k) total[k] += partial[(size_t)b * sums + k];
  for (int k = 0; k < d; ++k) grad[k] = total[k] * inv_ls2[k];
  grad[d] = total[d];
  grad[d + 1] = 0.5 * noise * total[d + 1];
  double mean_grad = 0.0;
  for (int i = 0; i < n; ++i) mean_grad += alpha[i];
  grad[d + 2] = mean_grad;
  return {value, jitter};
}

double CpuEngine::condition(const std::vector<double>& new_theta) {
  const double outputscale = std::exp(new_theta[d]);
  const double noise = std::exp(new_theta[d + 1]);
  std::vector<double> inv_ls2(d);
  for (int k = 0; k < d; ++k) inv_ls2[k] = std::exp(-2.0 * new_theta[k]);
  std::vector<double> new_L, new_alpha, new_linv;
  double new_jitter = 0.0;
  bool reused = false;
  {
    // After a fit, a workspace holds the factor at its result already (the last step it accepted):
    // the same numbers as computing them again below.
    std::lock_guard<std::mutex> lock(pool_mutex_);
    for (auto& w : pool_) {
      if (!same_theta(w->at, new_theta.data())) continue;
      new_L.swap(w->L);
      new_alpha = w->alpha;
      new_jitter = w->jitter;
      // L^-1 too when a gradient there left it (the fit's last step), for scoring candidates: the
      // same numbers lower_inverse() computes, in one transposed copy instead of n^3 / 6 products.
      if (w->inverse_kept && n <= kInverseMaxPoints) {
        new_linv.resize((size_t)n * n);
        for (int r = 0; r < n; ++r)
          for (int c = 0; c < n; ++c) new_linv[(size_t)r * n + c] = w->scratch[(size_t)c * n + r];
      }
      w->at.clear();
      w->inverse_kept = false;
      reused = true;
      break;
    }
  }
  if (!reused) {
    std::vector<double> K((size_t)n * n);
    kernel_matrix_cpu(K.data(), nullptr, X.data(), inv_ls2.data(), outputscale, kernel, n, d, threads);
    for (int i = 0; i < n; ++i) K[(size_t)i * n + i] += noise;
    new_jitter =
        cholesky_with_jitter_cpu(new_L, K.data(), n, outputscale + noise, n >= kParallelMinPoints ? threads : 1);
    new_alpha.resize(n);
    for (int i = 0; i < n; ++i) new_alpha[i] = y[i] - new_theta[d + 2];
    solve_lower_cpu(new_alpha.data(), new_L.data(), n);
    solve_lower_transposed_cpu(new_alpha.data(), new_L.data(), n);
  }
  // Commit only after every step succeeded.
  Xs_.resize((size_t)n * d);
  for (int j = 0; j < n; ++j)
    for (int k = 0; k < d; ++k) Xs_[(size_t)j * d + k] = X[(size_t)j * d + k] * std::sqrt(inv_ls2[k]);
  L_ = std::move(new_L);
  {
    std::lock_guard<std::mutex> lock(linv_mutex_);
    linv_ready_ = false;
    linv_kept_ = !new_linv.empty();
    if (linv_kept_) Linv_ = std::move(new_linv);
  }
  alpha_ = std::move(new_alpha);
  inv_ls2_ = std::move(inv_ls2);
  theta = new_theta;
  jitter = new_jitter;
  return jitter;
}

const double* CpuEngine::lower_inverse(int m) const {
  std::lock_guard<std::mutex> lock(linv_mutex_);
  if (!linv_ready_ && n <= kInverseMaxPoints && 2 * (int64_t)m >= n) {
    if (!linv_kept_) {
      Linv_.resize((size_t)n * n);
      lower_inverse_blocked_cpu(Linv_.data(), L_.data(), n, n >= kParallelMinPoints ? threads : 1);
    }
    linv_ready_ = true;
  }
  return linv_ready_ ? Linv_.data() : nullptr;
}

// A block of c candidates Xc (c, d): posterior mean and variance; with `w` (n, c), also K^-1 Kc
// there. Kc is (n, c) scratch: one column per candidate, so the triangular solves run over all
// candidates of the block at once (solve_lower_multi_cpu), or, given Linv = L^-1, L^-1 Kc is one
// GEMM (lower_times_cpu, `packed` its scratch): the same sums without the solves' serial divisions.
void CpuEngine::posterior_block(const double* Xc, int c, double* mean, double* variance, double* Kc, double* w,
                                const double* Linv, std::vector<double>* packed) const {
  const double outputscale = std::exp(theta[d]);
  // Candidates scaled by 1/l and transposed (d, c): row i of Kc is then one contiguous distance loop.
  std::vector<double> cand_t((size_t)d * c);
  for (int k = 0; k < d; ++k) {
    const double inv_l = std::sqrt(inv_ls2_[k]);
    for (int j = 0; j < c; ++j) cand_t[(size_t)k * c + j] = Xc[(size_t)j * d + k] * inv_l;
  }
  for (int i = 0; i < n; ++i) sqdist_row_cpu(Xs_.data() + (size_t)i * d, cand_t.data(), c, d, c, Kc + (size_t)i * c);
  kernel_values_cpu(kernel, Kc, Kc, nullptr, outputscale, n * c);
  for (int j = 0; j < c; ++j) mean[j] = theta[d + 2];
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < c; ++j) mean[j] += Kc[(size_t)i * c + j] * alpha_[i];
  // One candidate (the L-BFGS polish): the vector solves avoid per-row call overhead.
  if (c == 1) solve_lower_cpu(Kc, L_.data(), n);
  else if (Linv && packed) lower_times_cpu(Kc, Linv, Kc, n, c, *packed);
  else solve_lower_multi_cpu(Kc, L_.data(), n, c);
  std::vector<double> vv(c, 0.0);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < c; ++j) vv[j] += Kc[(size_t)i * c + j] * Kc[(size_t)i * c + j];
  for (int j = 0; j < c; ++j) {
    double var = outputscale - vv[j];
    variance[j] = var > 0.0 ? var : 0.0;
  }
  if (w) {
    std::copy(Kc, Kc + (size_t)n * c, w);
    if (c == 1) solve_lower_transposed_cpu(w, L_.data(), n);
    else solve_lower_transposed_multi_cpu(w, L_.data(), n, c);
  }
}

void CpuEngine::predict(const double* Xc, int m, double* mean, double* variance) const {
  // Wide blocks: the blocked triangular solve streams L once per block, so more candidates per block
  // means less memory traffic per candidate.
  int blocks = (m + kPredictBlock - 1) / kPredictBlock;
  bool big = (double)m * n * n > 4e6;
  const double* Linv = lower_inverse(m);
  parallel_for(blocks, big ? threads : 1, [&](int block) {
    BlockScratch& s = block_scratch();
    s.Kc.resize((size_t)n * std::min(m, kPredictBlock));
    int start = block * kPredictBlock, c = std::min(m, start + kPredictBlock) - start;
    posterior_block(Xc + (size_t)start * d, c, mean + start, variance + start, s.Kc.data(), nullptr, Linv, &s.packed);
    trim(s);
  });
}

void CpuEngine::acquisition(const double* Xc, int m, const AcqOptions& options, double* value, double* grad) const {
  const double outputscale = std::exp(theta[d]);
  // Without gradients, wide blocks as in predict(); with them, narrow ones (w is n x block too).
  const int width = grad ? kBlockRows : std::min(m, kPredictBlock);
  int blocks = (m + width - 1) / width;
  bool big = (double)m * n * n > 4e6;
  const double* Linv = grad ? nullptr : lower_inverse(m);
  parallel_for(blocks, big ? threads : 1, [&](int block) {
    BlockScratch& scratch = block_scratch();
    scratch.Kc.resize((size_t)n * width);
    if (grad) scratch.w.resize((size_t)n * width);
    scratch.mu.resize(width);
    scratch.var.resize(width);
    std::vector<double>& mu = scratch.mu;
    std::vector<double>& var = scratch.var;
    std::vector<double>& w = scratch.w;
    int start = block * width, c = std::min(m, start + width) - start;
    posterior_block(Xc + (size_t)start * d, c, mu.data(), var.data(), scratch.Kc.data(), grad ? w.data() : nullptr,
                    Linv, &scratch.packed);
    for (int j = 0; j < c; ++j) {
      const int ci = start + j;
      const double* x = Xc + (size_t)ci * d;
      bool floored = var[j] < kVarianceFloor;
      double sigma = std::sqrt(floored ? kVarianceFloor : var[j]);
      AcqValue a = acquisition_value(options.kind, mu[j], sigma, options.best, options.beta);
      value[ci] = a.value;
      if (!grad) continue;
      // d mu / dx = sum_i alpha_i dk_i/dx;  d sigma / dx = -(K^-1 k)' dk/dx / sigma (0 when floored).
      double dsig = floored ? 0.0 : a.d_sigma / sigma;
      double* gx = grad + (size_t)ci * d;
      std::fill(gx, gx + d, 0.0);
      for (int i = 0; i < n; ++i) {
        const double* xi = X.data() + (size_t)i * d;
        double coef_i = a.d_mu * alpha_[i] - dsig * w[(size_t)i * c + j];
        double s = scaled_sqdist(x, xi, inv_ls2_.data(), d);
        double coef = -coef_i * outputscale * kernel_grad_factor(kernel, s);
        for (int k = 0; k < d; ++k) gx[k] += coef * (x[k] - xi[k]) * inv_ls2_[k];
      }
    }
    trim(scratch);
  });
}

std::string CpuEngine::describe() const { return "cpu fp64 " + std::to_string(threads) + " threads"; }

// The n x n matrices an lml() with its gradient holds at once (K, G, L, W and scratch).
constexpr double kSquareMatrices = 5.0;

std::unique_ptr<Engine> make_cpu_engine(const double* X, const double* y, int n, int d, int kernel, int threads) {
  // Refuse up front a model whose matrices exceed the physical memory, with a message that says so,
  // instead of failing (or being killed by the OOM killer) in the middle of a fit.
  const double needed = kSquareMatrices * sizeof(double) * static_cast<double>(n) * n;
  const double physical = static_cast<double>(sysconf(_SC_PHYS_PAGES)) * static_cast<double>(sysconf(_SC_PAGESIZE));
  if (physical > 0 && needed > physical) {
    throw StatusError(StatusCode::kOutOfMemory,
                      "a GP on " + std::to_string(n) + " points needs about " +
                          std::to_string(static_cast<long long>(needed / (1 << 30))) + " GiB for its n x n matrices; " +
                          "this machine has " + std::to_string(static_cast<long long>(physical / (1 << 30))) + " GiB");
  }
  return std::make_unique<CpuEngine>(X, y, n, d, kernel, threads);
}

}  // namespace hpo::gp
