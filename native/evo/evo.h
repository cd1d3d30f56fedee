// Population evolution and NSGA-II ranking: the host-side entry points of the CPU path (evo_cpu.cpp)
// and of the CUDA path (evo.cu). Shapes: n individuals, d genes, m objectives, all row-major.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "evo/evo_math.h"

namespace hpo::evo {

// The indices of the `count` best individuals by fitness (lower first, NaN last, ties by index).
std::vector<int32_t> EliteIndices(const double* fitness, int32_t n, int32_t count);

// One generation: next is (n, d); slots 0..elitism-1 are the elites in order, slot c >= elitism is
// BreedChild(..., generation, c). genes (n, d), fitness (n,), types and levels (d,).
void EvolveCpu(double* next, const double* genes, const double* fitness, const int32_t* types, const int32_t* levels,
               int32_t n, int32_t d, const Operators& op, uint64_t seed, uint32_t generation);

// Children first..first+count-1 of `generation` without changing the population; out is (count, d).
void BreedCpu(double* out, const double* genes, const double* fitness, const int32_t* types, const int32_t* levels,
              int32_t n, int32_t d, const Operators& op, uint64_t seed, uint32_t generation, uint32_t first,
              int32_t count);

// Non-dominated sorting (NSGA-II, Deb et al. 2002): rank (n,) gets 0 for the first front, 1 for the next...
// objectives (n, m) are minimized; NaN counts as +inf.
void NondominatedRankCpu(int32_t* rank, const double* objectives, int32_t n, int32_t m);

// Crowding distance within each front of `rank`; boundary points get +inf.
void CrowdingCpu(double* crowding, const double* objectives, const int32_t* rank, int32_t n, int32_t m);

// Checks operator settings and gene descriptions; returns an empty string when valid, else the reason.
std::string CheckOperators(const Operators& op, int32_t n);
std::string CheckGeneTypes(const int32_t* types, const int32_t* levels, int32_t d);

}  // namespace hpo::evo
