// The CUDA path of the GP engine (see gp_cpu.cpp for the reference it mirrors). Shapes: X (n, d)
// row-major fp64; the kernel matrix, its factor L (lower, row-major) and inverse are (n, n) in the
// matrix precision T (double, or float with precision = fp32); candidate blocks Kc are (n, c)
// row-major, one column per candidate, so consecutive threads read consecutive candidates.
//
// Linear algebra (on the call's lane: its own stream, synchronized at the end of every engine call):
//   own:    blocked right-looking Cholesky (NB = 32: diagonal block in shared memory, panel
//           triangular solve one thread per row, tiled rank-NB update of the lower trailing matrix),
//           blocked multi-right-hand-side triangular solves L X = B and L' X = B, and the inverse
//           K^-1 = Z'Z with Z = L^-1 (Z from a solve against the identity, Z'Z by a tiled product
//           that skips Z's zero upper triangle).
//   vendor: cusolverDn?potrf / ?potri and cublas?trsm, loaded with dlopen (cuda_vendor.h). They are
//           column-major: a row-major lower L is their column-major upper factor U = L'.
// Kernel values and acquisition math come from gp_math.h, the same functions the CPU runs.
#include <cuda_runtime.h>

#include <algorithm>
#include <atomic>
#include <climits>
#include <cmath>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "gp/cuda_vendor.h"
#include "gp/gp.h"
#include "gp/gp_cuda.h"
#include "gp/gp_math.h"

namespace hpo::gp {
namespace {

std::atomic<size_t> g_device_bytes{0};  // see device_bytes_held()

constexpr int NB = 32;    // Cholesky / triangular-solve block
constexpr int TILE = 16;  // tiles of the trailing update and of Z'Z

void check_cuda(cudaError_t status, const char* what, int line) {
  if (status != cudaSuccess)
    throw GpError(std::string("CUDA error at native/gp/gp.cu:") + std::to_string(line) + " (" + what +
                  "): " + cudaGetErrorString(status));
}
#define GP_CUDA(expr) check_cuda((expr), #expr, __LINE__)
#define GP_LAUNCHED() check_cuda(cudaGetLastError(), "kernel launch", __LINE__)

void check_vendor(int status, const char* what, int line) {
  if (status != 0)
    throw GpError(std::string("cuSOLVER/cuBLAS error at native/gp/gp.cu:") + std::to_string(line) + " (" + what +
                  "): status " + std::to_string(status));
}
#define GP_VENDOR(expr) check_vendor((expr), #expr, __LINE__)

inline unsigned blocks_for(long long count, int per_block) {
  return static_cast<unsigned>((count + per_block - 1) / per_block);
}

// A device allocation owned by RAII; grows on demand and never shrinks.
template <typename T>
class DeviceBuffer {
 public:
  DeviceBuffer() = default;
  ~DeviceBuffer() { release(); }
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;
  void reserve(size_t count) {
    if (count <= capacity_) return;
    release();
    GP_CUDA(cudaMalloc(reinterpret_cast<void**>(&ptr_), std::max<size_t>(count, 1) * sizeof(T)));
    capacity_ = count;
    g_device_bytes += std::max<size_t>(count, 1) * sizeof(T);
  }
  T* get() const { return ptr_; }
  void swap(DeviceBuffer& other) {
    std::swap(ptr_, other.ptr_);
    std::swap(capacity_, other.capacity_);
  }

 private:
  void release() {
    if (!ptr_) return;
    cudaFree(ptr_);
    g_device_bytes -= std::max<size_t>(capacity_, 1) * sizeof(T);
    ptr_ = nullptr;
    capacity_ = 0;
  }

  T* ptr_ = nullptr;
  size_t capacity_ = 0;
};

// ---- kernels -------------------------------------------------------------------------------------

__device__ __forceinline__ double scaled_sqdist(const double* a, const double* b, const double* inv_ls2, int d) {
  double s = 0.0;
  for (int k = 0; k < d; ++k) {
    double delta = a[k] - b[k];
    s += delta * delta * inv_ls2[k];
  }
  return s;
}

// K (n, n) = outputscale * m(s_ij) + diag_add on the diagonal. Thread (i, j).
template <typename T>
__global__ void kernel_matrix_kernel1(T* K, const double* X, const double* inv_ls2, double outputscale,
                                      double diag_add, int kind, int n, int d) {
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
  for (int idx = threadIdx.x; idx < bs * bs; idx += blockDim.x) l[idx / bs][idx % bs] = A[(size_t)(k + idx / bs) * n + k + idx % bs];
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

// L X = B, diagonal block rows k..k+bs; one thread per column c of B (n, m).
template <typename T>
__global__ void trsm_lower_diag_kernel1(const T* L, T* B, int n, int m, int k, int bs) {
  __shared__ T l[NB][NB + 1];
  for (int idx = threadIdx.x; idx < bs * bs; idx += blockDim.x) l[idx / bs][idx % bs] = L[(size_t)(k + idx / bs) * n + k + idx % bs];
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
  for (int idx = threadIdx.x; idx < bs * bs; idx += blockDim.x) l[idx / bs][idx % bs] = L[(size_t)(k + idx / bs) * n + k + idx % bs];
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

// Row-major lower triangle copied onto the upper one (after potri, which fills one triangle).
template <typename T>
__global__ void symmetrize_lower_kernel1(T* A, int n) {
  int j = blockIdx.x * blockDim.x + threadIdx.x;
  int i = blockIdx.y * blockDim.y + threadIdx.y;
  if (i < n && j < n && j > i) A[(size_t)i * n + j] = A[(size_t)j * n + i];
}

template <typename T>
__global__ void diagonal_kernel1(double* out, const T* A, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) out[i] = static_cast<double>(A[(size_t)i * n + i]);
}

template <typename T>
__global__ void to_matrix_type_kernel1(T* out, const double* in, int count) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < count) out[i] = static_cast<T>(in[i]);
}

template <typename T>
__global__ void to_double_kernel1(double* out, const T* in, int count) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < count) out[i] = static_cast<double>(in[i]);
}

constexpr int GRAD_THREADS = 128;
constexpr int GRAD_CHUNK = 16;

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

// ---- the engine ----------------------------------------------------------------------------------

// One line of work on the device: a stream, vendor handles bound to it, and the scratch buffers of
// one call. Calls on different lanes overlap on the GPU (at n = 1,000 one likelihood evaluation is
// a few hundred small kernels and leaves most of the device idle), and they share nothing but the
// engine's read-only training data and factor.
template <typename T>
struct Lane {
  explicit Lane(bool use_vendor) {
    GP_CUDA(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking));
    try {
      info.reserve(1);
      if (!use_vendor) return;
      const vendor::Library& lib = vendor::library();
      GP_VENDOR(lib.solver_create(&solver));
      GP_VENDOR(lib.blas_create(&blas));
      GP_VENDOR(lib.solver_set_stream(solver, stream));
      GP_VENDOR(lib.blas_set_stream(blas, stream));
    } catch (...) {
      release_handles();  // a throwing constructor runs no destructor
      throw;
    }
  }
  ~Lane() { release_handles(); }
  Lane(const Lane&) = delete;
  Lane& operator=(const Lane&) = delete;

  void release_handles() {
    const vendor::Library& lib = vendor::library();
    if (solver) lib.solver_destroy(solver);
    if (blas) lib.blas_destroy(blas);
    if (stream) cudaStreamDestroy(stream);
    solver = blas = nullptr;
    stream = nullptr;
  }

  cudaStream_t stream = nullptr;
  vendor::Handle solver = nullptr;
  vendor::Handle blas = nullptr;
  DeviceBuffer<int> info;
  DeviceBuffer<T> A, Z, Kc, vec, work;
  DeviceBuffer<double> inv_ls2, alpha, rows, vec_d, Xc, mean, var, value, grad;
};

// At most this many lanes per engine (the fit's default is 4 restarts).
constexpr int kMaxLanes = 4;

template <typename T>
class CudaEngine : public Engine {
 public:
  CudaEngine(const double* X, const double* y, int n_points, int dim, int kernel_kind)
      : Engine(n_points, dim, kernel_kind, std::vector<double>(y, y + n_points)) {
    int count = 0;
    GP_CUDA(cudaGetDeviceCount(&count));
    if (count == 0) throw GpError("no CUDA device is available");
    GP_CUDA(cudaSetDevice(0));
    const char* choice = std::getenv("HPO_GP_LINALG");
    std::string want = choice ? choice : "auto";
    if (want != "own") {
      const vendor::Library& lib = vendor::library();
      if (lib.loaded) use_vendor_ = true;
      else if (want == "vendor") throw GpError("HPO_GP_LINALG=vendor but " + lib.reason);
    }
    max_lanes_ = lanes_that_fit();
    LaneLease lease(*this);  // the first lane, and the training data
    X_.reserve((size_t)n * d);
    GP_CUDA(cudaMemcpyAsync(X_.get(), X, sizeof(double) * n * d, cudaMemcpyHostToDevice, lease.lane.stream));
    inv_ls2_.reserve(d);
    alpha_.reserve(n);
    sync(lease.lane);
  }

  // Concurrent calls (the fit's restarts, the polish's starting points) each take a lane of their own.
  bool parallel_safe() const override { return true; }

  std::string describe() const override {
    return std::string("cuda ") + (sizeof(T) == 8 ? "fp64" : "fp32") + (use_vendor_ ? " cusolver" : " own-kernels");
  }

  LmlResult lml(const double* theta_in, double* grad) const override {
    LaneLease lease(*this);
    Lane<T>& lane = lease.lane;
    std::vector<double> theta_v(theta_in, theta_in + d + 3);
    const double outputscale = std::exp(theta_v[d]);
    const double noise = std::exp(theta_v[d + 1]);
    upload_lengthscales(lane, theta_v, lane.inv_ls2);
    // 1-2. K_y with escalating jitter, factored in place.
    lane.A.reserve((size_t)n * n);
    double jitter = factor_with_jitter(lane, lane.A.get(), lane.inv_ls2.get(), outputscale, noise);
    // 3. v = L^-1 (y - m): the quadratic term; alpha = L^-T v.
    std::vector<double> resid(n);
    for (int i = 0; i < n; ++i) resid[i] = y[i] - theta_v[d + 2];
    std::vector<double> v = solve_vector(lane, lane.A.get(), resid, false);
    double quad = 0.0;
    for (double vi : v) quad += vi * vi;
    std::vector<double> alpha = solve_vector(lane, lane.A.get(), v, true);
    std::vector<double> diag = diagonal(lane, lane.A.get());
    double logdet_half = 0.0;
    for (double li : diag) logdet_half += std::log(li);
    double value = -0.5 * quad - logdet_half - 0.5 * n * std::log(2.0 * M_PI);
    if (!grad) return {value, jitter};

    // 4. K^-1, then per-row reductions of W = alpha alpha' - K^-1 against dK/dtheta.
    T* Kinv = inverse(lane, lane.A.get());
    lane.alpha.reserve(n);
    GP_CUDA(cudaMemcpyAsync(lane.alpha.get(), alpha.data(), sizeof(double) * n, cudaMemcpyHostToDevice, lane.stream));
    lane.rows.reserve((size_t)n * (d + 2));
    for (int start = 0; start < d; start += GRAD_CHUNK) {
      int count = std::min(GRAD_CHUNK, d - start);
      grad_rows_kernel1<T><<<n, GRAD_THREADS, 0, lane.stream>>>(lane.rows.get(), Kinv, lane.alpha.get(), X_.get(),
                                                                lane.inv_ls2.get(), outputscale, kernel, n, d, start,
                                                                count);
      GP_LAUNCHED();
    }
    std::vector<double> rows((size_t)n * (d + 2));
    GP_CUDA(cudaMemcpyAsync(rows.data(), lane.rows.get(), sizeof(double) * rows.size(), cudaMemcpyDeviceToHost,
                            lane.stream));
    sync(lane);
    std::vector<double> total(d + 2, 0.0);
    for (int i = 0; i < n; ++i)
      for (int k = 0; k < d + 2; ++k) total[k] += rows[(size_t)i * (d + 2) + k];
    for (int k = 0; k < d; ++k) grad[k] = 0.5 * total[k] * std::exp(-2.0 * theta_v[k]);
    grad[d] = 0.5 * total[d];
    grad[d + 1] = 0.5 * noise * total[d + 1];
    double mean_grad = 0.0;
    for (double a : alpha) mean_grad += a;
    grad[d + 2] = mean_grad;
    return {value, jitter};
  }

  double condition(const std::vector<double>& new_theta) override {
    LaneLease lease(*this);
    Lane<T>& lane = lease.lane;
    const double outputscale = std::exp(new_theta[d]);
    const double noise = std::exp(new_theta[d + 1]);
    DeviceBuffer<double> inv_ls2;
    upload_lengthscales(lane, new_theta, inv_ls2);
    DeviceBuffer<T> factor;
    factor.reserve((size_t)n * n);
    double new_jitter = factor_with_jitter(lane, factor.get(), inv_ls2.get(), outputscale, noise);
    std::vector<double> resid(n);
    for (int i = 0; i < n; ++i) resid[i] = y[i] - new_theta[d + 2];
    std::vector<double> alpha = solve_vector(lane, factor.get(), solve_vector(lane, factor.get(), resid, false), true);
    GP_CUDA(cudaMemcpyAsync(alpha_.get(), alpha.data(), sizeof(double) * n, cudaMemcpyHostToDevice, lane.stream));
    sync(lane);
    // Commit only after every step succeeded.
    L_.swap(factor);
    inv_ls2_.swap(inv_ls2);
    theta = new_theta;
    jitter = new_jitter;
    return jitter;
  }

  void predict(const double* Xc, int m, double* mean, double* variance) const override {
    LaneLease lease(*this);
    run_candidates(lease.lane, Xc, m, nullptr, mean, variance, nullptr, nullptr);
  }

  void acquisition(const double* Xc, int m, const AcqOptions& options, double* value, double* grad) const override {
    LaneLease lease(*this);
    run_candidates(lease.lane, Xc, m, &options, nullptr, nullptr, value, grad);
  }

 private:
  // A lane for the duration of one call: an idle one, a new one while fewer than max_lanes_ exist,
  // else the first one another call gives back.
  struct LaneLease {
    explicit LaneLease(const CudaEngine& owner) : engine(owner), lane(owner.acquire_lane()) {}
    ~LaneLease() { engine.release_lane(&lane); }
    LaneLease(const LaneLease&) = delete;
    LaneLease& operator=(const LaneLease&) = delete;
    const CudaEngine& engine;
    Lane<T>& lane;
  };

  Lane<T>& acquire_lane() const {
    std::unique_lock<std::mutex> lock(lanes_mutex_);
    lane_free_.wait(lock, [this] { return !idle_.empty() || static_cast<int>(lanes_.size()) < max_lanes_; });
    if (!idle_.empty()) {
      Lane<T>* lane = idle_.back();
      idle_.pop_back();
      return *lane;
    }
    lanes_.push_back(std::make_unique<Lane<T>>(use_vendor_));
    return *lanes_.back();
  }

  void release_lane(Lane<T>* lane) const {
    {
      std::lock_guard<std::mutex> lock(lanes_mutex_);
      idle_.push_back(lane);
    }
    lane_free_.notify_one();
  }

  // Lanes whose (n, n) scratch matrices take at most a quarter of the free device memory: one lane
  // always, more only where the memory allows (at n = 20,000 in fp64 a lane holds 6.4 GB).
  int lanes_that_fit() const {
    size_t free_bytes = 0, total_bytes = 0;
    if (cudaMemGetInfo(&free_bytes, &total_bytes) != cudaSuccess) return 1;
    const double lane_bytes = 2.0 * n * n * sizeof(T) + 1.0;
    const double fit = 0.25 * static_cast<double>(free_bytes) / lane_bytes;
    return fit < 1.0 ? 1 : (fit > kMaxLanes ? kMaxLanes : static_cast<int>(fit));
  }

  static void sync(const Lane<T>& lane) { GP_CUDA(cudaStreamSynchronize(lane.stream)); }

  void upload_lengthscales(Lane<T>& lane, const std::vector<double>& th, DeviceBuffer<double>& out) const {
    std::vector<double> inv(d);
    for (int k = 0; k < d; ++k) inv[k] = std::exp(-2.0 * th[k]);
    out.reserve(d);
    GP_CUDA(cudaMemcpyAsync(out.get(), inv.data(), sizeof(double) * d, cudaMemcpyHostToDevice, lane.stream));
    sync(lane);  // `inv` is a host temporary
  }

  // Builds K_y + jitter I in A and factors it; jitter escalates like the CPU path.
  double factor_with_jitter(Lane<T>& lane, T* A, const double* inv_ls2, double outputscale, double noise) const {
    const double scale = outputscale + noise;
    double jitter = 0.0;
    dim3 block(16, 16), grid(blocks_for(n, 16), blocks_for(n, 16));
    for (int attempt = 0;; ++attempt) {
      kernel_matrix_kernel1<T><<<grid, block, 0, lane.stream>>>(A, X_.get(), inv_ls2, outputscale, noise + jitter,
                                                                kernel, n, d);
      GP_LAUNCHED();
      int pivot = cholesky(lane, A);
      if (pivot < 0) return jitter;
      double next = attempt == 0 ? kFirstJitter * scale : jitter * 10.0;
      if (!(next <= kMaxJitter * scale * (1.0 + 1e-9)) || !std::isfinite(next))
        throw GpError("the kernel matrix is not positive definite, even with jitter " + std::to_string(jitter) +
                      " on its diagonal (pivot " + std::to_string(pivot) +
                      " failed); check the inputs for NaN or huge values, or use a larger noise");
      jitter = next;
    }
  }

  // In-place Cholesky of A (row-major lower result); returns -1 or the first failing pivot.
  int cholesky(Lane<T>& lane, T* A) const {
    if (use_vendor_) {
      const vendor::Library& lib = vendor::library();
      int lwork = 0;
      if constexpr (sizeof(T) == 8) GP_VENDOR(lib.dpotrf_buffer(lane.solver, vendor::kFillUpper, n, A, n, &lwork));
      else GP_VENDOR(lib.spotrf_buffer(lane.solver, vendor::kFillUpper, n, A, n, &lwork));
      lane.work.reserve(std::max(lwork, 1));
      if constexpr (sizeof(T) == 8)
        GP_VENDOR(lib.dpotrf(lane.solver, vendor::kFillUpper, n, A, n, lane.work.get(), lwork, lane.info.get()));
      else GP_VENDOR(lib.spotrf(lane.solver, vendor::kFillUpper, n, A, n, lane.work.get(), lwork, lane.info.get()));
      int info = 0;
      GP_CUDA(cudaMemcpyAsync(&info, lane.info.get(), sizeof(int), cudaMemcpyDeviceToHost, lane.stream));
      sync(lane);
      return info > 0 ? info - 1 : (info < 0 ? 0 : -1);
    }
    const int none = INT_MAX;
    GP_CUDA(cudaMemcpyAsync(lane.info.get(), &none, sizeof(int), cudaMemcpyHostToDevice, lane.stream));
    for (int k = 0; k < n; k += NB) {
      int bs = std::min(NB, n - k);
      potrf_diag_kernel1<T><<<1, NB, 0, lane.stream>>>(A, n, k, bs, lane.info.get());
      GP_LAUNCHED();
      int rest = n - k - bs;
      if (rest <= 0) break;
      potrf_panel_kernel1<T><<<blocks_for(rest, 128), 128, 0, lane.stream>>>(A, n, k, bs);
      GP_LAUNCHED();
      dim3 tiles(blocks_for(rest, TILE), blocks_for(rest, TILE));
      potrf_update_kernel1<T><<<tiles, dim3(TILE, TILE), 0, lane.stream>>>(A, n, k, bs);
      GP_LAUNCHED();
    }
    int info = 0;
    GP_CUDA(cudaMemcpyAsync(&info, lane.info.get(), sizeof(int), cudaMemcpyDeviceToHost, lane.stream));
    sync(lane);
    return info == none ? -1 : info;
  }

  // Solves L X = B (transposed = false) or L' X = B in place; B is (n, m) row-major.
  void solve(Lane<T>& lane, const T* L, T* B, int m, bool transposed) const {
    if (use_vendor_) {
      // Row-major B (n, m) is column-major B' (m, n); L X = B  <=>  X' U = B' with U = L' (col-major upper).
      const vendor::Library& lib = vendor::library();
      const T one = T(1);
      int trans = transposed ? vendor::kOpT : vendor::kOpN;
      if constexpr (sizeof(T) == 8)
        GP_VENDOR(lib.dtrsm(lane.blas, vendor::kSideRight, vendor::kFillUpper, trans, vendor::kDiagNonUnit, m, n, &one,
                            L, n, B, m));
      else
        GP_VENDOR(lib.strsm(lane.blas, vendor::kSideRight, vendor::kFillUpper, trans, vendor::kDiagNonUnit, m, n, &one,
                            L, n, B, m));
      return;
    }
    if (!transposed) {
      for (int k = 0; k < n; k += NB) {
        int bs = std::min(NB, n - k);
        trsm_lower_diag_kernel1<T><<<blocks_for(m, 128), 128, 0, lane.stream>>>(L, B, n, m, k, bs);
        GP_LAUNCHED();
        int rest = n - k - bs;
        if (rest <= 0) break;
        dim3 grid(blocks_for(m, 32), blocks_for(rest, 8));
        trsm_lower_update_kernel1<T><<<grid, dim3(32, 8), 0, lane.stream>>>(L, B, n, m, k, bs);
        GP_LAUNCHED();
      }
    } else {
      int last = ((n - 1) / NB) * NB;
      for (int k = last; k >= 0; k -= NB) {
        int bs = std::min(NB, n - k);
        trsm_upper_diag_kernel1<T><<<blocks_for(m, 128), 128, 0, lane.stream>>>(L, B, n, m, k, bs);
        GP_LAUNCHED();
        if (k == 0) break;
        dim3 grid(blocks_for(m, 32), blocks_for(k, 8));
        trsm_upper_update_kernel1<T><<<grid, dim3(32, 8), 0, lane.stream>>>(L, B, n, m, k, bs);
        GP_LAUNCHED();
      }
    }
  }

  std::vector<double> solve_vector(Lane<T>& lane, const T* L, const std::vector<double>& b, bool transposed) const {
    lane.vec_d.reserve(n);
    lane.vec.reserve(n);
    GP_CUDA(cudaMemcpyAsync(lane.vec_d.get(), b.data(), sizeof(double) * n, cudaMemcpyHostToDevice, lane.stream));
    to_matrix_type_kernel1<T><<<blocks_for(n, 256), 256, 0, lane.stream>>>(lane.vec.get(), lane.vec_d.get(), n);
    GP_LAUNCHED();
    solve(lane, L, lane.vec.get(), 1, transposed);
    to_double_kernel1<T><<<blocks_for(n, 256), 256, 0, lane.stream>>>(lane.vec_d.get(), lane.vec.get(), n);
    GP_LAUNCHED();
    std::vector<double> out(n);
    GP_CUDA(cudaMemcpyAsync(out.data(), lane.vec_d.get(), sizeof(double) * n, cudaMemcpyDeviceToHost, lane.stream));
    sync(lane);
    return out;
  }

  std::vector<double> diagonal(Lane<T>& lane, const T* A) const {
    lane.vec_d.reserve(n);
    diagonal_kernel1<T><<<blocks_for(n, 256), 256, 0, lane.stream>>>(lane.vec_d.get(), A, n);
    GP_LAUNCHED();
    std::vector<double> out(n);
    GP_CUDA(cudaMemcpyAsync(out.data(), lane.vec_d.get(), sizeof(double) * n, cudaMemcpyDeviceToHost, lane.stream));
    sync(lane);
    return out;
  }

  // K^-1 from the factor in A (A may be overwritten). Returns a full symmetric (n, n) matrix.
  T* inverse(Lane<T>& lane, T* A) const {
    dim3 block(16, 16), grid(blocks_for(n, 16), blocks_for(n, 16));
    if (use_vendor_) {
      const vendor::Library& lib = vendor::library();
      int lwork = 0;
      if constexpr (sizeof(T) == 8) GP_VENDOR(lib.dpotri_buffer(lane.solver, vendor::kFillUpper, n, A, n, &lwork));
      else GP_VENDOR(lib.spotri_buffer(lane.solver, vendor::kFillUpper, n, A, n, &lwork));
      lane.work.reserve(std::max(lwork, 1));
      if constexpr (sizeof(T) == 8)
        GP_VENDOR(lib.dpotri(lane.solver, vendor::kFillUpper, n, A, n, lane.work.get(), lwork, lane.info.get()));
      else GP_VENDOR(lib.spotri(lane.solver, vendor::kFillUpper, n, A, n, lane.work.get(), lwork, lane.info.get()));
      symmetrize_lower_kernel1<T><<<grid, block, 0, lane.stream>>>(A, n);
      GP_LAUNCHED();
      return A;
    }
    lane.Z.reserve((size_t)n * n);
    identity_kernel1<T><<<grid, block, 0, lane.stream>>>(lane.Z.get(), n);
    GP_LAUNCHED();
    solve(lane, A, lane.Z.get(), n, false);
    gram_kernel1<T><<<grid, block, 0, lane.stream>>>(A, lane.Z.get(), n);
    GP_LAUNCHED();
    return A;
  }

  // Posterior (mean, variance) or acquisition (value, grad) for m candidates, in chunks that keep
  // the (n, chunk) candidate matrix within ~512 MiB.
  void run_candidates(Lane<T>& lane, const double* Xc, int m, const AcqOptions* acq, double* mean_out,
                      double* var_out, double* value_out, double* grad_out) const {
    if (theta.empty()) throw GpError("the GP has no hyperparameters yet");
    if (m == 0) return;
    const double outputscale = std::exp(theta[d]);
    size_t budget = (size_t(512) << 20) / sizeof(T);
    int chunk = static_cast<int>(std::max<size_t>(1, std::min<size_t>(m, budget / std::max(n, 1))));
    lane.Kc.reserve((size_t)n * chunk);
    lane.Xc.reserve((size_t)chunk * d);
    lane.mean.reserve(chunk);
    lane.var.reserve(chunk);
    if (acq) lane.value.reserve(chunk);
    if (grad_out) lane.grad.reserve((size_t)chunk * d);
    for (int start = 0; start < m; start += chunk) {
      int c = std::min(chunk, m - start);
      GP_CUDA(cudaMemcpyAsync(lane.Xc.get(), Xc + (size_t)start * d, sizeof(double) * c * d, cudaMemcpyHostToDevice,
                              lane.stream));
      dim3 block(32, 8), grid(blocks_for(c, 32), blocks_for(n, 8));
      cross_kernel_kernel1<T><<<grid, block, 0, lane.stream>>>(lane.Kc.get(), X_.get(), lane.Xc.get(),
                                                               inv_ls2_.get(), outputscale, kernel, n, c, d);
      GP_LAUNCHED();
      posterior_mean_kernel1<T><<<blocks_for(c, 128), 128, 0, lane.stream>>>(lane.mean.get(), lane.Kc.get(),
                                                                             alpha_.get(), theta[d + 2], n, c);
      GP_LAUNCHED();
      solve(lane, L_.get(), lane.Kc.get(), c, false);
      posterior_variance_kernel1<T><<<blocks_for(c, 128), 128, 0, lane.stream>>>(lane.var.get(), lane.Kc.get(),
                                                                                 outputscale, n, c);
      GP_LAUNCHED();
      if (!acq) {
        GP_CUDA(cudaMemcpyAsync(mean_out + start, lane.mean.get(), sizeof(double) * c, cudaMemcpyDeviceToHost,
                                lane.stream));
        GP_CUDA(cudaMemcpyAsync(var_out + start, lane.var.get(), sizeof(double) * c, cudaMemcpyDeviceToHost,
                                lane.stream));
        sync(lane);
        continue;
      }
      if (grad_out) solve(lane, L_.get(), lane.Kc.get(), c, true);  // K^-1 Kc
      acquisition_kernel1<T><<<blocks_for(c, 128), 128, 0, lane.stream>>>(
          lane.value.get(), grad_out ? lane.grad.get() : nullptr, lane.mean.get(), lane.var.get(),
          lane.Kc.get(), alpha_.get(), X_.get(), lane.Xc.get(), inv_ls2_.get(), outputscale, kernel, acq->kind,
          acq->best, acq->beta, n, c, d);
      GP_LAUNCHED();
      GP_CUDA(cudaMemcpyAsync(value_out + start, lane.value.get(), sizeof(double) * c, cudaMemcpyDeviceToHost,
                              lane.stream));
      if (grad_out)
        GP_CUDA(cudaMemcpyAsync(grad_out + (size_t)start * d, lane.grad.get(), sizeof(double) * c * d,
                                cudaMemcpyDeviceToHost, lane.stream));
      sync(lane);
    }
  }

  bool use_vendor_ = false;
  int max_lanes_ = 1;
  DeviceBuffer<double> X_;        // (n, d)
  DeviceBuffer<T> L_;             // (n, n) factor at theta
  DeviceBuffer<double> alpha_;    // (n) at theta
  DeviceBuffer<double> inv_ls2_;  // (d) at theta
  // The lanes (see Lane): all of them, and those no call holds. Declared last, so they are destroyed
  // first, before the buffers above.
  mutable std::mutex lanes_mutex_;
  mutable std::condition_variable lane_free_;
  mutable std::vector<std::unique_ptr<Lane<T>>> lanes_;
  mutable std::vector<Lane<T>*> idle_;
};

}  // namespace

size_t device_bytes_held() { return g_device_bytes.load(); }

std::unique_ptr<Engine> make_cuda_engine(const double* X, const double* y, int n, int d, int kernel, int precision) {
  if (precision == 1) return std::make_unique<CudaEngine<float>>(X, y, n, d, kernel);
  return std::make_unique<CudaEngine<double>>(X, y, n, d, kernel);
}

}  // namespace hpo::gp
