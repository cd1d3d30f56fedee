// CUDA path of population evolution and NSGA-II ranking. The per-gene math is evo_math.h, shared with
// the CPU reference (evo_cpu.cpp), so the same Philox counters give bit-identical populations.
//
// select_kernel2 + vary_kernel2: one generation in two launches (tournaments per child, then crossover
//   and mutation per gene, coalesced), the population never leaving the device. Genes are row-major (n, d).
// breed_kernel1: one thread per requested child, all its genes (for a handful of children).
// count_dominators_kernel1, then join_front_kernel1 + release_kernel1 per front: non-dominated sorting
//   by dominator counts (Deb's fast non-dominated sort without its O(n^2) dominated lists). Every
//   individual counts its dominators once; a front's members then take themselves off the counts of
//   the unranked, and those left with none form the next front. O(n^2 m) work in all, where peeling
//   each front by testing every unranked pair again cost O(fronts n^2 m).
#include <cuda_runtime.h>

#include <cstdint>
#include <string>

#include "common/cuda_check.cuh"
#include "common/device_buffer.cuh"
#include "common/status.h"
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

// The kernels below are instantiated per number of objectives M (2..4, what the bindings accept), so
// an individual's objectives stay in registers and Dominates unrolls.

// Dominators of each active thread's individual (objectives fi) among `rows` objective rows, staged
// through shared memory one block-sized tile at a time; the rows are members[first..] when members
// is given, else first... Every thread of the block must call it (it synchronizes).
template <int M>
__device__ int32_t CountDominators(const double* objectives, const int32_t* members, int32_t first, int32_t rows,
                                   const double (&fi)[M], bool active) {
  __shared__ double tile[kBlock * M];
  int32_t count = 0;
  for (int32_t start = 0; start < rows; start += kBlock) {
    const int32_t size = min(kBlock, rows - start);
    if (static_cast<int32_t>(threadIdx.x) < size) {
      const int32_t r = first + start + static_cast<int32_t>(threadIdx.x);
      const int64_t row = members ? static_cast<int64_t>(members[r]) : static_cast<int64_t>(r);
#pragma unroll
      for (int j = 0; j < M; ++j) tile[threadIdx.x * M + j] = objectives[row * M + j];
    }
    __syncthreads();
    if (active)
      for (int32_t r = 0; r < size; ++r) count += Dominates(tile + r * M, fi, M) ? 1 : 0;
    __syncthreads();
  }
  return count;
}

// count[i] = how many of the n individuals dominate i.
template <int M>
__global__ void count_dominators_kernel1(int32_t* count, const double* objectives, int32_t n) {
  const int32_t i = blockIdx.x * blockDim.x + threadIdx.x;
  double fi[M];
#pragma unroll
  for (int j = 0; j < M; ++j) fi[j] = i < n ? objectives[static_cast<int64_t>(i) * M + j] : 0.0;
  const int32_t c = CountDominators<M>(objectives, nullptr, 0, n, fi, i < n);
  if (i < n) count[i] = c;
}

// Unranked individuals with no dominator left join `front`, appended to members at *assigned.
__global__ void join_front_kernel1(int32_t* rank, const int32_t* count, int32_t* members, int32_t* assigned,
                                   int32_t front, int32_t n) {
  const int32_t i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n && rank[i] < 0 && count[i] == 0) {
    rank[i] = front;
    members[atomicAdd(assigned, 1)] = i;
  }
}

// The front in members[first, first + size) leaves the dominator counts of the unranked individuals.
template <int M>
__global__ void release_kernel1(int32_t* count, const int32_t* rank, const int32_t* members, int32_t first,
                                int32_t size, const double* objectives, int32_t n) {
  const int32_t i = blockIdx.x * blockDim.x + threadIdx.x;
  const bool active = i < n && rank[i] < 0;
  if (!__syncthreads_or(active)) return;  // the whole block is ranked: a uniform exit
  double fi[M];
#pragma unroll
  for (int j = 0; j < M; ++j) fi[j] = active ? objectives[static_cast<int64_t>(i) * M + j] : 0.0;
  const int32_t c = CountDominators<M>(objectives, members, first, size, fi, active);
  if (active) count[i] -= c;
}

template <int M>
Status RankByCounts(int32_t* rank, const double* objectives, int32_t* count, int32_t n) {
  count_dominators_kernel1<M><<<Blocks(n), kBlock>>>(count, objectives, n);
  HPO_CUDA_TRY(cudaGetLastError());
  // scratch: [0] how many are ranked, then the ranked individuals front after front.
  DeviceBuffer<int32_t> scratch;
  HPO_RETURN_IF_ERROR(scratch.Allocate(static_cast<size_t>(n) + 1));
  int32_t* assigned = scratch.get();
  int32_t* members = scratch.get() + 1;
  HPO_CUDA_TRY(cudaMemset(assigned, 0, sizeof(int32_t)));
  int32_t first = 0, done = 0;
  // Every front is non-empty (among the unranked, one with no unranked dominator always exists), so
  // this ends after at most n fronts; the check below guards the loop all the same.
  for (int32_t front = 0; front < n && done < n; ++front) {
    join_front_kernel1<<<Blocks(n), kBlock>>>(rank, count, members, assigned, front, n);
    HPO_CUDA_TRY(cudaGetLastError());
    HPO_CUDA_TRY(cudaMemcpy(&done, assigned, sizeof(int32_t), cudaMemcpyDeviceToHost));
    if (done == first) {
      return Status::Error(StatusCode::kInternal,
                           "ranking on the device: front " + std::to_string(front) + " came out empty");
    }
    if (done < n) {
      release_kernel1<M><<<Blocks(n), kBlock>>>(count, rank, members, first, done - first, objectives, n);
      HPO_CUDA_TRY(cudaGetLastError());
    }
    first = done;
  }
  return Status::Ok();
}

}  // namespace

Status EvolveCuda(double* next, const double* genes, const double* fitness, const int32_t* elites, int32_t n_elites,
                  const int32_t* types, const int32_t* levels, int32_t* parents, int32_t n, int32_t d,
                  const Operators& op, uint64_t seed, uint32_t generation, bool synchronize) {
  select_kernel2<<<Blocks(n), kBlock>>>(parents, fitness, n_elites, n, op, seed, generation);
  HPO_CUDA_TRY(cudaGetLastError());
  vary_kernel2<<<Blocks(static_cast<int64_t>(n) * d), kBlock>>>(next, genes, parents, elites, n_elites, types, levels,
                                                                n, d, op, seed, generation);
  HPO_CUDA_TRY(cudaGetLastError());
  if (synchronize) HPO_CUDA_TRY(cudaDeviceSynchronize());
  return Status::Ok();
}

Status BreedCuda(double* out, const double* genes, const double* fitness, const int32_t* types, const int32_t* levels,
                 int32_t n, int32_t d, const Operators& op, uint64_t seed, uint32_t generation, uint32_t first,
                 int32_t count) {
  if (count == 0) return Status::Ok();
  breed_kernel1<<<Blocks(count), kBlock>>>(out, genes, fitness, types, levels, n, d, op, seed, generation, first,
                                           count);
  HPO_CUDA_TRY(cudaGetLastError());
  HPO_CUDA_TRY(cudaDeviceSynchronize());
  return Status::Ok();
}

Status NondominatedRankCuda(int32_t* rank, double* objectives, int32_t* count, int32_t n, int32_t m) {
  int64_t cells = static_cast<int64_t>(n) * m;
  sanitize_kernel1<<<Blocks(cells), kBlock>>>(objectives, cells, rank, n);
  HPO_CUDA_TRY(cudaGetLastError());
  switch (m) {
    case 2: return RankByCounts<2>(rank, objectives, count, n);
    case 3: return RankByCounts<3>(rank, objectives, count, n);
    case 4: return RankByCounts<4>(rank, objectives, count, n);
    default:
      return Status::Error(StatusCode::kInvalidArgument,
                           "ranking on the device takes 2 to 4 objectives, got " + std::to_string(m));
  }
}

}  // namespace hpo::evo
