// Shared by the GP's CUDA stems (kernel_matrix.cu, cholesky.cu, triangular.cu, gradient.cu,
// posterior.cu, elementwise.cu) and the engine that drives them (engine.cu): block sizes, the error
// checks and the launchers' declarations. Shapes: X (n, d) row-major
// fp64; square matrices (n, n) row-major in the matrix precision T (double, or float with fp32);
// candidate blocks (n, m) row-major, one column per candidate. Every launcher queues its kernels on
// `stream` and checks the launches; failures are thrown as StatusError (see gp.h for why the GP
// reports by exception internally), with the code CudaStatus gives them.
#pragma once
#include <cuda_runtime.h>

#include <string>

#include "common/cuda_check.cuh"
#include "common/status.h"

namespace hpo::gp {

constexpr int NB = 32;    // Cholesky / triangular-solve block
constexpr int TILE = 16;  // tiles of the trailing update and of Z'Z
constexpr int GRAD_THREADS = 128;
constexpr int GRAD_CHUNK = 16;  // lengthscale gradients reduced per pass of grad_rows_kernel1

inline void check_cuda(cudaError_t error, const char* what, const char* file, int line) {
  if (error != cudaSuccess) throw StatusError(CudaStatus(error, what, file, line));
}
#define GP_CUDA(expr) ::hpo::gp::check_cuda((expr), #expr, __FILE__, __LINE__)
#define GP_LAUNCHED() ::hpo::gp::check_cuda(cudaGetLastError(), "kernel launch", __FILE__, __LINE__)

inline void check_vendor(int status, const char* what, const char* file, int line) {
  if (status != 0) {
    throw StatusError(StatusCode::kCudaError, std::string("cuSOLVER/cuBLAS call ") + what + " failed at " + file + ":" +
                                                  std::to_string(line) + ": status " + std::to_string(status));
  }
}
#define GP_VENDOR(expr) ::hpo::gp::check_vendor((expr), #expr, __FILE__, __LINE__)

inline unsigned blocks_for(long long count, int per_block) {
  return static_cast<unsigned>((count + per_block - 1) / per_block);
}

// ---- launchers (instantiated for T = double and T = float) ----------------------------------------

// kernel_matrix.cu. K (n, n) = outputscale * m(s_ij) + diag_add on the diagonal.
template <typename T>
void kernel_matrix_cuda(T* K, const double* X, const double* inv_ls2, double outputscale, double diag_add, int kind,
                        int n, int d, cudaStream_t stream);
// kernel_matrix.cu. Kc (n, m) = outputscale * m(s(X_i, Xc_c)); Xc (m, d).
template <typename T>
void cross_kernel_cuda(T* Kc, const double* X, const double* Xc, const double* inv_ls2, double outputscale, int kind,
                       int n, int m, int d, cudaStream_t stream);

// cholesky.cu. Blocked right-looking Cholesky of A (n, n) in place (lower result, upper zeroed in the
// diagonal blocks). *info (device) must hold INT_MAX before; it receives the first failing pivot.
template <typename T>
void cholesky_cuda(T* A, int* info, int n, cudaStream_t stream);

// triangular.cu. Solves L X = B (transposed = false) or L' X = B in place; L (n, n) lower, B (n, m).
template <typename T>
void solve_cuda(const T* L, T* B, int n, int m, bool transposed, cudaStream_t stream);
// triangular.cu. K^-1 = Z'Z with Z = L^-1, written over A (holding L); Z (n, n) is scratch.
template <typename T>
void inverse_cuda(T* A, T* Z, int n, cudaStream_t stream);

// elementwise.cu. Small maps: copy the lower triangle onto the upper one; the diagonal as fp64;
// conversions between fp64 and the matrix precision.
template <typename T>
void symmetrize_lower_cuda(T* A, int n, cudaStream_t stream);
template <typename T>
void diagonal_cuda(double* out, const T* A, int n, cudaStream_t stream);
template <typename T>
void to_matrix_type_cuda(T* out, const double* in, int count, cudaStream_t stream);
template <typename T>
void to_double_cuda(double* out, const T* in, int count, cudaStream_t stream);

// gradient.cu. rows (n, d + 2): per-row reductions of W = alpha alpha' - Kinv against dK/dtheta,
//   rows[i][k] = sum_j W_ij G_ij delta_ijk^2 (k < d), rows[i][d] = sum_j W_ij Kf_ij, rows[i][d+1] = W_ii.
template <typename T>
void grad_rows_cuda(double* rows, const T* Kinv, const double* alpha, const double* X, const double* inv_ls2,
                    double outputscale, int kind, int n, int d, cudaStream_t stream);

// posterior.cu. mean (m) = base + Kc' alpha; variance (m) = max(0, outputscale - colsum(V^2)), V = L^-1 Kc.
template <typename T>
void posterior_mean_cuda(double* mean, const T* Kc, const double* alpha, double base, int n, int m,
                         cudaStream_t stream);
template <typename T>
void posterior_variance_cuda(double* variance, const T* V, double outputscale, int n, int m, cudaStream_t stream);
// posterior.cu. Acquisition values (m) and, when grad != nullptr, gradients (m, d); Wm = K^-1 Kc (n, m).
template <typename T>
void acquisition_cuda(double* value, double* grad, const double* mean, const double* variance, const T* Wm,
                      const double* alpha, const double* X, const double* Xc, const double* inv_ls2, double outputscale,
                      int kind, int acq_kind, double best, double beta, int n, int m, int d, cudaStream_t stream);

}  // namespace hpo::gp
