// Blocked Cholesky, triangular inverse and multi-right-hand-side solves for the CPU engine (see
// linalg_cpu.h). Validated against the TypeScript reference through the engine's tests.
#include "gp/linalg_cpu.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "gp/gp_fit.h"

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define HPO_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define HPO_CLONES
#endif

namespace hpo::gp {

// c[j] -= (a0 b0[j] + a1 b1[j]) + (a2 b2[j] + a3 b3[j]), j < len.
HPO_CLONES void row_sub4(double* __restrict c, const double* __restrict b0, const double* __restrict b1,
                         const double* __restrict b2, const double* __restrict b3, double a0, double a1, double a2,
                         double a3, int len) {
  for (int j = 0; j < len; ++j) c[j] -= (a0 * b0[j] + a1 * b1[j]) + (a2 * b2[j] + a3 * b3[j]);
}

// Two rows at once sharing the loads of b: c0[j] -= sum_k a0_k b_k[j], c1[j] -= sum_k a1_k b_k[j].
HPO_CLONES void row_sub4x2(double* __restrict c0, double* __restrict c1, const double* __restrict b0,
                           const double* __restrict b1, const double* __restrict b2, const double* __restrict b3,
                           const double* a0, const double* a1, int len) {
  for (int j = 0; j < len; ++j) {
    double v0 = b0[j], v1 = b1[j], v2 = b2[j], v3 = b3[j];
    c0[j] -= (a0[0] * v0 + a0[1] * v1) + (a0[2] * v2 + a0[3] * v3);
    c1[j] -= (a1[0] * v0 + a1[1] * v1) + (a1[2] * v2 + a1[3] * v3);
  }
}

HPO_CLONES void row_sub1(double* __restrict c, const double* __restrict b, double a, int len) {
  for (int j = 0; j < len; ++j) c[j] -= a * b[j];
}

HPO_CLONES void row_add4(double* __restrict c, const double* __restrict b0, const double* __restrict b1,
                         const double* __restrict b2, const double* __restrict b3, double a0, double a1, double a2,
                         double a3, int len) {
  for (int j = 0; j < len; ++j) c[j] += (a0 * b0[j] + a1 * b1[j]) + (a2 * b2[j] + a3 * b3[j]);
}

HPO_CLONES void row_add1(double* __restrict c, const double* __restrict b, double a, int len) {
  for (int j = 0; j < len; ++j) c[j] += a * b[j];
}

HPO_CLONES void row_scale(double* __restrict c, double a, int len) {
  for (int j = 0; j < len; ++j) c[j] /= a;
}

namespace {

inline double dot4(const double* a, const double* b, int len) {
  double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
  int k = 0;
  for (; k + 4 <= len; k += 4) {
    s0 += a[k] * b[k];
    s1 += a[k + 1] * b[k + 1];
    s2 += a[k + 2] * b[k + 2];
    s3 += a[k + 3] * b[k + 3];
  }
  for (; k < len; ++k) s0 += a[k] * b[k];
  return (s0 + s1) + (s2 + s3);
}

// rows[i] -= sum_k coef(k) * src(k) for k in [0, count): 4 at a time, then the rest.
template <typename Coef, typename Src>
inline void sub_combination(double* row, int count, int len, Coef coef, Src src) {
  int k = 0;
  for (; k + 4 <= count; k += 4)
    row_sub4(row, src(k), src(k + 1), src(k + 2), src(k + 3), coef(k), coef(k + 1), coef(k + 2), coef(k + 3), len);
  for (; k < count; ++k) row_sub1(row, src(k), coef(k), len);
}

constexpr int kPanel = 64;   // Cholesky block
constexpr int kColumns = 64;  // column block of the triangular inverse
constexpr int kRowBlock = 8;  // rows handed to a thread at a time

}  // namespace

int cholesky_blocked_cpu(double* A, int n, int threads) {
  std::vector<double> panel_t((size_t)kPanel * n);  // (bs, n): panel transposed, PT[k][j] = L[j][k0 + k]
  for (int k0 = 0; k0 < n; k0 += kPanel) {
    const int k1 = std::min(n, k0 + kPanel), bs = k1 - k0;
    // 1. Diagonal block (earlier blocks' updates are already applied).
    for (int i = k0; i < k1; ++i) {
      double* row_i = A + (size_t)i * n;
      for (int j = k0; j < i; ++j) {
        const double* row_j = A + (size_t)j * n;
        row_i[j] = (row_i[j] - dot4(row_i + k0, row_j + k0, j - k0)) / row_j[j];
      }
      double pivot = row_i[i] - dot4(row_i + k0, row_i + k0, i - k0);
      if (!(pivot > 0.0) || !std::isfinite(pivot)) return i;
      row_i[i] = std::sqrt(pivot);
    }
    if (k1 == n) break;
    // 2. Panel rows below: A[i, k0:k1] <- A[i, k0:k1] L11^-T.
    const int rest = n - k1;
    const int blocks = (rest + kRowBlock - 1) / kRowBlock;
    parallel_for(blocks, threads, [&](int b) {
      int end = std::min(n, k1 + (b + 1) * kRowBlock);
      for (int i = k1 + b * kRowBlock; i < end; ++i) {
        double* row_i = A + (size_t)i * n;
        for (int j = k0; j < k1; ++j) {
          const double* row_j = A + (size_t)j * n;
          row_i[j] = (row_i[j] - dot4(row_i + k0, row_j + k0, j - k0)) / row_j[j];
        }
      }
    });
    for (int k = 0; k < bs; ++k)
      for (int j = k1; j < n; ++j) panel_t[(size_t)k * n + j] = A[(size_t)j * n + k0 + k];
    // 3. Trailing update of the lower triangle, row by row: A[i, k1:i] -= A[i, k0:k1] PT[:, k1:i].
    // Rows go in pairs that share the panel loads; row i + 1 has one more entry, done on its own.
    parallel_for(blocks, threads, [&](int b) {
      int end = std::min(n, k1 + (b + 1) * kRowBlock);
      int i = k1 + b * kRowBlock;
      for (; i + 1 < end; i += 2) {
        double* r0 = A + (size_t)i * n;
        double* r1 = r0 + n;
        const int len = i - k1 + 1;
        int k = 0;
        for (; k + 4 <= bs; k += 4) {
          const double* p = panel_t.data() + (size_t)k * n + k1;
          row_sub4x2(r0 + k1, r1 + k1, p, p + n, p + 2 * n, p + 3 * n, r0 + k0 + k, r1 + k0 + k, len);
        }
        for (; k < bs; ++k) {
          const double* p = panel_t.data() + (size_t)k * n + k1;
          row_sub1(r0 + k1, p, r0[k0 + k], len);
          row_sub1(r1 + k1, p, r1[k0 + k], len);
        }
        // The last entry of row i + 1 (column i + 1), in the same order of terms as the loops above.
        double* last = r1 + i + 1;
        int kk = 0;
        for (; kk + 4 <= bs; kk += 4) {
          const double* p = panel_t.data() + (size_t)kk * n + i + 1;
          *last -= (r1[k0 + kk] * p[0] + r1[k0 + kk + 1] * p[n]) + (r1[k0 + kk + 2] * p[2 * n] + r1[k0 + kk + 3] * p[3 * n]);
        }
        for (; kk < bs; ++kk) *last -= r1[k0 + kk] * panel_t[(size_t)kk * n + i + 1];
      }
      for (; i < end; ++i) {
        double* row_i = A + (size_t)i * n;
        sub_combination(
            row_i + k1, bs, i - k1 + 1, [&](int k) { return row_i[k0 + k]; },
            [&](int k) { return panel_t.data() + (size_t)k * n + k1; });
      }
    });
  }
  return -1;
}

void inverse_blocked_cpu(double* Kinv, const double* L, int n, int threads) {
  // M = L^-1 (lower), column block by column block: M[i, J] = (e_i[J] - sum_{k<i} L[i][k] M[k, J]) / L[i][i].
  std::vector<double> M((size_t)n * n, 0.0);
  const int col_blocks = (n + kColumns - 1) / kColumns;
  parallel_for(col_blocks, threads, [&](int cb) {
    const int j0 = cb * kColumns, j1 = std::min(n, j0 + kColumns);
    for (int i = j0; i < n; ++i) {
      double* mi = M.data() + (size_t)i * n + j0;
      const double* li = L + (size_t)i * n;
      const int width = std::min(j1, i + 1) - j0;
      if (i < j1) mi[i - j0] = 1.0;
      sub_combination(
          mi, i - j0, width, [&](int k) { return li[j0 + k]; },
          [&](int k) { return M.data() + (size_t)(j0 + k) * n + j0; });
      row_scale(mi, li[i], width);
    }
  });
  // Kinv = M'M: rows a0..a0+3 together, Kinv[a, 0:w] += sum_{k >= a0} M[k][a] M[k, 0:w] (w = a0 + 4).
  const int row_groups = (n + 3) / 4;
  parallel_for(row_groups, threads, [&](int g) {
    const int a0 = g * 4, a1 = std::min(n, a0 + 4), w = a1;
    for (int a = a0; a < a1; ++a) std::fill(Kinv + (size_t)a * n, Kinv + (size_t)a * n + w, 0.0);
    // Rows M[k..k+3] are read once per group and applied to all of its rows (they stay in cache).
    int k = a0;
    for (; k + 4 <= n; k += 4) {
      const double* m0 = M.data() + (size_t)k * n;
      const int len = std::min(w, k + 4);
      for (int a = a0; a < a1; ++a)
        row_add4(Kinv + (size_t)a * n, m0, m0 + n, m0 + 2 * n, m0 + 3 * n, m0[a], m0[n + a], m0[2 * n + a],
                 m0[3 * n + a], len);
    }
    for (; k < n; ++k) {
      const double* mk = M.data() + (size_t)k * n;
      for (int a = a0; a < a1; ++a) row_add1(Kinv + (size_t)a * n, mk, mk[a], std::min(w, k + 1));
    }
  });
  // Mirror the lower triangle onto the upper.
  for (int a = 0; a < n; ++a)
    for (int b = 0; b < a; ++b) Kinv[(size_t)b * n + a] = Kinv[(size_t)a * n + b];
}

void solve_lower_multi_cpu(double* B, const double* L, int n, int m) {
  for (int i = 0; i < n; ++i) {
    double* bi = B + (size_t)i * m;
    const double* li = L + (size_t)i * n;
    sub_combination(
        bi, i, m, [&](int k) { return li[k]; }, [&](int k) { return B + (size_t)k * m; });
    row_scale(bi, li[i], m);
  }
}

void solve_lower_transposed_multi_cpu(double* B, const double* L, int n, int m) {
  // Backward: row i is final once divided; then it is subtracted from the rows above it.
  for (int i = n - 1; i >= 0; --i) {
    double* bi = B + (size_t)i * m;
    const double* li = L + (size_t)i * n;
    row_scale(bi, li[i], m);
    for (int k = 0; k < i; ++k) row_sub1(B + (size_t)k * m, bi, li[k], m);
  }
}

}  // namespace hpo::gp
