// The JS face of a population, shared by the CPU and CUDA modules: a Napi::ObjectWrap templated on an
// engine that owns the genes (host memory for the CPU, device memory for CUDA). Every engine method
// returns a Status, so each failure reaches JS with a `code` (common/async_worker.h).
//
// JS: new Population(genes: Float64Array (n*d), n, d, types: Int32Array (d), levels: Int32Array (d), seed)
//   evolve(fitness: Float64Array (n), operators: Float64Array (9)) -> Promise<void>   one generation
//   breed(fitness, operators, generation, first, count) -> Float64Array (count*d)     no state change
//   rank(objectives: Float64Array (k*m), m) -> { rank: Int32Array (k), crowding: Float64Array (k) }
//   genes() -> Float64Array (n*d) · setGenes(genes) · generation() -> number · dispose()
// operators = [tournament, crossover, mutation, crossoverKind, etaC, etaM, mutationKind, sigma, elitism]
// (see Operators in evo_math.h). Every argument is checked here; a bad one throws TypeError or
// RangeError naming it, so no call from JS can crash the process. Defaults live in TypeScript.
// Kernel timing lives in the dev harness (native/dev/evolve_dev.cu), not in the shipped module.
#pragma once
#include <napi.h>

#include <cmath>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/args.h"
#include "common/async_worker.h"
#include "common/status.h"
#include "evo/evo.h"

namespace hpo::evo {

constexpr size_t kOperatorCount = 9;
// Generations of at least this many genes run on the libuv pool; smaller ones inline.
constexpr double kAsyncGenes = 65536.0;

inline Operators ArgOperators(const Napi::CallbackInfo& info, size_t i, int32_t n) {
  auto a = TypedArrayArg<double>(info, i, "operators", ArrayRequirements::Length(kOperatorCount));
  auto integer = [&](size_t k, const char* what) {
    double v = a.data[k];
    if (!(std::fabs(v) < 2147483647.0) || std::floor(v) != v) {
      ThrowRange(info.Env(), std::string("operators: ") + what + " must be an integer");
    }
    return static_cast<int32_t>(v);
  };
  Operators op{integer(0, "tournament"),     a.data[1], a.data[2],
               integer(3, "crossover kind"), a.data[4], a.data[5],
               integer(6, "mutation kind"),  a.data[7], integer(8, "elitism")};
  std::string problem = CheckOperators(op, n);
  if (!problem.empty()) ThrowRange(info.Env(), "operators: " + problem);
  return op;
}

template <typename Engine>
class PopulationWrap : public Napi::ObjectWrap<PopulationWrap<Engine>> {
 public:
  static Napi::Function Define(Napi::Env env, const char* name) {
    using W = PopulationWrap<Engine>;
    return W::DefineClass(
        env, name,
        {W::InstanceMethod("evolve", &W::Evolve), W::InstanceMethod("breed", &W::Breed),
         W::InstanceMethod("rank", &W::Rank), W::InstanceMethod("genes", &W::Genes),
         W::InstanceMethod("setGenes", &W::SetGenes), W::InstanceMethod("generation", &W::GenerationValue),
         W::InstanceMethod("dispose", &W::Dispose)});
  }

  explicit PopulationWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<PopulationWrap<Engine>>(info) {
    Napi::Env env = info.Env();
    n_ = static_cast<int32_t>(IntArg(info, 1, "n", 1, 1 << 30));
    d_ = static_cast<int32_t>(IntArg(info, 2, "d", 1, 1 << 20));
    if (static_cast<double>(n_) * d_ > 4294967296.0) ThrowRange(env, "n * d must be at most 2^32");
    auto genes = TypedArrayArg<double>(info, 0, "genes", ArrayRequirements::Length(static_cast<size_t>(n_) * d_));
    auto types = TypedArrayArg<int32_t>(info, 3, "types", ArrayRequirements::Length(static_cast<size_t>(d_)));
    auto levels = TypedArrayArg<int32_t>(info, 4, "levels", ArrayRequirements::Length(static_cast<size_t>(d_)));
    uint64_t seed = CountArg(info, 5, "seed");
    std::string problem = CheckGeneTypes(types.data, levels.data, d_);
    if (!problem.empty()) ThrowRange(env, "types: " + problem);
    CheckGenes(env, genes);
    seed_ = seed;
    types_.assign(types.data, types.data + d_);
    levels_.assign(levels.data, levels.data + d_);
    std::vector<double> snapped = Snapped(genes);
    engine_ = std::make_unique<Engine>();
    RunNow(
        env, [&] { return engine_->Init(snapped.data(), n_, d_, types.data, levels.data); },
        [](Napi::Env e) -> Napi::Value { return e.Undefined(); });
  }

 private:
  void CheckUsable(Napi::Env env) {
    if (!engine_) ThrowState(env, "this Population was disposed");
    if (busy_) ThrowState(env, "this Population is busy: wait for the previous evolve() to settle");
  }

  // Genes are positions in the unit cube: one outside it is HPO_OUT_OF_BOUNDS.
  void CheckGenes(Napi::Env env, const ArrayArg<double>& genes) {
    for (size_t i = 0; i < genes.length; ++i) {
      if (!(genes.data[i] >= 0.0 && genes.data[i] <= 1.0)) {
        ThrowRange(env,
                   "genes must lie in [0, 1]; element " + std::to_string(i) + " is " + std::to_string(genes.data[i]),
                   StatusCode::kOutOfBounds);
      }
    }
  }

  // Integer and categorical genes moved onto their valid values, so every individual is a configuration.
  std::vector<double> Snapped(const ArrayArg<double>& genes) {
    std::vector<double> out(genes.data, genes.data + genes.length);
    for (size_t i = 0; i < out.size(); ++i) out[i] = Snap(out[i], types_[i % d_], levels_[i % d_]);
    return out;
  }

  Napi::Value Evolve(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    CheckUsable(env);
    auto fitness = CopiedArrayArg<double>(info, 0, "fitness", ArrayRequirements::Length(static_cast<size_t>(n_)));
    Operators op = ArgOperators(info, 1, n_);
    if (generation_ >= 4294967295u) ThrowRange(env, "the generation counter is exhausted");
    Engine* engine = engine_.get();
    const uint64_t seed = seed_;
    const uint32_t generation = generation_;
    auto work = [engine, fitness = std::move(fitness), op, seed, generation] {
      return engine->Evolve(fitness.data(), op, seed, generation);
    };
    auto done = [this](Napi::Env e) -> Napi::Value {
      generation_ += 1;
      return e.Undefined();
    };
    if (static_cast<double>(n_) * d_ < kAsyncGenes) return SettleNow(env, work, done);
    busy_ = true;
    return QueueWork(env, "hpo.evo.evolve", {this->Value()}, std::move(work), std::move(done),
                     [this] { busy_ = false; });
  }

  Napi::Value Breed(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    CheckUsable(env);
    auto fitness = TypedArrayArg<double>(info, 0, "fitness", ArrayRequirements::Length(static_cast<size_t>(n_)));
    Operators op = ArgOperators(info, 1, n_);
    auto generation = static_cast<uint32_t>(IntArg(info, 2, "generation", 0, 4294967295.0));
    auto first = static_cast<uint32_t>(IntArg(info, 3, "first", 0, 4294967295.0));
    auto count = static_cast<int32_t>(IntArg(info, 4, "count", 0, 1 << 24));
    if (static_cast<double>(first) + count > 4294967296.0) ThrowRange(env, "first + count must be at most 2^32");
    Napi::Float64Array out = Napi::Float64Array::New(env, static_cast<size_t>(count) * d_);
    return RunNow(
        env, [&] { return engine_->Breed(out.Data(), fitness.data, op, seed_, generation, first, count); },
        [&](Napi::Env) -> Napi::Value { return out; });
  }

  Napi::Value Rank(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    CheckUsable(env);
    auto m = static_cast<int32_t>(IntArg(info, 1, "m", 2, 4));
    auto objectives = TypedArrayArg<double>(info, 0, "objectives");
    if (objectives.length % static_cast<size_t>(m) != 0) {
      ThrowRange(env, "objectives must have a multiple of m = " + std::to_string(m) + " elements");
    }
    auto k = static_cast<int32_t>(objectives.length / static_cast<size_t>(m));
    Napi::Int32Array rank = Napi::Int32Array::New(env, static_cast<size_t>(k));
    Napi::Float64Array crowding = Napi::Float64Array::New(env, static_cast<size_t>(k));
    return RunNow(
        env, [&] { return engine_->Rank(rank.Data(), crowding.Data(), objectives.data, k, m); },
        [&](Napi::Env e) -> Napi::Value {
          Napi::Object out = Napi::Object::New(e);
          out.Set("rank", rank);
          out.Set("crowding", crowding);
          return out;
        });
  }

  Napi::Value Genes(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    CheckUsable(env);
    Napi::Float64Array out = Napi::Float64Array::New(env, static_cast<size_t>(n_) * d_);
    return RunNow(
        env, [&] { return engine_->Genes(out.Data()); }, [&](Napi::Env) -> Napi::Value { return out; });
  }

  Napi::Value SetGenes(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    CheckUsable(env);
    auto genes = TypedArrayArg<double>(info, 0, "genes", ArrayRequirements::Length(static_cast<size_t>(n_) * d_));
    CheckGenes(env, genes);
    std::vector<double> snapped = Snapped(genes);
    return RunNow(
        env, [&] { return engine_->SetGenes(snapped.data()); },
        [](Napi::Env e) -> Napi::Value { return e.Undefined(); });
  }

  Napi::Value GenerationValue(const Napi::CallbackInfo& info) {
    return Napi::Number::New(info.Env(), static_cast<double>(generation_));
  }

  Napi::Value Dispose(const Napi::CallbackInfo& info) {
    if (busy_) ThrowState(info.Env(), "this Population is busy: wait for the previous evolve() to settle");
    engine_.reset();
    return info.Env().Undefined();
  }

  std::unique_ptr<Engine> engine_;
  std::vector<int32_t> types_, levels_;
  int32_t n_ = 0;
  int32_t d_ = 0;
  uint64_t seed_ = 0;
  uint32_t generation_ = 0;
  bool busy_ = false;
};

}  // namespace hpo::evo
