// Dev harness of one generation of population evolution (native/evo): validates every kernel
// version against the CPU reference, EvolveCpu (native/evo/evo_cpu.cpp, linked, not copied), then
// times each. The shared math (evo_math.h) is bit-identical on both sides, so the tolerance is zero.
//
// Versions:
//   1  elites copied row by row, then breed_kernel1: one thread per child, all its genes
//      (BreedCuda; strided stores, d doubles apart between neighbouring threads)
//   2  select_kernel2 (one thread per child: tournaments and the crossover draw), then vary_kernel2
//      (one thread per gene, coalesced): the version the addon ships (EvolveCuda)
//
// Build and run (needs a GPU to run, only nvcc to build):
//   node node_modules/cmake-js/bin/cmake-js build --out build-dev --CDHPO_DEV_HARNESS=ON
//   build-dev/hpo_dev_evolve [version: 0 = all] [n = 100000] [d = 20] [generations = 4]
#include <cuda_runtime.h>

#include <cstdio>
#include <cstdlib>
#include <utility>
#include <vector>

#include "dev/harness.cuh"
#include "evo/evo.h"
#include "evo/evo_cuda.h"

using namespace hpo;
using namespace hpo::evo;

// ---- inputs --------------------------------------------------------------------------------------

struct Problem {
  int32_t n, d;
  std::vector<double> genes, fitness;  // (n, d), (n,)
  std::vector<int32_t> types, levels;  // (d,): every gene type in turn
  Operators op;
  uint64_t seed = 7;
};

Problem make_problem(int32_t n, int32_t d) {
  Problem p;
  p.n = n;
  p.d = d;
  p.genes = dev::random_doubles(static_cast<size_t>(n) * d, 0.0, 1.0, 1);
  p.fitness = dev::random_doubles(n, -1.0, 1.0, 2);
  for (int32_t g = 0; g < d; ++g) {
    p.types.push_back(g % 4);
    p.levels.push_back(g % 4 >= 2 ? 5 + g % 7 : 0);
  }
  for (size_t i = 0; i < p.genes.size(); ++i) p.genes[i] = Snap(p.genes[i], p.types[i % d], p.levels[i % d]);
  p.op = Operators{3, 0.9, 0.1, 0, 15.0, 20.0, 0, 0.1, 2};
  return p;
}

// ---- kernel versions (launchers from evo.cu) --------------------------------------------------------

struct DeviceState {
  double *genes, *next, *fitness;
  int32_t *elites, *types, *levels, *parents;
  int32_t n_elites;
};

// Version 1: elites by copies, children by breed_kernel1.
void evolve1(const DeviceState& s, const Problem& p, uint32_t generation) {
  std::vector<int32_t> elites(s.n_elites);
  cudaCheck(cudaMemcpy(elites.data(), s.elites, sizeof(int32_t) * s.n_elites, cudaMemcpyDeviceToHost));
  for (int32_t e = 0; e < s.n_elites; ++e) {
    cudaCheck(cudaMemcpy(s.next + static_cast<size_t>(e) * p.d, s.genes + static_cast<size_t>(elites[e]) * p.d,
                         sizeof(double) * p.d, cudaMemcpyDeviceToDevice));
  }
  statusCheck(BreedCuda(s.next + static_cast<size_t>(s.n_elites) * p.d, s.genes, s.fitness, s.types, s.levels, p.n, p.d,
                        p.op, p.seed, generation, static_cast<uint32_t>(s.n_elites), p.n - s.n_elites));
}

// Version 2: the shipped two-kernel generation, queued without a synchronization.
void evolve2(const DeviceState& s, const Problem& p, uint32_t generation) {
  statusCheck(EvolveCuda(s.next, s.genes, s.fitness, s.elites, s.n_elites, s.types, s.levels, s.parents, p.n, p.d, p.op,
                         p.seed, generation, /*synchronize=*/false));
}

void evolve(int version, const DeviceState& s, const Problem& p, uint32_t generation) {
  switch (version) {
    case 1: evolve1(s, p, generation); break;
    case 2: evolve2(s, p, generation); break;
    default: std::printf("unknown version %d\n", version); std::exit(EXIT_FAILURE);
  }
}

// ---- main ------------------------------------------------------------------------------------------

int main(int argc, char** argv) {
  const int only = argc > 1 ? std::atoi(argv[1]) : 0;
  const int32_t n = argc > 2 ? std::atoi(argv[2]) : 100000;
  const int32_t d = argc > 3 ? std::atoi(argv[3]) : 20;
  const int generations = argc > 4 ? std::atoi(argv[4]) : 4;
  Problem p = make_problem(n, d);
  const std::vector<int32_t> elites = EliteIndices(p.fitness.data(), n, p.op.elitism);

  // The CPU reference: `generations` generations under the same fitness.
  std::vector<double> reference = p.genes, next(reference.size());
  for (int g = 0; g < generations; ++g) {
    EvolveCpu(next.data(), reference.data(), p.fitness.data(), p.types.data(), p.levels.data(), n, d, p.op, p.seed,
              static_cast<uint32_t>(g));
    reference.swap(next);
  }

  DeviceState s{};
  s.fitness = dev::to_device(p.fitness);
  s.elites = dev::to_device(elites.empty() ? std::vector<int32_t>{0} : elites);
  s.n_elites = static_cast<int32_t>(elites.size());
  s.types = dev::to_device(p.types);
  s.levels = dev::to_device(p.levels);
  cudaCheck(cudaMalloc(&s.parents, sizeof(int32_t) * 3 * static_cast<size_t>(n)));
  cudaCheck(cudaMalloc(&s.next, sizeof(double) * p.genes.size()));

  for (int version = 1; version <= 2; ++version) {
    if (only != 0 && version != only) continue;
    std::printf("version %d: validating %d generations of %d x %d\n", version, generations, n, d);
    s.genes = dev::to_device(p.genes);
    for (int g = 0; g < generations; ++g) {
      evolve(version, s, p, static_cast<uint32_t>(g));
      std::swap(s.genes, s.next);
    }
    cudaCheck(cudaDeviceSynchronize());
    dev::validate_result(s.genes, reference.data(), "genes", reference.size(), 0.0, 0.0);
    std::printf("version %d: all results match\n", version);
    // One generation from the same parents each repetition; ~3 n d doubles move (two parents read,
    // one child written).
    float ms = dev::benchmark_kernel(20, [&] { evolve(version, s, p, 0); });
    const double gbs = 3.0 * n * d * sizeof(double) / (ms * 1e-3) / 1e9;
    std::printf("version %d: %.4f ms per generation, ~%.1f GB/s\n", version, ms, gbs);
    cudaCheck(cudaFree(s.genes));
  }
  cudaCheck(cudaFree(s.next));
  cudaCheck(cudaFree(s.parents));
  cudaCheck(cudaFree(s.levels));
  cudaCheck(cudaFree(s.types));
  cudaCheck(cudaFree(s.elites));
  cudaCheck(cudaFree(s.fitness));
  return 0;
}
