// Dev harness of the GP's Cholesky factorization (native/gp/cholesky.cu): validates each version
// against the CPU reference, cholesky_cpu (native/gp/gp_cpu.cpp, linked, not copied), then times it.
// The blocked GPU factorization sums in another order than the unblocked reference, so the
// tolerance is relative: 1e-9 in fp64, 1e-3 in fp32 (the matrix is well conditioned: B B' / n + I).
//
// Versions:
//   1  cholesky_kernel1 family in fp64: blocked right-looking, NB = 32 (diagonal block in shared
//      memory, panel one thread per row, tiled rank-NB trailing update): what the addon ships
//   2  the same kernels in fp32 (the GP's precision "fp32")
//
// Build and run (needs a GPU to run, only nvcc to build):
//   node node_modules/cmake-js/bin/cmake-js build --out build-dev --CDHPO_DEV_HARNESS=ON
//   build-dev/hpo_dev_cholesky [version: 0 = all] [n = 2048]
#include <cuda_runtime.h>

#include <climits>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "dev/harness.cuh"
#include "gp/gp_cpu.h"
#include "gp/gp_device.cuh"

using namespace hpo;

// A (n, n) = B B' / n + I, B (n, n) uniform in [-1, 1): symmetric positive definite.
std::vector<double> make_spd(int n) {
  std::vector<double> B = dev::random_doubles(static_cast<size_t>(n) * n, -1.0, 1.0, 3);
  std::vector<double> A(static_cast<size_t>(n) * n);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j <= i; ++j) {
      double s = 0.0;
      for (int k = 0; k < n; ++k) s += B[(size_t)i * n + k] * B[(size_t)j * n + k];
      A[(size_t)i * n + j] = A[(size_t)j * n + i] = s / n + (i == j ? 1.0 : 0.0);
    }
  return A;
}

// Factors `original` (device, n x n) into `work` with version `T` and returns the failing pivot.
template <typename T>
int factor(T* work, const T* original, int* info, int n) {
  cudaCheck(cudaMemcpy(work, original, sizeof(T) * n * n, cudaMemcpyDeviceToDevice));
  const int none = INT_MAX;
  cudaCheck(cudaMemcpy(info, &none, sizeof(int), cudaMemcpyHostToDevice));
  statusCheck(CaptureStatus([&] { gp::cholesky_cuda<T>(work, info, n, nullptr); }));
  int pivot = 0;
  cudaCheck(cudaMemcpy(&pivot, info, sizeof(int), cudaMemcpyDeviceToHost));
  return pivot;
}

template <typename T>
void run(int version, const std::vector<double>& A, const std::vector<double>& L_ref, int n, double rel_tol) {
  std::vector<T> host(A.begin(), A.end());
  T* original = dev::to_device(host);
  T* work = nullptr;
  int* info = nullptr;
  cudaCheck(cudaMalloc(&work, sizeof(T) * n * n));
  cudaCheck(cudaMalloc(&info, sizeof(int)));
  std::printf("version %d: validating n = %d\n", version, n);
  if (factor(work, original, info, n) != INT_MAX) {
    std::printf("version %d: a pivot failed on a positive definite matrix\n", version);
    std::exit(EXIT_FAILURE);
  }
  // Only the lower triangle is the factor; above it the GPU leaves the input's values.
  cudaCheck(cudaMemcpy(host.data(), work, sizeof(T) * n * n, cudaMemcpyDeviceToHost));
  for (int i = 0; i < n; ++i)
    for (int j = i + 1; j < n; ++j) host[(size_t)i * n + j] = T(0);
  dev::validate_host(host.data(), L_ref.data(), "L", L_ref.size(), rel_tol, rel_tol);
  std::printf("version %d: all results match\n", version);
  // Each repetition restores A first (an n^2 device copy, small next to n^3 / 3 flops).
  float ms = dev::benchmark_kernel(10, [&] { factor(work, original, info, n); });
  const double gflops = static_cast<double>(n) * n * n / 3.0 / (ms * 1e-3) / 1e9;
  std::printf("version %d: %.3f ms, %.1f GFLOP/s\n", version, ms, gflops);
  cudaCheck(cudaFree(info));
  cudaCheck(cudaFree(work));
  cudaCheck(cudaFree(original));
}

int main(int argc, char** argv) {
  const int only = argc > 1 ? std::atoi(argv[1]) : 0;
  const int n = argc > 2 ? std::atoi(argv[2]) : 2048;
  const std::vector<double> A = make_spd(n);
  std::vector<double> L_ref = A;
  if (gp::cholesky_cpu(L_ref.data(), n) >= 0) {
    std::printf("the CPU reference failed to factor the test matrix\n");
    return EXIT_FAILURE;
  }
  for (int i = 0; i < n; ++i)
    for (int j = i + 1; j < n; ++j) L_ref[(size_t)i * n + j] = 0.0;
  if (only == 0 || only == 1) run<double>(1, A, L_ref, n, 1e-9);
  if (only == 0 || only == 2) run<float>(2, A, L_ref, n, 1e-3);
  return 0;
}
