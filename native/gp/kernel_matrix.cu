// Kernel matrices of the GP on CUDA (the CPU twin: kernel_matrix_cpu in gp_cpu.cpp): the training
// matrix K (n, n) and the cross matrix Kc (n, m) against candidates. Kernel values come from
// gp_math.h, the functions the CPU path runs.
#include <cuda_runtime.h>

#include <algorithm>

#include "gp/gp_device.cuh"
#include "gp/gp_math.h"

namespace hpo::gp {
namespace {

// K (n, n) = outputscale * m(s_ij) + diag_add on the diagonal. Thread (i, j).
template <typename T>
__global__ void kernel_matrix_kernel1(T* K, const double* X, const double* inv_ls2, double outputscale, double diag_add,
                                      int kind, int n, int d) {
  int j = blockIdx.x * blockDim.x + threadIdx.x;
  int i = blockIdx.y * blockDim.y + threadIdx.y;
  if (i >= n || j >= n) return;
  double s = scaled_sqdist(X + (size_t)i * d, X + (size_t)j * d, inv_ls2, d);
  double v = outputscale * kernel_value(kind, s);
  if (i == j) v += diag_add;
  K[(size_t)i * n + j] = static_cast<T>(v);
}

// Kc (n, m) = outputscale * m(s(X_i, Xc_c)). Thread (i, c).
template <typename T>
__global__ void cross_kernel_kernel1(T* Kc, const double* X, const double* Xc, const double* inv_ls2,
                                     double outputscale, int kind, int n, int m, int d) {
  int c = blockIdx.x * blockDim.x + threadIdx.x;
  int i = blockIdx.y * blockDim.y + threadIdx.y;
  if (i >= n || c >= m) return;
  double s = scaled_sqdist(X + (size_t)i * d, Xc + (size_t)c * d, inv_ls2, d);
  Kc[(size_t)i * m + c] = static_cast<T>(outputscale * kernel_value(kind, s));
}

}  // namespace

template <typename T>
void kernel_matrix_cuda(T* K, const double* X, const double* inv_ls2, double outputscale, double diag_add, int kind,
                        int n, int d, cudaStream_t stream) {
  dim3 block(16, 16), grid(blocks_for(n, 16), blocks_for(n, 16));
  kernel_matrix_kernel1<T><<<grid, block, 0, stream>>>(K, X, inv_ls2, outputscale, diag_add, kind, n, d);
  GP_LAUNCHED();
}

template <typename T>
void cross_kernel_cuda(T* Kc, const double* X, const double* Xc, const double* inv_ls2, double outputscale, int kind,
                       int n, int m, int d, cudaStream_t stream) {
  dim3 block(32, 8), grid(blocks_for(m, 32), blocks_for(n, 8));
  cross_kernel_kernel1<T><<<grid, block, 0, stream>>>(Kc, X, Xc, inv_ls2, outputscale, kind, n, m, d);
  GP_LAUNCHED();
}

// The two matrix precisions.
template void kernel_matrix_cuda<double>(double* K, const double* X, const double* inv_ls2, double outputscale,
                                         double diag_add, int kind, int n, int d, cudaStream_t stream);
template void cross_kernel_cuda<double>(double* Kc, const double* X, const double* Xc, const double* inv_ls2,
                                        double outputscale, int kind, int n, int m, int d, cudaStream_t stream);
template void kernel_matrix_cuda<float>(float* K, const double* X, const double* inv_ls2, double outputscale,
                                        double diag_add, int kind, int n, int d, cudaStream_t stream);
template void cross_kernel_cuda<float>(float* Kc, const double* X, const double* Xc, const double* inv_ls2,
                                       double outputscale, int kind, int n, int m, int d, cudaStream_t stream);

}  // namespace hpo::gp
