// The gradient reduction of the log marginal likelihood on CUDA (the CPU twin: the gradient loop of
// CpuEngine::lml): one block per row i of W = alpha alpha' - K^-1, reducing W against dK/dtheta
// for GRAD_CHUNK lengthscales per pass (plus the output scale and noise terms on the first pass).
#include <cuda_runtime.h>

#include <algorithm>

#include "gp/gp_device.cuh"
#include "gp/gp_math.h"

namespace hpo::gp {
namespace {

// One block per row i of W = alpha alpha' - Kinv. rows (n, d + 2):
//   rows[i][k] = sum_j W_ij G_ij delta_ijk^2   for k in [dim_start, dim_start + dim_count)
//   rows[i][d] = sum_j W_ij Kf_ij,  rows[i][d+1] = W_ii     (written when dim_start == 0)
template <typename T>
__global__ void grad_rows_kernel1(double* rows, const T* Kinv, const double* alpha, const double* X,
                                  const double* inv_ls2, double outputscale, int kind, int n, int d, int dim_start,
                                  int dim_count) {
  __shared__ double red[GRAD_THREADS];
  int i = blockIdx.x;
  int t = threadIdx.x;
  double acc[GRAD_CHUNK];
  for (int q = 0; q < GRAD_CHUNK; ++q) acc[q] = 0.0;
  double acc_scale = 0.0, acc_diag = 0.0;
  const double* xi = X + (size_t)i * d;
  for (int j = t; j < n; j += GRAD_THREADS) {
    const double* xj = X + (size_t)j * d;
    double w = alpha[i] * alpha[j] - static_cast<double>(Kinv[(size_t)i * n + j]);
    double s = scaled_sqdist(xi, xj, inv_ls2, d);
    double wg = w * outputscale * kernel_grad_factor(kind, s);
    for (int q = 0; q < dim_count; ++q) {
      double delta = xi[dim_start + q] - xj[dim_start + q];
      acc[q] += wg * delta * delta;
    }
    acc_scale += w * outputscale * kernel_value(kind, s);
    if (j == i) acc_diag += w;
  }
  int outputs = dim_count + (dim_start == 0 ? 2 : 0);
  for (int q = 0; q < outputs; ++q) {
    red[t] = q < dim_count ? acc[q] : (q == dim_count ? acc_scale : acc_diag);
    __syncthreads();
    for (int stride = GRAD_THREADS / 2; stride > 0; stride >>= 1) {
      if (t < stride) red[t] += red[t + stride];
      __syncthreads();
    }
    if (t == 0) {
      int col = q < dim_count ? dim_start + q : (q == dim_count ? d : d + 1);
      rows[(size_t)i * (d + 2) + col] = red[0];
    }
    __syncthreads();
  }
}

}  // namespace

template <typename T>
void grad_rows_cuda(double* rows, const T* Kinv, const double* alpha, const double* X, const double* inv_ls2,
                    double outputscale, int kind, int n, int d, cudaStream_t stream) {
  for (int start = 0; start < d; start += GRAD_CHUNK) {
    int count = std::min(GRAD_CHUNK, d - start);
    grad_rows_kernel1<T>
        <<<n, GRAD_THREADS, 0, stream>>>(rows, Kinv, alpha, X, inv_ls2, outputscale, kind, n, d, start, count);
    GP_LAUNCHED();
  }
}

// The two matrix precisions.
template void grad_rows_cuda<double>(double* rows, const double* Kinv, const double* alpha, const double* X,
                                     const double* inv_ls2, double outputscale, int kind, int n, int d,
                                     cudaStream_t stream);
template void grad_rows_cuda<float>(double* rows, const float* Kinv, const double* alpha, const double* X,
                                    const double* inv_ls2, double outputscale, int kind, int n, int d,
                                    cudaStream_t stream);

}  // namespace hpo::gp
