// Kernel launchers of the CUDA path (evo.cu). Every pointer is device memory; shapes as in evo.h.
// Each returns "" on success or a message naming the failed CUDA call, file and line.
#pragma once
#include <cstdint>
#include <string>

#include "evo/evo_math.h"

namespace hpo::evo {

// Returns "<call> failed at FILE:LINE: <CUDA error>" from the enclosing function (which returns a
// std::string) when a CUDA runtime call fails. For evo.cu and bindings_cuda.cpp, which include
// <cuda_runtime.h> themselves.
#define HPO_EVO_CUDA_CHECK(call)                                                                              \
  do {                                                                                                        \
    cudaError_t status_ = (call);                                                                             \
    if (status_ != cudaSuccess)                                                                               \
      return std::string(#call) + " failed at " __FILE__ ":" + std::to_string(__LINE__) + ": " +              \
             cudaGetErrorString(status_);                                                                     \
  } while (0)

// One generation in two kernels: slot c < n_elites copies genes row elites[c]; every other slot runs
// selection (SelectParents) then crossover + mutation per gene (BreedGene) with the same Philox counters
// as EvolveCpu. next, genes (n, d) · fitness (n,) · elites (n_elites,) · types, levels (d,) ·
// parents (3n,) scratch. With synchronize false it only queues the kernels (for timing loops).
std::string EvolveCuda(double* next, const double* genes, const double* fitness, const int32_t* elites,
                       int32_t n_elites, const int32_t* types, const int32_t* levels, int32_t* parents, int32_t n,
                       int32_t d, const Operators& op, uint64_t seed, uint32_t generation, bool synchronize = true);

// Milliseconds between two points of the default stream around `reps` queued generations; genes and
// next are swapped after each (the population evolves), ending in genes when reps is even.
std::string TimeEvolveCuda(double* ms, double** genes, double** next, const double* fitness, const int32_t* elites,
                           int32_t n_elites, const int32_t* types, const int32_t* levels, int32_t* parents,
                           int32_t n, int32_t d, const Operators& op, uint64_t seed, uint32_t generation,
                           int32_t reps);

// Children first..first+count-1 of `generation`; out (count, d).
std::string BreedCuda(double* out, const double* genes, const double* fitness, const int32_t* types,
                      const int32_t* levels, int32_t n, int32_t d, const Operators& op, uint64_t seed,
                      uint32_t generation, uint32_t first, int32_t count);

// Non-dominated sorting on the device by dominator counts: rank (n,) as NondominatedRankCpu.
// objectives (n, m), m <= 4, are overwritten with NaN replaced by +inf; count is (n,) scratch.
std::string NondominatedRankCuda(int32_t* rank, double* objectives, int32_t* count, int32_t n, int32_t m);

}  // namespace hpo::evo
