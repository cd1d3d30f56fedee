// Triangular solves on CUDA with hpo's own kernels (the CPU twins: solve_lower_cpu,
// solve_lower_transposed_cpu, inverse_from_cholesky_cpu): blocked multi-right-hand-side solves
// L X = B and L' X = B (diagonal block one thread per column, then a tiled update of the rows
// below or above), and K^-1 = Z'Z with Z = L^-1 from a solve against the identity, Z'Z by a tiled
// product that skips Z's zero upper triangle. The vendor path (cublas?trsm, ?potri) is in engine.cu.
#include <cuda_runtime.h>

#include <algorithm>

#include "gp/gp_device.cuh"
#include "gp/gp_math.h"

namespace hpo::gp {
namespace {

// L X = B, diagonal block rows k..k+bs; one thread per column c of B (n, m).
template <typename T>
__global__ void trsm_lower_diag_kernel1(const T* L, T* B, int n, int m, int k, int bs) {
  __shared__ T l[NB][NB + 1];
  for (int idx = threadIdx.x; idx < bs * bs; idx += blockDim.x)
    l[idx / bs][idx % bs] = L[(size_t)(k + idx / bs) * n + k + idx % bs];
  __syncthreads();
  int c = blockIdx.x * blockDim.x + threadIdx.x;
  if (c >= m) return;
  for (int r = 0; r < bs; ++r) {
    T v = B[(size_t)(k + r) * m + c];
    for (int p = 0; p < r; ++p) v -= l[r][p] * B[(size_t)(k + p) * m + c];
    B[(size_t)(k + r) * m + c] = v / l[r][r];
  }
}

// L X = B update: rows i >= k + bs: B[i][c] -= sum_p L[i][k+p] B[k+p][c]. Block (32, 8).
template <typename T>
__global__ void trsm_lower_update_kernel1(const T* L, T* B, int n, int m, int k, int bs) {
  __shared__ T b[NB][32];
  int tx = threadIdx.x, ty = threadIdx.y;
  int c = blockIdx.x * 32 + tx;
  for (int p = ty; p < bs; p += blockDim.y) b[p][tx] = c < m ? B[(size_t)(k + p) * m + c] : T(0);
  __syncthreads();
  int i = k + bs + blockIdx.y * blockDim.y + ty;
  if (i >= n || c >= m) return;
  const T* row = L + (size_t)i * n + k;
  T s = T(0);
  for (int p = 0; p < bs; ++p) s += row[p] * b[p][tx];
  B[(size_t)i * m + c] -= s;
}

// L' X = B, diagonal block rows k..k+bs, backwards; one thread per column.
template <typename T>
__global__ void trsm_upper_diag_kernel1(const T* L, T* B, int n, int m, int k, int bs) {
  __shared__ T l[NB][NB + 1];
  for (int idx = threadIdx.x; idx < bs * bs; idx += blockDim.x)
    l[idx / bs][idx % bs] = L[(size_t)(k + idx / bs) * n + k + idx % bs];
  __syncthreads();
  int c = blockIdx.x * blockDim.x + threadIdx.x;
  if (c >= m) return;
  for (int r = bs - 1; r >= 0; --r) {
    T v = B[(size_t)(k + r) * m + c];
    for (int p = r + 1; p < bs; ++p) v -= l[p][r] * B[(size_t)(k + p) * m + c];
    B[(size_t)(k + r) * m + c] = v / l[r][r];
  }
}

// L' X = B update: rows i < k: B[i][c] -= sum_p L[k+p][i] B[k+p][c]. Block (32, 8).
template <typename T>
__global__ void trsm_upper_update_kernel1(const T* L, T* B, int n, int m, int k, int bs) {
  __shared__ T b[NB][32];
  int tx = threadIdx.x, ty = threadIdx.y;
  int c = blockIdx.x * 32 + tx;
  for (int p = ty; p < bs; p += blockDim.y) b[p][tx] = c < m ? B[(size_t)(k + p) * m + c] : T(0);
  __syncthreads();
  int i = blockIdx.y * blockDim.y + ty;
  if (i >= k || c >= m) return;
  T s = T(0);
  for (int p = 0; p < bs; ++p) s += L[(size_t)(k + p) * n + i] * b[p][tx];
  B[(size_t)i * m + c] -= s;
}

template <typename T>
__global__ void identity_kernel1(T* Z, int n) {
  int j = blockIdx.x * blockDim.x + threadIdx.x;
  int i = blockIdx.y * blockDim.y + threadIdx.y;
  if (i < n && j < n) Z[(size_t)i * n + j] = i == j ? T(1) : T(0);
}

// C (n, n) = Z' Z for lower-triangular Z (rows k < max(a, b) contribute nothing). Thread (a, b).
template <typename T>
__global__ void gram_kernel1(T* C, const T* Z, int n) {
  __shared__ T za[TILE][TILE + 1];
  __shared__ T zb[TILE][TILE + 1];
  int tx = threadIdx.x, ty = threadIdx.y;
  int a0 = blockIdx.y * TILE, b0 = blockIdx.x * TILE;
  int a = a0 + ty, b = b0 + tx;
  T acc = T(0);
  for (int k0 = max(a0, b0); k0 < n; k0 += TILE) {
    int k = k0 + ty;
    za[ty][tx] = (k < n && a0 + tx < n) ? Z[(size_t)k * n + a0 + tx] : T(0);
    zb[ty][tx] = (k < n && b < n) ? Z[(size_t)k * n + b] : T(0);
    __syncthreads();
    for (int kk = 0; kk < TILE; ++kk) acc += za[kk][ty] * zb[kk][tx];
    __syncthreads();
  }
  if (a < n && b < n) C[(size_t)a * n + b] = acc;
}

}  // namespace

template <typename T>
void solve_cuda(const T* L, T* B, int n, int m, bool transposed, cudaStream_t stream) {
  if (!transposed) {
    for (int k = 0; k < n; k += NB) {
      int bs = std::min(NB, n - k);
      trsm_lower_diag_kernel1<T><<<blocks_for(m, 128), 128, 0, stream>>>(L, B, n, m, k, bs);
      GP_LAUNCHED();
      int rest = n - k - bs;
      if (rest <= 0) break;
      dim3 grid(blocks_for(m, 32), blocks_for(rest, 8));
      trsm_lower_update_kernel1<T><<<grid, dim3(32, 8), 0, stream>>>(L, B, n, m, k, bs);
      GP_LAUNCHED();
    }
  } else {
    int last = ((n - 1) / NB) * NB;
    for (int k = last; k >= 0; k -= NB) {
      int bs = std::min(NB, n - k);
      trsm_upper_diag_kernel1<T><<<blocks_for(m, 128), 128, 0, stream>>>(L, B, n, m, k, bs);
      GP_LAUNCHED();
      if (k == 0) break;
      dim3 grid(blocks_for(m, 32), blocks_for(k, 8));
      trsm_upper_update_kernel1<T><<<grid, dim3(32, 8), 0, stream>>>(L, B, n, m, k, bs);
      GP_LAUNCHED();
    }
  }
}

template <typename T>
void inverse_cuda(T* A, T* Z, int n, cudaStream_t stream) {
  dim3 block(16, 16), grid(blocks_for(n, 16), blocks_for(n, 16));
  identity_kernel1<T><<<grid, block, 0, stream>>>(Z, n);
  GP_LAUNCHED();
  solve_cuda<T>(A, Z, n, n, false, stream);
  gram_kernel1<T><<<grid, block, 0, stream>>>(A, Z, n);
  GP_LAUNCHED();
}

// The two matrix precisions.
template void solve_cuda<double>(const double* L, double* B, int n, int m, bool transposed, cudaStream_t stream);
template void inverse_cuda<double>(double* A, double* Z, int n, cudaStream_t stream);
template void solve_cuda<float>(const float* L, float* B, int n, int m, bool transposed, cudaStream_t stream);
template void inverse_cuda<float>(float* A, float* Z, int n, cudaStream_t stream);

}  // namespace hpo::gp
