// Cholesky factorization on CUDA with hpo's own kernels (the CPU twin: cholesky_cpu and
// cholesky_blocked_cpu): blocked right-looking, NB = 32. The diagonal block is factored in shared
// memory, the panel below it solved one thread per row, then the lower trailing matrix takes a tiled
// rank-NB update. The vendor path (cusolverDn?potrf) is chosen in engine.cu.
#include <cuda_runtime.h>

#include <algorithm>

#include "gp/gp_device.cuh"
#include "gp/gp_math.h"

namespace hpo::gp {
namespace {

// Unblocked Cholesky of the diagonal block A[k:k+bs, k:k+bs] in shared memory; one thread per row.
// Records the first failing pivot in *info (atomicMin; INT_MAX = none).
template <typename T>
__global__ void potrf_diag_kernel1(T* A, int n, int k, int bs, int* info) {
  __shared__ T a[NB][NB + 1];
  int t = threadIdx.x;
  for (int r = 0; r < bs; ++r)
    if (t < bs) a[r][t] = A[(size_t)(k + r) * n + k + t];
  __syncthreads();
  for (int j = 0; j < bs; ++j) {
    if (t == 0) {
      T pivot = a[j][j];
      if (!(pivot > T(0)) || !isfinite(pivot)) atomicMin(info, k + j);
      a[j][j] = sqrt(pivot);
    }
    __syncthreads();
    if (t > j && t < bs) a[t][j] = a[t][j] / a[j][j];
    __syncthreads();
    if (t > j && t < bs)
      for (int c = j + 1; c <= t; ++c) a[t][c] -= a[t][j] * a[c][j];
    __syncthreads();
  }
  for (int r = 0; r < bs; ++r)
    if (t < bs) A[(size_t)(k + r) * n + k + t] = t <= r ? a[r][t] : T(0);
}

// Panel: rows i >= k + bs solve x L11' = A[i, k:k+bs]. One thread per row.
template <typename T>
__global__ void potrf_panel_kernel1(T* A, int n, int k, int bs) {
  __shared__ T l[NB][NB + 1];
  for (int idx = threadIdx.x; idx < bs * bs; idx += blockDim.x)
    l[idx / bs][idx % bs] = A[(size_t)(k + idx / bs) * n + k + idx % bs];
  __syncthreads();
  int i = k + bs + blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= n) return;
  T* row = A + (size_t)i * n + k;
  T x[NB];
  for (int j = 0; j < bs; ++j) {
    T v = row[j];
    for (int p = 0; p < j; ++p) v -= x[p] * l[j][p];
    x[j] = v / l[j][j];
    row[j] = x[j];
  }
}

// Trailing update of the lower triangle: A[i][j] -= sum_p A[i][k+p] A[j][k+p], i >= j >= k + bs.
template <typename T>
__global__ void potrf_update_kernel1(T* A, int n, int k, int bs) {
  int start = k + bs;
  int i0 = start + blockIdx.y * TILE;
  int j0 = start + blockIdx.x * TILE;
  if (j0 > i0 + TILE - 1) return;  // tile entirely above the diagonal (uniform per block)
  __shared__ T ra[TILE][NB + 1];
  __shared__ T ca[TILE][NB + 1];
  int ty = threadIdx.y, tx = threadIdx.x;
  for (int p = tx; p < bs; p += TILE) {
    ra[ty][p] = i0 + ty < n ? A[(size_t)(i0 + ty) * n + k + p] : T(0);
    ca[ty][p] = j0 + ty < n ? A[(size_t)(j0 + ty) * n + k + p] : T(0);
  }
  __syncthreads();
  int i = i0 + ty, j = j0 + tx;
  if (i >= n || j >= n || j > i) return;
  T s = T(0);
  for (int p = 0; p < bs; ++p) s += ra[ty][p] * ca[tx][p];
  A[(size_t)i * n + j] -= s;
}

}  // namespace

template <typename T>
void cholesky_cuda(T* A, int* info, int n, cudaStream_t stream) {
  for (int k = 0; k < n; k += NB) {
    int bs = std::min(NB, n - k);
    potrf_diag_kernel1<T><<<1, NB, 0, stream>>>(A, n, k, bs, info);
    GP_LAUNCHED();
    int rest = n - k - bs;
    if (rest <= 0) break;
    potrf_panel_kernel1<T><<<blocks_for(rest, 128), 128, 0, stream>>>(A, n, k, bs);
    GP_LAUNCHED();
    dim3 tiles(blocks_for(rest, TILE), blocks_for(rest, TILE));
    potrf_update_kernel1<T><<<tiles, dim3(TILE, TILE), 0, stream>>>(A, n, k, bs);
    GP_LAUNCHED();
  }
}

// The two matrix precisions.
template void cholesky_cuda<double>(double* A, int* info, int n, cudaStream_t stream);
template void cholesky_cuda<float>(float* A, int* info, int n, cudaStream_t stream);

}  // namespace hpo::gp
