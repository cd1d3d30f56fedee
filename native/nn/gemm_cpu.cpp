// fp32 GEMM for the training kernels (see nn.h): the packing and micro-kernel scheme of
// native/gp/linalg_cpu.cpp in single precision. op(B) is packed per K block into 16-column panels
// (k-major), op(A) per thread into MR-row strips (k-major), and a micro-kernel keeps an MR x 16 tile
// of C in registers: 12 x 16 with AVX-512 (12 zmm accumulators), 6 x 16 with AVX2 + FMA (12 ymm),
// 6 x 16 in plain C++ otherwise. The module builds with -ffp-contract=off, so the fused multiply-adds
// are explicit intrinsics. Work above kParallelFlops is split over row and column blocks on
// native/common/thread_pool.h's parallel_for.
#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <vector>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "common/thread_pool.h"
#include "nn/nn.h"
#include "nn/nn_math.h"

namespace hpo::nn {
namespace {

constexpr int NR = 16;       // columns per packed B panel and per tile
constexpr int KC = 256;      // K block: an MR x KC strip of A and a KC x 16 panel stay in L1/L2
constexpr int MC_TILES = 8;  // row block per task: MC_TILES strips of MR rows
constexpr int NC = 256;      // column block per task
constexpr double kParallelFlops = 2e6;

// Tile = Ap (MR x kc, k-major) * Bp (kc x 16, k-major); written to C (rows x cols of it), added to C
// when `add`. Edge tiles (rows < MR or cols < 16) go through a local buffer.
using Kernel = void (*)(int kc, const float* Ap, const float* Bp, float* C, int ldc, int rows, int cols, bool add);

template <int MR>
void store_tile(const float* tile, float* C, int ldc, int rows, int cols, bool add) {
  for (int r = 0; r < rows; ++r) {
    float* c = C + (size_t)r * ldc;
    const float* t = tile + r * NR;
    if (add)
      for (int j = 0; j < cols; ++j) c[j] += t[j];
    else
      for (int j = 0; j < cols; ++j) c[j] = t[j];
  }
}

// The portable kernel: plain loops the compiler may vectorize (separate multiply and add).
void kernel_6x16_plain(int kc, const float* Ap, const float* Bp, float* C, int ldc, int rows, int cols, bool add) {
  float tile[6 * NR] = {};
  for (int k = 0; k < kc; ++k) {
    const float* b = Bp + (size_t)k * NR;
    const float* a = Ap + (size_t)k * 6;
    for (int r = 0; r < 6; ++r)
      for (int j = 0; j < NR; ++j) tile[r * NR + j] += a[r] * b[j];
  }
  store_tile<6>(tile, C, ldc, rows, cols, add);
}

#if defined(__x86_64__) && defined(__GNUC__)
__attribute__((target("avx2,fma"))) void kernel_6x16_avx2(int kc, const float* Ap, const float* Bp, float* C, int ldc,
                                                          int rows, int cols, bool add) {
  __m256 acc[6][2];
  for (int r = 0; r < 6; ++r) acc[r][0] = acc[r][1] = _mm256_setzero_ps();
  for (int k = 0; k < kc; ++k) {
    __m256 b0 = _mm256_loadu_ps(Bp + (size_t)k * NR), b1 = _mm256_loadu_ps(Bp + (size_t)k * NR + 8);
    const float* a = Ap + (size_t)k * 6;
#pragma GCC unroll 6
    for (int r = 0; r < 6; ++r) {
      __m256 x = _mm256_broadcast_ss(a + r);
      acc[r][0] = _mm256_fmadd_ps(x, b0, acc[r][0]);
      acc[r][1] = _mm256_fmadd_ps(x, b1, acc[r][1]);
    }
  }
  if (rows == 6 && cols == NR) {
    for (int r = 0; r < 6; ++r) {
      float* c = C + (size_t)r * ldc;
      __m256 v0 = acc[r][0], v1 = acc[r][1];
      if (add) {
        v0 = _mm256_add_ps(_mm256_loadu_ps(c), v0);
        v1 = _mm256_add_ps(_mm256_loadu_ps(c + 8), v1);
      }
      _mm256_storeu_ps(c, v0);
      _mm256_storeu_ps(c + 8, v1);
    }
    return;
  }
  alignas(32) float tile[6 * NR];
  for (int r = 0; r < 6; ++r) {
    _mm256_store_ps(tile + r * NR, acc[r][0]);
    _mm256_store_ps(tile + r * NR + 8, acc[r][1]);
  }
  store_tile<6>(tile, C, ldc, rows, cols, add);
}

__attribute__((target("avx512f"))) void kernel_12x16_avx512(int kc, const float* Ap, const float* Bp, float* C, int ldc,
                                                            int rows, int cols, bool add) {
  __m512 acc[12];
  for (int r = 0; r < 12; ++r) acc[r] = _mm512_setzero_ps();
  for (int k = 0; k < kc; ++k) {
    __m512 b = _mm512_loadu_ps(Bp + (size_t)k * NR);
    const float* a = Ap + (size_t)k * 12;
#pragma GCC unroll 12
    for (int r = 0; r < 12; ++r) acc[r] = _mm512_fmadd_ps(_mm512_set1_ps(a[r]), b, acc[r]);
  }
  const __mmask16 mask = cols >= NR ? (__mmask16)0xFFFF : (__mmask16)((1u << cols) - 1u);
  for (int r = 0; r < rows; ++r) {
    float* c = C + (size_t)r * ldc;
    __m512 v = acc[r];
    if (add) v = _mm512_add_ps(_mm512_maskz_loadu_ps(mask, c), v);
    _mm512_mask_storeu_ps(c, mask, v);
  }
}

const bool kHasFma = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
// HPO_NN_NO_AVX512 keeps the AVX2 kernel (for comparing the two on one machine).
const bool kHasAvx512 = kHasFma && __builtin_cpu_supports("avx512f") && !std::getenv("HPO_NN_NO_AVX512");
#endif

struct KernelChoice {
  Kernel kernel;
  int mr;
};

KernelChoice choose_kernel() {
#if defined(__x86_64__) && defined(__GNUC__)
  if (kHasAvx512) return {kernel_12x16_avx512, 12};
  if (kHasFma) return {kernel_6x16_avx2, 6};
#endif
  return {kernel_6x16_plain, 6};
}

// Packs op(B)[k0 : k0+kc, 0 : N] into ceil(N / 16) panels of kc x 16 (zero-padded columns).
void pack_b(float* Bp, const float* B, int ldb, bool trans_b, int k0, int kc, int N) {
  const int panels = (N + NR - 1) / NR;
  for (int p = 0; p < panels; ++p) {
    float* dst = Bp + (size_t)p * kc * NR;
    const int n0 = p * NR, width = std::min(NR, N - n0);
    for (int k = 0; k < kc; ++k) {
      float* d = dst + (size_t)k * NR;
      if (!trans_b) {
        const float* s = B + (size_t)(k0 + k) * ldb + n0;
        std::memcpy(d, s, sizeof(float) * width);
      } else {
        for (int j = 0; j < width; ++j) d[j] = B[(size_t)(n0 + j) * ldb + k0 + k];
      }
      for (int j = width; j < NR; ++j) d[j] = 0.0f;
    }
  }
}

// Packs op(A)[m0 : m0+rows, k0 : k0+kc] into strips of mr rows, each kc x mr k-major (zero-padded rows).
void pack_a(float* Ap, const float* A, int lda, bool trans_a, int m0, int rows, int k0, int kc, int mr) {
  const int strips = (rows + mr - 1) / mr;
  for (int s = 0; s < strips; ++s) {
    float* dst = Ap + (size_t)s * kc * mr;
    const int r0 = m0 + s * mr, height = std::min(mr, m0 + rows - r0);
    if (trans_a) {
      for (int k = 0; k < kc; ++k) {
        const float* src = A + (size_t)(k0 + k) * lda + r0;
        float* d = dst + (size_t)k * mr;
        for (int r = 0; r < height; ++r) d[r] = src[r];
        for (int r = height; r < mr; ++r) d[r] = 0.0f;
      }
    } else {
      for (int r = 0; r < height; ++r) {
        const float* src = A + (size_t)(r0 + r) * lda + k0;
        for (int k = 0; k < kc; ++k) dst[(size_t)k * mr + r] = src[k];
      }
      for (int r = height; r < mr; ++r)
        for (int k = 0; k < kc; ++k) dst[(size_t)k * mr + r] = 0.0f;
    }
  }
}

std::vector<float>& scratch_a() {
  thread_local std::vector<float> buffer;
  return buffer;
}
std::vector<float>& scratch_b() {
  thread_local std::vector<float> buffer;
  return buffer;
}

}  // namespace

void sgemm(int M, int N, int K, const float* A, int lda, bool trans_a, const float* B, int ldb, bool trans_b, float* C,
           int ldc, bool accumulate, int threads) {
  if (M <= 0 || N <= 0) return;
  if (K <= 0) {
    if (!accumulate)
      for (int r = 0; r < M; ++r) std::memset(C + (size_t)r * ldc, 0, sizeof(float) * N);
    return;
  }
  const KernelChoice choice = choose_kernel();
  const int mr = choice.mr;
  const int mc = mr * MC_TILES;
  const int m_blocks = (M + mc - 1) / mc, n_blocks = (N + NC - 1) / NC;
  const int tasks = m_blocks * n_blocks;
  const double flops = 2.0 * M * N * (double)K;
  const int use_threads = flops >= kParallelFlops ? threads : 1;
  const int panels = (N + NR - 1) / NR;
  std::vector<float>& Bp = scratch_b();
  Bp.resize((size_t)panels * KC * NR);
  for (int k0 = 0; k0 < K; k0 += KC) {
    const int kc = std::min(KC, K - k0);
    const bool add = accumulate || k0 > 0;
    pack_b(Bp.data(), B, ldb, trans_b, k0, kc, N);
    const float* packed_b = Bp.data();
    parallel_for(tasks, use_threads, [&](int task) {
      const int mb = task / n_blocks, nb = task % n_blocks;
      const int m0 = mb * mc, rows = std::min(mc, M - m0);
      const int n0 = nb * NC, cols = std::min(NC, N - n0);
      std::vector<float>& Ap = scratch_a();
      const int strips = (rows + mr - 1) / mr;
      if (Ap.size() < (size_t)strips * kc * mr) Ap.resize((size_t)strips * kc * mr);
      pack_a(Ap.data(), A, lda, trans_a, m0, rows, k0, kc, mr);
      for (int p = n0 / NR; p * NR < n0 + cols; ++p) {
        const float* bp = packed_b + (size_t)p * kc * NR;
        const int j0 = p * NR, width = std::min(NR, N - j0);
        for (int s = 0; s < strips; ++s) {
          const int r0 = m0 + s * mr, height = std::min(mr, m0 + rows - r0);
          choice.kernel(kc, Ap.data() + (size_t)s * kc * mr, bp, C + (size_t)r0 * ldc + j0, ldc, height, width, add);
        }
      }
    });
  }
}

void epilogue(float* C, size_t rows, int cols, const EpilogueParams& e, int threads) {
  const float* bias = e.bias;
  const int act = e.act;
  if (bias == nullptr && act == kLinear) return;
  const size_t block = 256;
  const int blocks = (int)((rows + block - 1) / block);
  const int use_threads = rows * (size_t)cols >= 65536 ? threads : 1;
  parallel_for(blocks, use_threads, [&](int b) {
    const size_t r1 = std::min(rows, (size_t)(b + 1) * block);
    for (size_t r = (size_t)b * block; r < r1; ++r) {
      float* c = C + r * cols;
      if (bias)
        for (int j = 0; j < cols; ++j) c[j] += bias[j];
      if (act == kPrelu) {
        for (int j = 0; j < cols; ++j) c[j] = activate(act, c[j], e.prelu[e.prelu_len == 1 ? 0 : j]);
      } else if (act != kLinear) {
        for (int j = 0; j < cols; ++j) c[j] = activate(act, c[j], e.alpha);
      }
    }
  });
}

}  // namespace hpo::nn
