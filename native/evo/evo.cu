// CUDA path of population evolution and NSGA-II ranking. The per-gene math is evo_math.h, shared with
// the CPU reference (evo_cpu.cpp), so the same Philox counters give bit-identical populations.
//
// evolve_kernel1: one thread per slot (individual) of the next generation; selection, crossover and
//   mutation of a child fused, the population never leaving the device. Genes are row-major (n, d).
// peel_kernel1 + assign_kernel1: one non-dominated front per pair of launches; each thread tests one
//   individual against every other still unranked one (O(n^2 m / threads) per front).
#include <cuda_runtime.h>

#include <string>

#include "evo/evo_cuda.h"

namespace hpo::evo {
namespace {

#define HPO_EVO_CUDA_CHECK(call)                                                                              \
  do {                                                                                                        \
    cudaError_t status_ = (call);                                                                             \
    if (status_ != cudaSuccess)                                                                               \
      return std::string(#call) + " failed at " __FILE__ ":" + std::to_string(__LINE__) + ": " +              \
             cudaGetErrorString(status_);                                                                     \
  } while (0)

constexpr int kBlock = 128;

int Blocks(int64_t work) { return static_cast<int>((work + kBlock - 1) / kBlock); }

__global__ void evolve_kernel1(double* next, const double* genes, const double* fitness, const int32_t* elites,
                               int32_t n_elites, const int32_t* types, const int32_t* levels, int32_t n, int32_t d,
                               Operators op, uint64_t seed, uint32_t generation) {
  int32_t c = blockIdx.x * blockDim.x + threadIdx.x;
  if (c >= n) return;
  double* row = next + static_cast<int64_t>(c) * d;
  if (c < n_elites) {
    const double* elite = genes + static_cast<int64_t>(elites[c]) * d;
    for (int32_t g = 0; g < d; ++g) row[g] = elite[g];
    return;
  }
  BreedChild(row, genes, fitness, types, levels, n, d, op, seed, generation, static_cast<uint32_t>(c));
}

__global__ void breed_kernel1(double* out, const double* genes, const double* fitness, const int32_t* types,
                              const int32_t* levels, int32_t n, int32_t d, Operators op, uint64_t seed,
                              uint32_t generation, uint32_t first, int32_t count) {
  int32_t i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= count) return;
  BreedChild(out + static_cast<int64_t>(i) * d, genes, fitness, types, levels, n, d, op, seed, generation,
             first + static_cast<uint32_t>(i));
}

__global__ void sanitize_kernel1(double* objectives, int64_t count, int32_t* rank, int32_t n) {
  int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i < count && objectives[i] != objectives[i]) objectives[i] = kInf;
  if (i < n) rank[i] = -1;
}

// flags[i] = 1 when i is unranked and no other unranked individual dominates it.
__global__ void peel_kernel1(int32_t* flags, const int32_t* rank, const double* objectives, int32_t n, int32_t m) {
  int32_t i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= n) return;
  if (rank[i] >= 0) {
    flags[i] = 0;
    return;
  }
  const double* fi = objectives + static_cast<int64_t>(i) * m;
  for (int32_t j = 0; j < n; ++j) {
    if (j == i || rank[j] >= 0) continue;
    if (Dominates(objectives + static_cast<int64_t>(j) * m, fi, m)) {
      flags[i] = 0;
      return;
    }
  }
  flags[i] = 1;
}

__global__ void assign_kernel1(int32_t* rank, const int32_t* flags, int32_t front, int32_t n, int32_t* assigned) {
  int32_t i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n && flags[i]) {
    rank[i] = front;
    atomicAdd(assigned, 1);
  }
}

}  // namespace

std::string EvolveCuda(double* next, const double* genes, const double* fitness, const int32_t* elites,
                       int32_t n_elites, const int32_t* types, const int32_t* levels, int32_t n, int32_t d,
                       const Operators& op, uint64_t seed, uint32_t generation) {
  evolve_kernel1<<<Blocks(n), kBlock>>>(next, genes, fitness, elites, n_elites, types, levels, n, d, op, seed,
                                        generation);
  HPO_EVO_CUDA_CHECK(cudaGetLastError());
  HPO_EVO_CUDA_CHECK(cudaDeviceSynchronize());
  return "";
}

std::string BreedCuda(double* out, const double* genes, const double* fitness, const int32_t* types,
                      const int32_t* levels, int32_t n, int32_t d, const Operators& op, uint64_t seed,
                      uint32_t generation, uint32_t first, int32_t count) {
  if (count == 0) return "";
  breed_kernel1<<<Blocks(count), kBlock>>>(out, genes, fitness, types, levels, n, d, op, seed, generation, first,
                                           count);
  HPO_EVO_CUDA_CHECK(cudaGetLastError());
  HPO_EVO_CUDA_CHECK(cudaDeviceSynchronize());
  return "";
}

std::string NondominatedRankCuda(int32_t* rank, double* objectives, int32_t* flags, int32_t n, int32_t m) {
  int64_t count = static_cast<int64_t>(n) * m;
  sanitize_kernel1<<<Blocks(count), kBlock>>>(objectives, count, rank, n);
  HPO_EVO_CUDA_CHECK(cudaGetLastError());
  int32_t* assigned = nullptr;
  HPO_EVO_CUDA_CHECK(cudaMalloc(&assigned, sizeof(int32_t)));
  std::string status;
  cudaError_t zero = cudaMemset(assigned, 0, sizeof(int32_t));
  if (zero != cudaSuccess) status = std::string("cudaMemset: ") + cudaGetErrorString(zero);
  int32_t done = 0;
  // Each round ranks at least one individual (some unranked one is always non-dominated).
  for (int32_t front = 0; front < n && done < n && status.empty(); ++front) {
    peel_kernel1<<<Blocks(n), kBlock>>>(flags, rank, objectives, n, m);
    assign_kernel1<<<Blocks(n), kBlock>>>(rank, flags, front, n, assigned);
    cudaError_t e = cudaMemcpy(&done, assigned, sizeof(int32_t), cudaMemcpyDeviceToHost);
    if (e == cudaSuccess) e = cudaGetLastError();
    if (e != cudaSuccess) status = std::string("peeling front ") + std::to_string(front) + ": " + cudaGetErrorString(e);
  }
  cudaFree(assigned);
  return status;
}

}  // namespace hpo::evo
