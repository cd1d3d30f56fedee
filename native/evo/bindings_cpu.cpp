// Node-API glue for population evolution on the CPU: `Population` (see population_napi.h).
#include <napi.h>

#include <algorithm>
#include <vector>

#include "common/status.h"
#include "evo/evo.h"
#include "evo/population_napi.h"
#include "registry.h"

namespace hpo::evo {
namespace {

// Genes in host memory; evolve() breeds into a second buffer and swaps.
class CpuEngine {
 public:
  Status Init(const double* genes, int32_t n, int32_t d, const int32_t* types, const int32_t* levels) {
    n_ = n;
    d_ = d;
    genes_.assign(genes, genes + static_cast<size_t>(n) * d);
    next_.resize(genes_.size());
    types_.assign(types, types + d);
    levels_.assign(levels, levels + d);
    return Status::Ok();
  }
  Status Evolve(const double* fitness, const Operators& op, uint64_t seed, uint32_t generation) {
    EvolveCpu(next_.data(), genes_.data(), fitness, types_.data(), levels_.data(), n_, d_, op, seed, generation);
    genes_.swap(next_);
    return Status::Ok();
  }
  Status Breed(double* out, const double* fitness, const Operators& op, uint64_t seed, uint32_t generation,
               uint32_t first, int32_t count) {
    BreedCpu(out, genes_.data(), fitness, types_.data(), levels_.data(), n_, d_, op, seed, generation, first, count);
    return Status::Ok();
  }
  Status Rank(int32_t* rank, double* crowding, const double* objectives, int32_t k, int32_t m) {
    NondominatedRankCpu(rank, objectives, k, m);
    CrowdingCpu(crowding, objectives, rank, k, m);
    return Status::Ok();
  }
  Status Genes(double* out) {
    std::copy(genes_.begin(), genes_.end(), out);
    return Status::Ok();
  }
  Status SetGenes(const double* genes) {
    std::copy(genes, genes + genes_.size(), genes_.begin());
    return Status::Ok();
  }

 private:
  int32_t n_ = 0, d_ = 0;
  std::vector<double> genes_, next_;
  std::vector<int32_t> types_, levels_;
};

}  // namespace

void RegisterEvoCpu(Napi::Env env, Napi::Object exports) {
  exports.Set("Population", PopulationWrap<CpuEngine>::Define(env, "Population"));
}

}  // namespace hpo::evo
