// Kernel launchers of the CUDA path (evo.cu). Every pointer is device memory; shapes as in evo.h.
// Each returns a Status; a failed CUDA call names itself, its file and line (common/cuda_check.cuh).
#pragma once
#include <cstdint>
#include <string>

#include "common/status.h"
#include "evo/evo_math.h"

namespace hpo::evo {

// One generation in two kernels: slot c < n_elites copies genes row elites[c]; every other slot runs
// selection (SelectParents) then crossover + mutation per gene (BreedGene) with the same Philox counters
// as EvolveCpu. next, genes (n, d) · fitness (n,) · elites (n_elites,) · types, levels (d,) ·
// parents (3n,) scratch. With synchronize false it only queues the kernels (the dev harness's timing loops).
Status EvolveCuda(double* next, const double* genes, const double* fitness, const int32_t* elites, int32_t n_elites,
                  const int32_t* types, const int32_t* levels, int32_t* parents, int32_t n, int32_t d,
                  const Operators& op, uint64_t seed, uint32_t generation, bool synchronize = true);

// Children first..first+count-1 of `generation`; out (count, d).
Status BreedCuda(double* out, const double* genes, const double* fitness, const int32_t* types, const int32_t* levels,
                 int32_t n, int32_t d, const Operators& op, uint64_t seed, uint32_t generation, uint32_t first,
                 int32_t count);

// Non-dominated sorting on the device by dominator counts: rank (n,) as NondominatedRankCpu.
// objectives (n, m), m <= 4, are overwritten with NaN replaced by +inf; count is (n,) scratch.
Status NondominatedRankCuda(int32_t* rank, double* objectives, int32_t* count, int32_t n, int32_t m);

}  // namespace hpo::evo
