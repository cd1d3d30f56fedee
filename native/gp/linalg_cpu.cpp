// Blocked Cholesky, triangular inverse and multi-right-hand-side solves for the CPU engine (see
// linalg_cpu.h). Validated against the TypeScript reference through the engine's tests.
#include "gp/linalg_cpu.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <memory>
#include <vector>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

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

// GEMM micro-kernel: a 4 x 8 tile of C gets sign * sum_k A[r][k] B[k][0:8] (k < kc), the 32 sums held
// in registers (8 vectors of 4) so each loaded B vector feeds 4 rows and each A value 8 columns.
// Every sum runs in k order, so all SIMD widths give the same bits.
typedef double v4d __attribute__((vector_size(32)));
typedef double v4du __attribute__((vector_size(32), aligned(8)));

HPO_CLONES void gemm_kernel_4x8(double* __restrict C, int ldc, const double* __restrict A, int lda,
                                const double* __restrict B, int ldb, int kc, int add) {
  v4d c00 = {0, 0, 0, 0}, c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
  const double* a0 = A;
  const double* a1 = A + lda;
  const double* a2 = A + 2 * (size_t)lda;
  const double* a3 = A + 3 * (size_t)lda;
  for (int k = 0; k < kc; ++k) {
    const double* b = B + (size_t)k * ldb;
    v4d b0 = *(const v4du*)b, b1 = *(const v4du*)(b + 4);
    double x0 = a0[k], x1 = a1[k], x2 = a2[k], x3 = a3[k];
    c00 += x0 * b0;
    c01 += x0 * b1;
    c10 += x1 * b0;
    c11 += x1 * b1;
    c20 += x2 * b0;
    c21 += x2 * b1;
    c30 += x3 * b0;
    c31 += x3 * b1;
  }
  v4d acc[8] = {c00, c01, c10, c11, c20, c21, c30, c31};
  for (int r = 0; r < 4; ++r) {
    v4du* c = (v4du*)(C + (size_t)r * ldc);
    if (add) {
      c[0] = c[0] + acc[2 * r];
      c[1] = c[1] + acc[2 * r + 1];
    } else {
      c[0] = c[0] - acc[2 * r];
      c[1] = c[1] - acc[2 * r + 1];
    }
  }
}

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
// The same tile with fused multiply-adds (AVX2 + FMA), twice the arithmetic per cycle; picked at run
// time when the CPU has them. Its sums round once per term instead of twice, so results differ
// from the plain kernel's in the last bits (well inside every tolerance of the engine's tests).
__attribute__((target("avx2,fma"))) void gemm_kernel_4x8_fma(double* __restrict C, int ldc, const double* __restrict A,
                                                             int lda, const double* __restrict B, int ldb, int kc,
                                                             int add) {
  __m256d c00 = _mm256_setzero_pd(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
  const double* a0 = A;
  const double* a1 = A + lda;
  const double* a2 = A + 2 * (size_t)lda;
  const double* a3 = A + 3 * (size_t)lda;
  for (int k = 0; k < kc; ++k) {
    const double* b = B + (size_t)k * ldb;
    __m256d b0 = _mm256_loadu_pd(b), b1 = _mm256_loadu_pd(b + 4);
    __m256d x = _mm256_broadcast_sd(a0 + k);
    c00 = _mm256_fmadd_pd(x, b0, c00);
    c01 = _mm256_fmadd_pd(x, b1, c01);
    x = _mm256_broadcast_sd(a1 + k);
    c10 = _mm256_fmadd_pd(x, b0, c10);
    c11 = _mm256_fmadd_pd(x, b1, c11);
    x = _mm256_broadcast_sd(a2 + k);
    c20 = _mm256_fmadd_pd(x, b0, c20);
    c21 = _mm256_fmadd_pd(x, b1, c21);
    x = _mm256_broadcast_sd(a3 + k);
    c30 = _mm256_fmadd_pd(x, b0, c30);
    c31 = _mm256_fmadd_pd(x, b1, c31);
  }
  __m256d acc[8] = {c00, c01, c10, c11, c20, c21, c30, c31};
  for (int r = 0; r < 4; ++r) {
    double* c = C + (size_t)r * ldc;
    __m256d v0 = _mm256_loadu_pd(c), v1 = _mm256_loadu_pd(c + 4);
    if (add) {
      v0 = _mm256_add_pd(v0, acc[2 * r]);
      v1 = _mm256_add_pd(v1, acc[2 * r + 1]);
    } else {
      v0 = _mm256_sub_pd(v0, acc[2 * r]);
      v1 = _mm256_sub_pd(v1, acc[2 * r + 1]);
    }
    _mm256_storeu_pd(c, v0);
    _mm256_storeu_pd(c + 4, v1);
  }
}
// An R x 16 tile (R = 4 or 8; two packed 8-column tiles, `tile_stride` apart) with AVX-512 fused
// multiply-adds. The 8-row form holds 16 accumulators (of AVX-512's 32 registers), so each pair of B
// vectors loaded (from L2 for wide stripes) feeds 16 fused multiply-adds. Each element's sum is the
// same chain of fused multiply-adds in k order as gemm_kernel_4x8_fma's, so the results are the same
// bits whichever kernel computes a tile.
template <int R>
__attribute__((target("avx512f"))) void gemm_kernel_rx16_avx512(double* __restrict C, int ldc,
                                                                const double* __restrict A, int lda,
                                                                const double* __restrict B, size_t tile_stride, int kc,
                                                                int add) {
  __m512d acc[2 * R];
  for (int r = 0; r < 2 * R; ++r) acc[r] = _mm512_setzero_pd();
  const double* b_left = B;
  const double* b_right = B + tile_stride;
  for (int k = 0; k < kc; ++k) {
    __m512d b0 = _mm512_loadu_pd(b_left + (size_t)k * 8), b1 = _mm512_loadu_pd(b_right + (size_t)k * 8);
#pragma GCC unroll 8
    for (int r = 0; r < R; ++r) {
      __m512d x = _mm512_set1_pd(A[(size_t)r * lda + k]);
      acc[2 * r] = _mm512_fmadd_pd(x, b0, acc[2 * r]);
      acc[2 * r + 1] = _mm512_fmadd_pd(x, b1, acc[2 * r + 1]);
    }
  }
  for (int r = 0; r < R; ++r) {
    double* c = C + (size_t)r * ldc;
    __m512d v0 = _mm512_loadu_pd(c), v1 = _mm512_loadu_pd(c + 8);
    if (add) {
      v0 = _mm512_add_pd(v0, acc[2 * r]);
      v1 = _mm512_add_pd(v1, acc[2 * r + 1]);
    } else {
      v0 = _mm512_sub_pd(v0, acc[2 * r]);
      v1 = _mm512_sub_pd(v1, acc[2 * r + 1]);
    }
    _mm512_storeu_pd(c, v0);
    _mm512_storeu_pd(c + 8, v1);
  }
}
static const bool kHasFma = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
// The wide kernel is used only beside the FMA one (identical results); HPO_GP_NO_AVX512 turns it off.
static const bool kHasAvx512 = kHasFma && __builtin_cpu_supports("avx512f") && !std::getenv("HPO_GP_NO_AVX512");
#define HPO_GEMM_KERNEL (kHasFma ? gemm_kernel_4x8_fma : gemm_kernel_4x8)
#else
#define HPO_GEMM_KERNEL gemm_kernel_4x8
#endif

// Forward substitution for 8 right-hand sides at once: P (bs, 8) k-major <- solution of
// X L11' = P row-wise, i.e. P[k] = (P[k] - sum_{j<k} L11[k][j] P[j]) / L11[k][k] for each lane; for
// kTiles such tiles side by side, each with its own sums in the same order. A tile's steps wait on
// each other's divisions, so two tiles in flight take about the time of one.
template <int kTiles>
__attribute__((always_inline)) inline void panel_solve(double* const* tiles, const double* __restrict L11, int ld,
                                                       int bs) {
  for (int k = 0; k < bs; ++k) {
    const double* lk = L11 + (size_t)k * ld;
    v4d s[kTiles][2], t[kTiles][2];
    for (int q = 0; q < kTiles; ++q) s[q][0] = s[q][1] = t[q][0] = t[q][1] = v4d{0, 0, 0, 0};
    int j = 0;
    for (; j + 2 <= k; j += 2) {
      for (int q = 0; q < kTiles; ++q) {
        const double* P = tiles[q];
        s[q][0] += lk[j] * *(const v4du*)(P + (size_t)j * 8);
        s[q][1] += lk[j] * *(const v4du*)(P + (size_t)j * 8 + 4);
        t[q][0] += lk[j + 1] * *(const v4du*)(P + (size_t)(j + 1) * 8);
        t[q][1] += lk[j + 1] * *(const v4du*)(P + (size_t)(j + 1) * 8 + 4);
      }
    }
    if (j < k) {
      for (int q = 0; q < kTiles; ++q) {
        s[q][0] += lk[j] * *(const v4du*)(tiles[q] + (size_t)j * 8);
        s[q][1] += lk[j] * *(const v4du*)(tiles[q] + (size_t)j * 8 + 4);
      }
    }
    for (int q = 0; q < kTiles; ++q) {
      v4du* pk = (v4du*)(tiles[q] + (size_t)k * 8);
      pk[0] = (pk[0] - (s[q][0] + t[q][0])) / lk[k];
      pk[1] = (pk[1] - (s[q][1] + t[q][1])) / lk[k];
    }
  }
}

HPO_CLONES void panel_solve_tile(double* P, const double* L11, int ld, int bs) {
  double* tiles[1] = {P};
  panel_solve<1>(tiles, L11, ld, bs);
}

HPO_CLONES void panel_solve_tile_pair(double* P, double* Q, const double* L11, int ld, int bs) {
  double* tiles[2] = {P, Q};
  panel_solve<2>(tiles, L11, ld, bs);
}

namespace {

// B (kc, w) packed for the micro-kernel: column tiles of 8, each stored k-major (kc rows of 8, zero
// padded) `tile_stride` apart, so the kernel reads B contiguously instead of one cache line (and
// often one page) per k.
void pack_b(double* Bp, size_t tile_stride, const double* B, int ldb, int kc, int w) {
  for (int jt = 0; jt * 8 < w; ++jt) {
    double* dst = Bp + jt * tile_stride;
    const int cols = std::min(8, w - jt * 8);
    for (int k = 0; k < kc; ++k) {
      const double* src = B + (size_t)k * ldb + jt * 8;
      for (int jj = 0; jj < 8; ++jj) dst[(size_t)k * 8 + jj] = jj < cols ? src[jj] : 0.0;
    }
  }
}

// C (m, w) += or -= A (m, kc) Bp, Bp packed by pack_b: 4 x 8 tiles through the micro-kernel, the
// edges as plain loops with the same (k-ordered) sums.
void gemm_packed(double* C, int ldc, const double* A, int lda, const double* Bp, size_t tile_stride, int m, int w,
                 int kc, bool add) {
  auto edge = [&](int r, int jj) {
    const double* b = Bp + (jj / 8) * tile_stride + jj % 8;
    double s = 0.0;
    for (int k = 0; k < kc; ++k) s += A[(size_t)r * lda + k] * b[(size_t)k * 8];
    C[(size_t)r * ldc + jj] += add ? s : -s;
  };
  int i = 0;
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
  // Wide rows first: 8 x 16 tiles, the rest of those 8 rows by the 4-row kernels below.
  if (kHasAvx512) {
    for (; i + 8 <= m; i += 8) {
      int j = 0;
      for (; j + 16 <= w; j += 16)
        gemm_kernel_rx16_avx512<8>(C + (size_t)i * ldc + j, ldc, A + (size_t)i * lda, lda, Bp + (j / 8) * tile_stride,
                                   tile_stride, kc, add ? 1 : 0);
      for (int half = 0; half < 8; half += 4) {
        for (int jj = j; jj + 8 <= w; jj += 8)
          HPO_GEMM_KERNEL(C + (size_t)(i + half) * ldc + jj, ldc, A + (size_t)(i + half) * lda, lda,
                          Bp + (jj / 8) * tile_stride, 8, kc, add ? 1 : 0);
        for (int r = i + half; r < i + half + 4; ++r)
          for (int jj = j + (w - j) / 8 * 8; jj < w; ++jj) edge(r, jj);
      }
    }
  }
#endif
  for (; i + 4 <= m; i += 4) {
    int j = 0;
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
    if (kHasAvx512)
      for (; j + 16 <= w; j += 16)
        gemm_kernel_rx16_avx512<4>(C + (size_t)i * ldc + j, ldc, A + (size_t)i * lda, lda, Bp + (j / 8) * tile_stride,
                                   tile_stride, kc, add ? 1 : 0);
#endif
    for (; j + 8 <= w; j += 8)
      HPO_GEMM_KERNEL(C + (size_t)i * ldc + j, ldc, A + (size_t)i * lda, lda, Bp + (j / 8) * tile_stride, 8, kc,
                      add ? 1 : 0);
    for (int r = i; r < i + 4; ++r)
      for (int jj = j; jj < w; ++jj) edge(r, jj);
  }
  for (; i < m; ++i)
    for (int jj = 0; jj < w; ++jj) edge(i, jj);
}

// rows[i] -= sum_k coef(k) * src(k) for k in [0, count): 4 at a time, then the rest.
template <typename Coef, typename Src>
inline void sub_combination(double* row, int count, int len, Coef coef, Src src) {
  int k = 0;
  for (; k + 4 <= count; k += 4)
    row_sub4(row, src(k), src(k + 1), src(k + 2), src(k + 3), coef(k), coef(k + 1), coef(k + 2), coef(k + 3), len);
  for (; k < count; ++k) row_sub1(row, src(k), coef(k), len);
}

constexpr int kPanel = 64;        // Cholesky block
constexpr int kColumns = 64;      // column block of the triangular inverse
constexpr int kGroupRows = 32;    // GEMM rows per task (8 micro-kernel tiles share a cached B stripe)
constexpr int kColBlock = 256;    // GEMM column stripe
constexpr int kDepthBlock = 256;  // GEMM depth block

// Solves L X = B in place for B (n, m) with leading dimension ldb, where rows [0, first) of B are zero
// (and stay so): blocks of kPanel rows, each first updated by one GEMM with all solved rows above it
// (in kDepthBlock steps), then by forward substitution inside the block.
void trsm_lower_blocked(double* B, int ldb, const double* L, int n, int m, int first) {
  std::vector<double> packed((size_t)std::min(kDepthBlock, std::max(1, n - first)) *
                             ((std::min(kColBlock, m) + 7) / 8) * 8);
  for (int i0 = first; i0 < n; i0 += kPanel) {
    const int i1 = std::min(n, i0 + kPanel);
    for (int kb = first; kb < i0; kb += kDepthBlock) {
      const int kc = std::min(kDepthBlock, i0 - kb);
      for (int jc = 0; jc < m; jc += kColBlock) {
        const int w = std::min(kColBlock, m - jc);
        pack_b(packed.data(), (size_t)kc * 8, B + (size_t)kb * ldb + jc, ldb, kc, w);
        gemm_packed(B + (size_t)i0 * ldb + jc, ldb, L + (size_t)i0 * n + kb, n, packed.data(), (size_t)kc * 8, i1 - i0,
                    w, kc, false);
      }
    }
    for (int i = i0; i < i1; ++i) {
      double* bi = B + (size_t)i * ldb;
      const double* li = L + (size_t)i * n;
      sub_combination(
          bi, i - i0, m, [&](int k) { return li[i0 + k]; }, [&](int k) { return B + (size_t)(i0 + k) * ldb; });
      row_scale(bi, li[i], m);
    }
  }
}

}  // namespace

int cholesky_blocked_cpu(double* A, int n, int threads) {
  std::vector<double> panel_p((size_t)kPanel * (n + 8), 0.0);
  for (int k0 = 0; k0 < n; k0 += kPanel) {
    const int k1 = std::min(n, k0 + kPanel), bs = k1 - k0;
    // 1. Diagonal block (earlier blocks' updates are already applied), column by column: entry (i, j)
    // needs row i left of j and row j up to its pivot, so a column's entries are independent of each
    // other and their dot products and divisions overlap (row by row, each waited for the last).
    for (int j = k0; j < k1; ++j) {
      double* row_j = A + (size_t)j * n;
      double pivot = row_j[j] - dot4(row_j + k0, row_j + k0, j - k0);
      if (!(pivot > 0.0) || !std::isfinite(pivot)) return j;
      row_j[j] = std::sqrt(pivot);
      for (int i = j + 1; i < k1; ++i) {
        double* row_i = A + (size_t)i * n;
        row_i[j] = (row_i[j] - dot4(row_i + k0, row_j + k0, j - k0)) / row_j[j];
      }
    }
    if (k1 == n) break;
    // 2. Panel rows below: A[i, k0:k1] <- A[i, k0:k1] L11^-T, solved in the packed layout the trailing
    // update reads (pack_b: tiles of 8 rows, k-major), so 8 rows advance together in SIMD lanes.
    const int rest = n - k1;
    const size_t tile_stride = (size_t)bs * 8;
    for (int j = k1; j < n; ++j) {
      const int t = (j - k1) / 8, jj = (j - k1) % 8;
      for (int k = 0; k < bs; ++k) panel_p[t * tile_stride + (size_t)k * 8 + jj] = A[(size_t)j * n + k0 + k];
    }
    const int tiles = (rest + 7) / 8;
    parallel_for((tiles + 1) / 2, threads, [&](int pair) {
      const int t0 = 2 * pair, t1 = std::min(tiles, t0 + 2);
      double* P = panel_p.data() + t0 * tile_stride;
      if (t1 - t0 == 2) panel_solve_tile_pair(P, P + tile_stride, A + (size_t)k0 * n + k0, n, bs);
      else panel_solve_tile(P, A + (size_t)k0 * n + k0, n, bs);
      for (int t = t0; t < t1; ++t) {
        const double* Pt = panel_p.data() + t * tile_stride;
        const int rows = std::min(8, rest - t * 8);
        for (int jj = 0; jj < rows; ++jj) {
          double* row = A + (size_t)(k1 + t * 8 + jj) * n + k0;
          for (int k = 0; k < bs; ++k) row[k] = Pt[(size_t)k * 8 + jj];
        }
      }
    });
    // 3. Trailing update of the lower triangle, A[i, k1:i] -= A[i, k0:k1] PT[:, k1:i], as GEMM tiles:
    // groups of kGroupRows rows per task, columns in kColBlock stripes so the panel stripe stays in
    // cache across the group's row tiles. Tiles straddling the diagonal also write a few entries of
    // the upper triangle, which the factorization never reads.
    const int groups = (rest + kGroupRows - 1) / kGroupRows;
    parallel_for(groups, threads, [&](int g) {
      const int r0 = k1 + g * kGroupRows, r1 = std::min(n, r0 + kGroupRows);
      for (int jc = k1; jc < r1; jc += kColBlock) {
        for (int i = r0; i < r1; i += 8) {
          const int m = std::min(8, r1 - i);
          const int jend = std::min(std::min(n, i + 8), jc + kColBlock);
          if (jend <= jc) continue;
          gemm_packed(A + (size_t)i * n + jc, n, A + (size_t)i * n + k0, n,
                      panel_p.data() + ((jc - k1) / 8) * tile_stride, tile_stride, m, jend - jc, bs, false);
        }
      }
    });
  }
  return -1;
}

void lower_inverse_blocked_cpu(double* M, const double* L, int n, int threads) {
  // M column block by column block: M[i, J] = (e_i[J] - sum_{k<i} L[i][k] M[k, J]) / L[i][i].
  const int col_blocks = (n + kColumns - 1) / kColumns;
  parallel_for(col_blocks, threads, [&](int cb) {
    const int j0 = cb * kColumns, j1 = std::min(n, j0 + kColumns);
    for (int i = 0; i < n; ++i) std::fill(M + (size_t)i * n + j0, M + (size_t)i * n + j1, 0.0);
    for (int i = j0; i < j1; ++i) M[(size_t)i * n + i] = 1.0;
    trsm_lower_blocked(M + j0, n, L, n, j1 - j0, j0);
  });
}

void lower_times_cpu(double* V, const double* M, const double* B, int n, int c, std::vector<double>& packed) {
  // B packed whole first (V may be B): tiles of 8 columns, n * 8 apart. Then in depth blocks of
  // kDepthBlock rows (a block of the packed tiles stays in L2 across all row tiles): row tile
  // i..i+7 of V needs depth up to i + 8 only, because M[i][k] = 0 for k > i.
  const size_t tile_stride = (size_t)n * 8;
  packed.resize(tile_stride * ((c + 7) / 8));
  pack_b(packed.data(), tile_stride, B, c, n, c);
  std::fill(V, V + (size_t)n * c, 0.0);
  for (int kb = 0; kb < n; kb += kDepthBlock) {
    const int kc = std::min(kDepthBlock, n - kb);
    for (int i = kb; i < n; i += 8) {
      const int rows = std::min(8, n - i), depth = std::min(kc, i + 8 - kb);
      gemm_packed(V + (size_t)i * c, c, M + (size_t)i * n + kb, n, packed.data() + (size_t)kb * 8, tile_stride, rows, c,
                  depth, true);
    }
  }
}

void inverse_blocked_cpu(double* Kinv, const double* L, int n, int threads, std::vector<double>* scratch) {
  // M = L^-1 (lower, upper zeros) is built in Kinv's storage; M' and M packed go to the scratch (reused
  // across calls when the caller passes one, so repeated evaluations do not fault in fresh pages).
  std::vector<double> local;
  std::vector<double>& buf = scratch ? *scratch : local;
  const size_t nn = (size_t)n * n, packed_size = (size_t)n * ((n + 7) / 8) * 8;
  if (buf.size() < nn + packed_size) buf.resize(nn + packed_size);
  double* M = Kinv;
  double* Mt = buf.data();
  double* Mp = buf.data() + nn;
  lower_inverse_blocked_cpu(M, L, n, threads);
  // Kinv = M'M (lower triangle) as GEMM tiles with A = M' (transposed once, so its rows are contiguous):
  // Kinv[a, b] = sum_{k >= a0} M[k][a] M[k][b] per group of rows a0.. (M[k][a] = 0 for k < a), in
  // k blocks and column stripes that stay in cache.
  // Transposed in 32 x 32 tiles (a plain column walk misses the cache on every read), and M packed
  // whole for the micro-kernel (pack_b layout, tiles of 8 columns n * 8 apart); both in parallel,
  // as they are memory-bound n^2 passes.
  constexpr int kTile = 32;
  parallel_for((n + kTile - 1) / kTile, threads, [&](int t) {
    const int a0 = t * kTile, a1 = std::min(n, a0 + kTile);
    for (int k0 = 0; k0 < n; k0 += kTile) {
      const int k1 = std::min(n, k0 + kTile);
      for (int a = a0; a < a1; ++a) {
        double* row = Mt + (size_t)a * n;
        for (int k = k0; k < k1; ++k) row[k] = k >= a ? M[(size_t)k * n + a] : 0.0;
      }
    }
    // Packed tiles of columns a0..a1 (kTile is a multiple of 8).
    pack_b(Mp + (size_t)(a0 / 8) * n * 8, (size_t)n * 8, M + a0, n, n, a1 - a0);
  });
  const int groups = (n + kGroupRows - 1) / kGroupRows;
  parallel_for(groups, threads, [&](int g) {
    const int a0 = g * kGroupRows, a1 = std::min(n, a0 + kGroupRows);
    for (int a = a0; a < a1; ++a) std::fill(Kinv + (size_t)a * n, Kinv + (size_t)a * n + a1, 0.0);
    for (int kb = a0; kb < n; kb += kDepthBlock) {
      const int kc = std::min(kDepthBlock, n - kb);
      for (int jc = 0; jc < a1; jc += kColBlock)
        gemm_packed(Kinv + (size_t)a0 * n + jc, n, Mt + (size_t)a0 * n + kb, n,
                    Mp + (size_t)(jc / 8) * n * 8 + (size_t)kb * 8, (size_t)n * 8, a1 - a0,
                    std::min(kColBlock, a1 - jc), kc, true);
    }
  });
}

void solve_lower_multi_cpu(double* B, const double* L, int n, int m) { trsm_lower_blocked(B, m, L, n, m, 0); }

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
