// Node-API glue for population evolution on a GPU: the CUDA `Population` keeps genes, gene types and
// the next generation in device memory between generations (see population_napi.h for the JS face).
#include <cuda_runtime.h>
#include <napi.h>

#include <utility>
#include <vector>

#include "common/device_buffer.cuh"
#include "common/status.h"
#include "evo/evo.h"
#include "evo/evo_cuda.h"
#include "evo/population_napi.h"
#include "registry.h"

namespace hpo::evo {
namespace {

// Fronts smaller than this are ranked on the host: a few kernel launches per front cost more there.
// Two objectives are always ranked on the host: its O(n log n) sort beats the O(n²) dominator counts.
constexpr int32_t kDeviceRankMin = 1024;

class CudaEngine {
 public:
  Status Init(const double* genes, int32_t n, int32_t d, const int32_t* types, const int32_t* levels) {
    n_ = n;
    d_ = d;
    size_t cells = static_cast<size_t>(n) * d;
    HPO_RETURN_IF_ERROR(genes_.Allocate(cells));
    HPO_RETURN_IF_ERROR(next_.Allocate(cells));
    HPO_RETURN_IF_ERROR(fitness_.Allocate(n));
    HPO_RETURN_IF_ERROR(elites_.Allocate(n));
    HPO_RETURN_IF_ERROR(parents_.Allocate(3 * static_cast<size_t>(n)));
    HPO_RETURN_IF_ERROR(types_.Allocate(d));
    HPO_RETURN_IF_ERROR(levels_.Allocate(d));
    HPO_RETURN_IF_ERROR(genes_.Upload(genes, cells));
    HPO_RETURN_IF_ERROR(types_.Upload(types, d));
    return levels_.Upload(levels, d);
  }

  Status Evolve(const double* fitness, const Operators& op, uint64_t seed, uint32_t generation) {
    std::vector<int32_t> elites = EliteIndices(fitness, n_, op.elitism);
    HPO_RETURN_IF_ERROR(fitness_.Upload(fitness, n_));
    HPO_RETURN_IF_ERROR(elites_.Upload(elites.data(), elites.size()));
    HPO_RETURN_IF_ERROR(EvolveCuda(next_.get(), genes_.get(), fitness_.get(), elites_.get(),
                                   static_cast<int32_t>(elites.size()), types_.get(), levels_.get(), parents_.get(), n_,
                                   d_, op, seed, generation));
    genes_.swap(next_);
    return Status::Ok();
  }

  Status Breed(double* out, const double* fitness, const Operators& op, uint64_t seed, uint32_t generation,
               uint32_t first, int32_t count) {
    if (count == 0) return Status::Ok();
    DeviceBuffer<double> children;
    HPO_RETURN_IF_ERROR(children.Allocate(static_cast<size_t>(count) * d_));
    HPO_RETURN_IF_ERROR(fitness_.Upload(fitness, n_));
    HPO_RETURN_IF_ERROR(BreedCuda(children.get(), genes_.get(), fitness_.get(), types_.get(), levels_.get(), n_, d_, op,
                                  seed, generation, first, count));
    return children.Download(out, static_cast<size_t>(count) * d_);
  }

  Status Rank(int32_t* rank, double* crowding, const double* objectives, int32_t k, int32_t m) {
    if (k < kDeviceRankMin || m == 2) {
      NondominatedRankCpu(rank, objectives, k, m);
    } else {
      DeviceBuffer<double> objs;
      DeviceBuffer<int32_t> ranks, counts;
      size_t cells = static_cast<size_t>(k) * m;
      HPO_RETURN_IF_ERROR(objs.Allocate(cells));
      HPO_RETURN_IF_ERROR(ranks.Allocate(k));
      HPO_RETURN_IF_ERROR(counts.Allocate(k));
      HPO_RETURN_IF_ERROR(objs.Upload(objectives, cells));
      HPO_RETURN_IF_ERROR(NondominatedRankCuda(ranks.get(), objs.get(), counts.get(), k, m));
      HPO_RETURN_IF_ERROR(ranks.Download(rank, k));
    }
    // Crowding needs a sort per front and objective: done on the host from the device's ranks.
    CrowdingCpu(crowding, objectives, rank, k, m);
    return Status::Ok();
  }

  Status Genes(double* out) { return genes_.Download(out, static_cast<size_t>(n_) * d_); }
  Status SetGenes(const double* genes) { return genes_.Upload(genes, static_cast<size_t>(n_) * d_); }

 private:
  int32_t n_ = 0, d_ = 0;
  DeviceBuffer<double> genes_, next_, fitness_;
  DeviceBuffer<int32_t> elites_, types_, levels_, parents_;
};

}  // namespace

void RegisterEvoCuda(Napi::Env env, Napi::Object exports) {
  exports.Set("Population", PopulationWrap<CudaEngine>::Define(env, "Population"));
}

}  // namespace hpo::evo
