// The CUDA engine of the GP (see gp_cpu.cpp for the reference it mirrors): training data, the kernel
// matrix and its Cholesky factor live on the device, and every engine call runs on a lane (its own
// stream and scratch, synchronized at the end of the call). The kernels are in one stem per
// operation, declared in gp_device.cuh:
//   kernel_matrix.cu   K (n, n) and the cross matrix Kc (n, m)
//   cholesky.cu        blocked right-looking Cholesky (NB = 32)
//   triangular.cu      blocked triangular solves L X = B, L' X = B, and K^-1 = Z'Z with Z = L^-1
//   gradient.cu        per-row reductions of W = alpha alpha' - K^-1 for the lml gradient
//   posterior.cu       posterior mean, variance and acquisition, one thread per candidate
//   elementwise.cu     symmetrize, diagonal, precision conversions
// Vendor linear algebra: cusolverDn?potrf / ?potri and cublas?trsm, loaded with dlopen
// (cuda_vendor.h), replace cholesky.cu and triangular.cu when HPO_GP_LINALG allows. They are
// column-major: a row-major lower L is their column-major upper factor U = L'.
// Failures are thrown as StatusError with their code (gp.h says why) and caught at the binding.
#include <cuda_runtime.h>

#include <algorithm>
#include <climits>
#include <cmath>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/device_buffer.cuh"
#include "common/status.h"
#include "gp/cuda_vendor.h"
#include "gp/gp.h"
#include "gp/gp_cuda.h"
#include "gp/gp_device.cuh"

namespace hpo::gp {
namespace {

// One line of work on the device: a stream, vendor handles bound to it, and the scratch buffers of
// one call. Calls on different lanes overlap on the GPU (at n = 1,000 one likelihood evaluation is
// a few hundred small kernels and leaves most of the device idle), and they share nothing but the
// engine's read-only training data and factor.
template <typename T>
struct Lane {
  explicit Lane(bool use_vendor) {
    GP_CUDA(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking));
    try {
      ThrowIfError(info.Reserve(1));
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
    if (count == 0) throw StatusError(StatusCode::kCudaUnavailable, "no CUDA device is available");
    GP_CUDA(cudaSetDevice(0));
    const char* choice = std::getenv("HPO_GP_LINALG");
    std::string want = choice ? choice : "auto";
    if (want != "own") {
      const vendor::Library& lib = vendor::library();
      if (lib.loaded) use_vendor_ = true;
      else if (want == "vendor")
        throw StatusError(StatusCode::kVendorLibraryMissing, "HPO_GP_LINALG=vendor but " + lib.reason);
    }
    max_lanes_ = lanes_that_fit();
    LaneLease lease(*this);  // the first lane, and the training data
    ThrowIfError(X_.Reserve((size_t)n * d));
    GP_CUDA(cudaMemcpyAsync(X_.get(), X, sizeof(double) * n * d, cudaMemcpyHostToDevice, lease.lane.stream));
    ThrowIfError(inv_ls2_.Reserve(d));
    ThrowIfError(alpha_.Reserve(n));
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
    ThrowIfError(lane.A.Reserve((size_t)n * n));
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
    ThrowIfError(lane.alpha.Reserve(n));
    GP_CUDA(cudaMemcpyAsync(lane.alpha.get(), alpha.data(), sizeof(double) * n, cudaMemcpyHostToDevice, lane.stream));
    ThrowIfError(lane.rows.Reserve((size_t)n * (d + 2)));
    grad_rows_cuda<T>(lane.rows.get(), Kinv, lane.alpha.get(), X_.get(), lane.inv_ls2.get(), outputscale, kernel, n, d,
                      lane.stream);
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
    ThrowIfError(factor.Reserve((size_t)n * n));
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
    ThrowIfError(out.Reserve(d));
    GP_CUDA(cudaMemcpyAsync(out.get(), inv.data(), sizeof(double) * d, cudaMemcpyHostToDevice, lane.stream));
    sync(lane);  // `inv` is a host temporary
  }

  // Builds K_y + jitter I in A and factors it; jitter escalates like the CPU path.
  double factor_with_jitter(Lane<T>& lane, T* A, const double* inv_ls2, double outputscale, double noise) const {
    const double scale = outputscale + noise;
    double jitter = 0.0;
    for (int attempt = 0;; ++attempt) {
      kernel_matrix_cuda<T>(A, X_.get(), inv_ls2, outputscale, noise + jitter, kernel, n, d, lane.stream);
      int pivot = cholesky(lane, A);
      if (pivot < 0) return jitter;
      double next = attempt == 0 ? kFirstJitter * scale : jitter * 10.0;
      // next <= jitter: a zero scale (outputscale and noise underflowed) would escalate forever.
      if (!(next <= kMaxJitter * scale * (1.0 + 1e-9)) || !std::isfinite(next) || !(next > jitter))
        throw StatusError(StatusCode::kNotPositiveDefinite,
                          "the kernel matrix is not positive definite, even with jitter " + std::to_string(jitter) +
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
      ThrowIfError(lane.work.Reserve(std::max(lwork, 1)));
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
    cholesky_cuda<T>(A, lane.info.get(), n, lane.stream);
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
    solve_cuda<T>(L, B, n, m, transposed, lane.stream);
  }

  std::vector<double> solve_vector(Lane<T>& lane, const T* L, const std::vector<double>& b, bool transposed) const {
    ThrowIfError(lane.vec_d.Reserve(n));
    ThrowIfError(lane.vec.Reserve(n));
    GP_CUDA(cudaMemcpyAsync(lane.vec_d.get(), b.data(), sizeof(double) * n, cudaMemcpyHostToDevice, lane.stream));
    to_matrix_type_cuda<T>(lane.vec.get(), lane.vec_d.get(), n, lane.stream);
    solve(lane, L, lane.vec.get(), 1, transposed);
    to_double_cuda<T>(lane.vec_d.get(), lane.vec.get(), n, lane.stream);
    std::vector<double> out(n);
    GP_CUDA(cudaMemcpyAsync(out.data(), lane.vec_d.get(), sizeof(double) * n, cudaMemcpyDeviceToHost, lane.stream));
    sync(lane);
    return out;
  }

  std::vector<double> diagonal(Lane<T>& lane, const T* A) const {
    ThrowIfError(lane.vec_d.Reserve(n));
    diagonal_cuda<T>(lane.vec_d.get(), A, n, lane.stream);
    std::vector<double> out(n);
    GP_CUDA(cudaMemcpyAsync(out.data(), lane.vec_d.get(), sizeof(double) * n, cudaMemcpyDeviceToHost, lane.stream));
    sync(lane);
    return out;
  }

  // K^-1 from the factor in A (A may be overwritten). Returns a full symmetric (n, n) matrix.
  T* inverse(Lane<T>& lane, T* A) const {
    if (use_vendor_) {
      const vendor::Library& lib = vendor::library();
      int lwork = 0;
      if constexpr (sizeof(T) == 8) GP_VENDOR(lib.dpotri_buffer(lane.solver, vendor::kFillUpper, n, A, n, &lwork));
      else GP_VENDOR(lib.spotri_buffer(lane.solver, vendor::kFillUpper, n, A, n, &lwork));
      ThrowIfError(lane.work.Reserve(std::max(lwork, 1)));
      if constexpr (sizeof(T) == 8)
        GP_VENDOR(lib.dpotri(lane.solver, vendor::kFillUpper, n, A, n, lane.work.get(), lwork, lane.info.get()));
      else GP_VENDOR(lib.spotri(lane.solver, vendor::kFillUpper, n, A, n, lane.work.get(), lwork, lane.info.get()));
      symmetrize_lower_cuda<T>(A, n, lane.stream);
      return A;
    }
    ThrowIfError(lane.Z.Reserve((size_t)n * n));
    inverse_cuda<T>(A, lane.Z.get(), n, lane.stream);
    return A;
  }

  // Posterior (mean, variance) or acquisition (value, grad) for m candidates, in chunks that keep
  // the (n, chunk) candidate matrix within ~512 MiB.
  void run_candidates(Lane<T>& lane, const double* Xc, int m, const AcqOptions* acq, double* mean_out, double* var_out,
                      double* value_out, double* grad_out) const {
    if (theta.empty()) throw StatusError(StatusCode::kInvalidState, "the GP has no hyperparameters yet");
    if (m == 0) return;
    const double outputscale = std::exp(theta[d]);
    size_t budget = (size_t(512) << 20) / sizeof(T);
    int chunk = static_cast<int>(std::max<size_t>(1, std::min<size_t>(m, budget / std::max(n, 1))));
    ThrowIfError(lane.Kc.Reserve((size_t)n * chunk));
    ThrowIfError(lane.Xc.Reserve((size_t)chunk * d));
    ThrowIfError(lane.mean.Reserve(chunk));
    ThrowIfError(lane.var.Reserve(chunk));
    if (acq) ThrowIfError(lane.value.Reserve(chunk));
    if (grad_out) ThrowIfError(lane.grad.Reserve((size_t)chunk * d));
    for (int start = 0; start < m; start += chunk) {
      int c = std::min(chunk, m - start);
      GP_CUDA(cudaMemcpyAsync(lane.Xc.get(), Xc + (size_t)start * d, sizeof(double) * c * d, cudaMemcpyHostToDevice,
                              lane.stream));
      cross_kernel_cuda<T>(lane.Kc.get(), X_.get(), lane.Xc.get(), inv_ls2_.get(), outputscale, kernel, n, c, d,
                           lane.stream);
      posterior_mean_cuda<T>(lane.mean.get(), lane.Kc.get(), alpha_.get(), theta[d + 2], n, c, lane.stream);
      solve(lane, L_.get(), lane.Kc.get(), c, false);
      posterior_variance_cuda<T>(lane.var.get(), lane.Kc.get(), outputscale, n, c, lane.stream);
      if (!acq) {
        GP_CUDA(cudaMemcpyAsync(mean_out + start, lane.mean.get(), sizeof(double) * c, cudaMemcpyDeviceToHost,
                                lane.stream));
        GP_CUDA(
            cudaMemcpyAsync(var_out + start, lane.var.get(), sizeof(double) * c, cudaMemcpyDeviceToHost, lane.stream));
        sync(lane);
        continue;
      }
      if (grad_out) solve(lane, L_.get(), lane.Kc.get(), c, true);  // K^-1 Kc
      acquisition_cuda<T>(lane.value.get(), grad_out ? lane.grad.get() : nullptr, lane.mean.get(), lane.var.get(),
                          lane.Kc.get(), alpha_.get(), X_.get(), lane.Xc.get(), inv_ls2_.get(), outputscale, kernel,
                          acq->kind, acq->best, acq->beta, n, c, d, lane.stream);
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

std::unique_ptr<Engine> make_cuda_engine(const double* X, const double* y, int n, int d, int kernel, int precision) {
  if (precision == 1) return std::make_unique<CudaEngine<float>>(X, y, n, d, kernel);
  return std::make_unique<CudaEngine<double>>(X, y, n, d, kernel);
}

}  // namespace hpo::gp
