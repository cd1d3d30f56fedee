// CUDA path of population evolution and NSGA-II ranking. The per-gene math is evo_math.h, shared with
// the CPU reference (evo_cpu.cpp), so the same Philox counters give bit-identical populations.
//
// select_kernel2 + vary_kernel2: one generation in two launches (tournaments per child, then crossover
//   and mutation per gene, coalesced), the population never leaving the device. Genes are row-major (n, d).
// breed_kernel1: one thread per requested child, all its genes (for a handful of children).
// peel_kernel1 + assign_kernel1: one non-dominated front per pair of launches; each thread tests one
//   individual against every other still unranked one (O(n^2 m / threads) per front).
#include <cuda_runtime.h>

#include <cstdint>

#include <string>

#include "evo/evo_cuda.h"

namespace hpo::evo {
namespace {

constexpr int kBlock = 128;

int Blocks(int64_t work) { return static_cast<int>((work + kBlock - 1) / kBlock); }

// Kernel 1 (one thread per child, all its genes) stores rows with a stride of d doubles between
// neighbouring threads; kernel 2 splits the generation in two launches so the gene work is coalesced:
// select_kernel2: one thread per child slot: its two tournament winners and the crossover decision.
__global__ void select_kernel2(int32_t* parents, const double* fitness, int32_t n_elites, int32_t n, Operators op,
                               uint64_t seed, uint32_t generation) {
  int32_t c = blockIdx.x * blockDim.x + threadIdx.x;
  if (c >= n || c < n_elites) return;
  Parents p = SelectParents(fitness, n, op, seed, generation, static_cast<uint32_t>(c));
  parents[3 * c] = p.a;
  parents[3 * c + 1] = p.b;
  parents[3 * c + 2] = p.cross ? 1 : 0;
}

// vary_kernel2: one thread per (slot, gene), gene fastest: copy an elite's gene or breed one gene.
__global__ void vary_kernel2(double* next, const double* genes, const int32_t* parents, const int32_t* elites,
                             int32_t n_elites, const int32_t* types, const int32_t* levels, int32_t n, int32_t d,
                             Operators op, uint64_t seed, uint32_t generation) {
  int64_t t = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (t >= static_cast<int64_t>(n) * d) return;
  // 32-bit division where the index fits (any population below 2^31 genes): a 64-bit division is
  // several times as many instructions on the GPU, once per gene.
  int32_t c, g;
  if (static_cast<int64_t>(n) * d <= INT32_MAX) {
    const int32_t t32 = static_cast<int32_t>(t);
    c = t32 / d;
    g = t32 - c * d;
  } else {
    c = static_cast<int32_t>(t / d);
    g = static_cast<int32_t>(t - static_cast<int64_t>(c) * d);
  }
  if (c < n_elites) {
    next[t] = genes[static_cast<int64_t>(elites[c]) * d + g];
    return;
  }
  double pa = genes[static_cast<int64_t>(parents[3 * c]) * d + g];
  double pb = genes[static_cast<int64_t>(parents[3 * c + 1]) * d + g];
  next[t] = BreedGene(pa, pb, parents[3 * c + 2] != 0, types[g], levels[g], op, seed, generation,
                      static_cast<uint32_t>(c), g);
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
                       int32_t n_elites, const int32_t* types, const int32_t* levels, int32_t* parents, int32_t n,
                       int32_t d, const Operators& op, uint64_t seed, uint32_t generation, bool synchronize) {
  select_kernel2<<<Blocks(n), kBlock>>>(parents, fitness, n_elites, n, op, seed, generation);
  HPO_EVO_CUDA_CHECK(cudaGetLastError());
  vary_kernel2<<<Blocks(static_cast<int64_t>(n) * d), kBlock>>>(next, genes, parents, elites, n_elites, types, levels,
                                                                 n, d, op, seed, generation);
  HPO_EVO_CUDA_CHECK(cudaGetLastError());
  if (synchronize) HPO_EVO_CUDA_CHECK(cudaDeviceSynchronize());
  return "";
}

std::string TimeEvolveCuda(double* ms, double** genes, double** next, const double* fitness, const int32_t* elites,
                           int32_t n_elites, const int32_t* types, const int32_t* levels, int32_t* parents,
                           int32_t n, int32_t d, const Operators& op, uint64_t seed, uint32_t generation,
                           int32_t reps) {
  cudaEvent_t start = nullptr, stop = nullptr;
  HPO_EVO_CUDA_CHECK(cudaEventCreate(&start));
  cudaError_t e = cudaEventCreate(&stop);
  std::string status;
  if (e == cudaSuccess) e = cudaEventRecord(start);
  for (int32_t r = 0; r < reps && e == cudaSuccess && status.empty(); ++r) {
    status = EvolveCuda(*next, *genes, fitness, elites, n_elites, types, levels, parents, n, d, op, seed,
                        generation + static_cast<uint32_t>(r), false);
    double* t = *genes;
    *genes = *next;
    *next = t;
  }
  if (e == cudaSuccess && status.empty()) e = cudaEventRecord(stop);
  if (e == cudaSuccess && status.empty()) e = cudaEventSynchronize(stop);
  float elapsed = 0.0f;
  if (e == cudaSuccess && status.empty()) e = cudaEventElapsedTime(&elapsed, start, stop);
  if (e != cudaSuccess && status.empty()) status = std::string("timing generations: ") + cudaGetErrorString(e);
  *ms = static_cast<double>(elapsed);
  cudaEventDestroy(start);
  if (stop) cudaEventDestroy(stop);
  return status;
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
