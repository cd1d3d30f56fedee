// Node-API glue for population evolution on a GPU: the CUDA `Population` keeps genes, gene types and
// the next generation in device memory between generations (see population_napi.h for the JS face).
#include <cuda_runtime.h>
#include <napi.h>

#include <utility>
#include <vector>

#include "evo/evo.h"
#include "evo/evo_cuda.h"
#include "evo/population_napi.h"
#include "registry.h"

namespace hpo::evo {
namespace {

// A device buffer owned by RAII; copy-free moves only.
template <typename T>
class DeviceBuffer {
 public:
  DeviceBuffer() = default;
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;
  ~DeviceBuffer() {
    if (ptr_) cudaFree(ptr_);
  }
  std::string Allocate(size_t count) {
    if (ptr_) cudaFree(ptr_);
    ptr_ = nullptr;
    size_ = count;
    if (count == 0) return "";
    HPO_EVO_CUDA_CHECK(cudaMalloc(reinterpret_cast<void**>(&ptr_), count * sizeof(T)));
    return "";
  }
  std::string Upload(const T* host, size_t count) {
    HPO_EVO_CUDA_CHECK(cudaMemcpy(ptr_, host, count * sizeof(T), cudaMemcpyHostToDevice));
    return "";
  }
  std::string Download(T* host, size_t count) const {
    HPO_EVO_CUDA_CHECK(cudaMemcpy(host, ptr_, count * sizeof(T), cudaMemcpyDeviceToHost));
    return "";
  }
  T* get() const { return ptr_; }
  size_t size() const { return size_; }
  void swap(DeviceBuffer& other) {
    std::swap(ptr_, other.ptr_);
    std::swap(size_, other.size_);
  }

 private:
  T* ptr_ = nullptr;
  size_t size_ = 0;
};

// Fronts smaller than this are ranked on the host: a few kernel launches per front cost more there.
// Two objectives are always ranked on the host: its O(n log n) sort beats the O(n²) dominator counts.
constexpr int32_t kDeviceRankMin = 1024;

class CudaEngine {
 public:
  std::string Init(const double* genes, int32_t n, int32_t d, const int32_t* types, const int32_t* levels) {
    n_ = n;
    d_ = d;
    size_t cells = static_cast<size_t>(n) * d;
    std::string s;
    if (!(s = genes_.Allocate(cells)).empty() || !(s = next_.Allocate(cells)).empty() ||
        !(s = fitness_.Allocate(n)).empty() || !(s = elites_.Allocate(n)).empty() ||
        !(s = parents_.Allocate(3 * static_cast<size_t>(n))).empty() ||
        !(s = types_.Allocate(d)).empty() || !(s = levels_.Allocate(d)).empty())
      return s;
    if (!(s = genes_.Upload(genes, cells)).empty() || !(s = types_.Upload(types, d)).empty() ||
        !(s = levels_.Upload(levels, d)).empty())
      return s;
    return "";
  }

  std::string Evolve(const double* fitness, const Operators& op, uint64_t seed, uint32_t generation) {
    std::vector<int32_t> elites = EliteIndices(fitness, n_, op.elitism);
    std::string s;
    if (!(s = fitness_.Upload(fitness, n_)).empty()) return s;
    if (!elites.empty() && !(s = elites_.Upload(elites.data(), elites.size())).empty()) return s;
    s = EvolveCuda(next_.get(), genes_.get(), fitness_.get(), elites_.get(), static_cast<int32_t>(elites.size()),
                   types_.get(), levels_.get(), parents_.get(), n_, d_, op, seed, generation);
    if (!s.empty()) return s;
    genes_.swap(next_);
    return "";
  }

  std::string TimeEvolve(double* ms, const double* fitness, const Operators& op, uint64_t seed, uint32_t generation,
                         int32_t reps) {
    std::vector<int32_t> elites = EliteIndices(fitness, n_, op.elitism);
    std::string s;
    if (!(s = fitness_.Upload(fitness, n_)).empty()) return s;
    if (!elites.empty() && !(s = elites_.Upload(elites.data(), elites.size())).empty()) return s;
    double* genes = genes_.get();
    double* next = next_.get();
    s = TimeEvolveCuda(ms, &genes, &next, fitness_.get(), elites_.get(), static_cast<int32_t>(elites.size()),
                       types_.get(), levels_.get(), parents_.get(), n_, d_, op, seed, generation, reps);
    if (genes != genes_.get()) genes_.swap(next_);  // the latest generation is where `genes` points
    return s;
  }

  std::string Breed(double* out, const double* fitness, const Operators& op, uint64_t seed, uint32_t generation,
                    uint32_t first, int32_t count) {
    if (count == 0) return "";
    DeviceBuffer<double> children;
    std::string s;
    if (!(s = children.Allocate(static_cast<size_t>(count) * d_)).empty()) return s;
    if (!(s = fitness_.Upload(fitness, n_)).empty()) return s;
    s = BreedCuda(children.get(), genes_.get(), fitness_.get(), types_.get(), levels_.get(), n_, d_, op, seed,
                  generation, first, count);
    if (!s.empty()) return s;
    return children.Download(out, static_cast<size_t>(count) * d_);
  }

  std::string Rank(int32_t* rank, double* crowding, const double* objectives, int32_t k, int32_t m) {
    if (k < kDeviceRankMin || m == 2) {
      NondominatedRankCpu(rank, objectives, k, m);
    } else {
      DeviceBuffer<double> objs;
      DeviceBuffer<int32_t> ranks, counts;
      size_t cells = static_cast<size_t>(k) * m;
      std::string s;
      if (!(s = objs.Allocate(cells)).empty() || !(s = ranks.Allocate(k)).empty() || !(s = counts.Allocate(k)).empty())
        return s;
      if (!(s = objs.Upload(objectives, cells)).empty()) return s;
      if (!(s = NondominatedRankCuda(ranks.get(), objs.get(), counts.get(), k, m)).empty()) return s;
      if (!(s = ranks.Download(rank, k)).empty()) return s;
    }
    // Crowding needs a sort per front and objective: done on the host from the device's ranks.
    CrowdingCpu(crowding, objectives, rank, k, m);
    return "";
  }

  std::string Genes(double* out) { return genes_.Download(out, static_cast<size_t>(n_) * d_); }
  std::string SetGenes(const double* genes) { return genes_.Upload(genes, static_cast<size_t>(n_) * d_); }

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
