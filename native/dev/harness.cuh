// The shared workbench of the dev harnesses (native/dev/<op>_dev.cu, built with -DHPO_DEV_HARNESS=ON),
// after llm.c's dev/cuda/common.h: a CUDA check that ends the program (a standalone tool, unlike the
// addon, may exit), random inputs from a fixed seed, a validator (tolerance = abs + rel * |ref|) and
// a timer (warm-up, CUDA events, L2 flushed before every repetition). Only native/dev may print or
// exit; the shipped modules never do.
#pragma once
#include <cuda_runtime.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "common/status.h"

namespace hpo::dev {

inline void cuda_check(cudaError_t error, const char* file, int line) {
  if (error != cudaSuccess) {
    std::fprintf(stderr, "[CUDA error] at %s:%d: %s\n", file, line, cudaGetErrorString(error));
    std::exit(EXIT_FAILURE);
  }
}
#define cudaCheck(call) ::hpo::dev::cuda_check((call), __FILE__, __LINE__)

// Ends the program when a product launcher returned a failed Status.
inline void status_check(const Status& status, const char* file, int line) {
  if (!status.ok()) {
    std::fprintf(stderr, "[%s] at %s:%d: %s\n", StatusCodeName(status.code), file, line, status.message.c_str());
    std::exit(EXIT_FAILURE);
  }
}
#define statusCheck(expr) ::hpo::dev::status_check((expr), __FILE__, __LINE__)

// Uniform values in [lo, hi) from a fixed 64-bit LCG, so every run sees the same inputs.
inline std::vector<double> random_doubles(size_t count, double lo, double hi, uint64_t seed) {
  std::vector<double> out(count);
  uint64_t s = seed * 6364136223846793005ULL + 1442695040888963407ULL;
  for (double& v : out) {
    s = s * 6364136223846793005ULL + 1442695040888963407ULL;
    v = lo + (hi - lo) * static_cast<double>(s >> 11) * 0x1.0p-53;
  }
  return out;
}

template <typename T>
T* to_device(const std::vector<T>& host) {
  T* device = nullptr;
  cudaCheck(cudaMalloc(&device, host.size() * sizeof(T)));
  cudaCheck(cudaMemcpy(device, host.data(), host.size() * sizeof(T), cudaMemcpyHostToDevice));
  return device;
}

// Compares `count` host values with the reference; |out - ref| <= abs_tol + rel_tol * |ref|.
// Prints the first pairs and up to ten mismatches, skips non-finite references, and exits on a
// mismatch (a version that is wrong is not worth timing).
template <typename T, typename R>
void validate_host(const T* out, const R* reference, const char* name, size_t count, double abs_tol, double rel_tol) {
  int mismatches = 0;
  for (size_t i = 0; i < count; ++i) {
    const double ref = static_cast<double>(reference[i]), got = static_cast<double>(out[i]);
    if (i < 4) std::printf("  %s[%zu] ref %.17g got %.17g\n", name, i, ref, got);
    if (!std::isfinite(ref)) continue;
    if (!(std::fabs(got - ref) <= abs_tol + rel_tol * std::fabs(ref))) {
      if (mismatches < 10) std::printf("  MISMATCH %s[%zu]: ref %.17g got %.17g\n", name, i, ref, got);
      ++mismatches;
    }
  }
  if (mismatches > 0) {
    std::printf("%s: %d of %zu values differ\n", name, mismatches, count);
    std::exit(EXIT_FAILURE);
  }
}

// The same for `count` values in device memory.
template <typename T, typename R>
void validate_result(const T* device_out, const R* reference, const char* name, size_t count, double abs_tol,
                     double rel_tol) {
  std::vector<T> out(count);
  cudaCheck(cudaMemcpy(out.data(), device_out, count * sizeof(T), cudaMemcpyDeviceToHost));
  validate_host(out.data(), reference, name, count, abs_tol, rel_tol);
}

// Mean milliseconds of `repeats` calls of `run` (after one warm-up), timed with CUDA events on the
// default stream, with the L2 cache flushed before each so every repetition starts cold.
template <typename Run>
float benchmark_kernel(int repeats, Run&& run) {
  int device = 0;
  cudaCheck(cudaGetDevice(&device));
  cudaDeviceProp prop{};
  cudaCheck(cudaGetDeviceProperties(&prop, device));
  void* flush = nullptr;
  const size_t flush_bytes = static_cast<size_t>(prop.l2CacheSize) * 2;
  cudaCheck(cudaMalloc(&flush, flush_bytes));
  cudaEvent_t start, stop;
  cudaCheck(cudaEventCreate(&start));
  cudaCheck(cudaEventCreate(&stop));
  run();  // warm-up
  float total = 0.0f;
  for (int r = 0; r < repeats; ++r) {
    cudaCheck(cudaMemset(flush, r & 0xff, flush_bytes));
    cudaCheck(cudaEventRecord(start));
    run();
    cudaCheck(cudaEventRecord(stop));
    cudaCheck(cudaEventSynchronize(stop));
    float ms = 0.0f;
    cudaCheck(cudaEventElapsedTime(&ms, start, stop));
    total += ms;
  }
  cudaCheck(cudaEventDestroy(start));
  cudaCheck(cudaEventDestroy(stop));
  cudaCheck(cudaFree(flush));
  return total / repeats;
}

}  // namespace hpo::dev
