// The posterior and the acquisition on CUDA (the CPU twins: CpuEngine::predict and
// CpuEngine::acquisition): one thread per candidate, over the columns of the cross matrix Kc (n, m)
// and its solves. Acquisition math comes from gp_math.h, the functions the CPU path runs.
#include <cuda_runtime.h>

#include <algorithm>

#include "gp/gp_device.cuh"
#include "gp/gp_math.h"

namespace hpo::gp {
namespace {

// mean[c] = base + sum_i Kc[i][c] alpha[i]. One thread per candidate.
template <typename T>
__global__ void posterior_mean_kernel1(double* mean, const T* Kc, const double* alpha, double base, int n, int m) {
  int c = blockIdx.x * blockDim.x + threadIdx.x;
  if (c >= m) return;
  double mu = base;
  for (int i = 0; i < n; ++i) mu += static_cast<double>(Kc[(size_t)i * m + c]) * alpha[i];
  mean[c] = mu;
}

// variance[c] = max(0, outputscale - sum_i V[i][c]^2) with V = L^-1 Kc.
template <typename T>
__global__ void posterior_variance_kernel1(double* variance, const T* V, double outputscale, int n, int m) {
  int c = blockIdx.x * blockDim.x + threadIdx.x;
  if (c >= m) return;
  double vv = 0.0;
  for (int i = 0; i < n; ++i) {
    double v = static_cast<double>(V[(size_t)i * m + c]);
    vv += v * v;
  }
  double var = outputscale - vv;
  variance[c] = var > 0.0 ? var : 0.0;
}

// Acquisition values and, when grad != nullptr, gradients (m, d). Wm = K^-1 Kc (n, m).
template <typename T>
__global__ void acquisition_kernel1(double* value, double* grad, const double* mean, const double* variance,
                                    const T* Wm, const double* alpha, const double* X, const double* Xc,
                                    const double* inv_ls2, double outputscale, int kind, int acq_kind, double best,
                                    double beta, int n, int m, int d) {
  int c = blockIdx.x * blockDim.x + threadIdx.x;
  if (c >= m) return;
  double var = variance[c];
  bool floored = var < kVarianceFloor;
  double sigma = sqrt(floored ? kVarianceFloor : var);
  AcqValue a = acquisition_value(acq_kind, mean[c], sigma, best, beta);
  value[c] = a.value;
  if (!grad) return;
  double dsig = floored ? 0.0 : a.d_sigma / sigma;
  const double* x = Xc + (size_t)c * d;
  double* gx = grad + (size_t)c * d;
  for (int k = 0; k < d; ++k) gx[k] = 0.0;
  for (int i = 0; i < n; ++i) {
    const double* xi = X + (size_t)i * d;
    double ci = a.d_mu * alpha[i] - dsig * static_cast<double>(Wm[(size_t)i * m + c]);
    double s = scaled_sqdist(x, xi, inv_ls2, d);
    double coef = -ci * outputscale * kernel_grad_factor(kind, s);
    for (int k = 0; k < d; ++k) gx[k] += coef * (x[k] - xi[k]) * inv_ls2[k];
  }
}

}  // namespace

template <typename T>
void posterior_mean_cuda(double* mean, const T* Kc, const double* alpha, double base, int n, int m,
                         cudaStream_t stream) {
  posterior_mean_kernel1<T><<<blocks_for(m, 128), 128, 0, stream>>>(mean, Kc, alpha, base, n, m);
  GP_LAUNCHED();
}

template <typename T>
void posterior_variance_cuda(double* variance, const T* V, double outputscale, int n, int m, cudaStream_t stream) {
  posterior_variance_kernel1<T><<<blocks_for(m, 128), 128, 0, stream>>>(variance, V, outputscale, n, m);
  GP_LAUNCHED();
}

template <typename T>
void acquisition_cuda(double* value, double* grad, const double* mean, const double* variance, const T* Wm,
                      const double* alpha, const double* X, const double* Xc, const double* inv_ls2, double outputscale,
                      int kind, int acq_kind, double best, double beta, int n, int m, int d, cudaStream_t stream) {
  acquisition_kernel1<T><<<blocks_for(m, 128), 128, 0, stream>>>(value, grad, mean, variance, Wm, alpha, X, Xc, inv_ls2,
                                                                 outputscale, kind, acq_kind, best, beta, n, m, d);
  GP_LAUNCHED();
}

// The two matrix precisions.
template void posterior_mean_cuda<double>(double* mean, const double* Kc, const double* alpha, double base, int n,
                                          int m, cudaStream_t stream);
template void posterior_variance_cuda<double>(double* variance, const double* V, double outputscale, int n, int m,
                                              cudaStream_t stream);
template void acquisition_cuda<double>(double* value, double* grad, const double* mean, const double* variance,
                                       const double* Wm, const double* alpha, const double* X, const double* Xc,
                                       const double* inv_ls2, double outputscale, int kind, int acq_kind, double best,
                                       double beta, int n, int m, int d, cudaStream_t stream);
template void posterior_mean_cuda<float>(double* mean, const float* Kc, const double* alpha, double base, int n, int m,
                                         cudaStream_t stream);
template void posterior_variance_cuda<float>(double* variance, const float* V, double outputscale, int n, int m,
                                             cudaStream_t stream);
template void acquisition_cuda<float>(double* value, double* grad, const double* mean, const double* variance,
                                      const float* Wm, const double* alpha, const double* X, const double* Xc,
                                      const double* inv_ls2, double outputscale, int kind, int acq_kind, double best,
                                      double beta, int n, int m, int d, cudaStream_t stream);

}  // namespace hpo::gp
