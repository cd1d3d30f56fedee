// The JS face of a population, shared by the CPU and CUDA modules: a Napi::ObjectWrap templated on an
// engine that owns the genes (host memory for the CPU, device memory for CUDA).
//
// JS: new Population(genes: Float64Array (n*d), n, d, types: Int32Array (d), levels: Int32Array (d), seed)
//   evolve(fitness: Float64Array (n), operators: Float64Array (9)) -> Promise<void>   one generation
//   breed(fitness, operators, generation, first, count) -> Float64Array (count*d)     no state change
//   rank(objectives: Float64Array (k*m), m) -> { rank: Int32Array (k), crowding: Float64Array (k) }
//   genes() -> Float64Array (n*d) · setGenes(genes) · generation() -> number · dispose()
//   _timeEvolve(fitness, operators, reps) -> ms for `reps` generations run back to back in native code
//     (diagnostic, for `hpo bench evolution`: no JS or thread-pool overhead; CUDA events on the GPU)
// operators = [tournament, crossover, mutation, crossoverKind, etaC, etaM, mutationKind, sigma, elitism]
// (see Operators in evo_math.h). Every argument is checked here; a bad one throws TypeError or
// RangeError naming it, so no call from JS can crash the process. Defaults live in TypeScript.
#pragma once
#include <napi.h>

#include <cmath>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "evo/evo.h"

namespace hpo::evo {

constexpr size_t kOperatorCount = 9;
// Generations of at least this many genes run on the libuv pool; smaller ones inline.
constexpr double kAsyncGenes = 65536.0;

inline Napi::Float64Array ArgFloat64(const Napi::CallbackInfo& info, size_t i, const char* name, size_t length) {
  if (info.Length() <= i || !info[i].IsTypedArray() ||
      info[i].As<Napi::TypedArray>().TypedArrayType() != napi_float64_array)
    throw Napi::TypeError::New(info.Env(), std::string(name) + " must be a Float64Array");
  auto array = info[i].As<Napi::Float64Array>();
  if (length != SIZE_MAX && array.ElementLength() != length)
    throw Napi::RangeError::New(info.Env(), std::string(name) + " must have " + std::to_string(length) +
                                                " elements, got " + std::to_string(array.ElementLength()));
  return array;
}

inline Napi::Int32Array ArgInt32Array(const Napi::CallbackInfo& info, size_t i, const char* name, size_t length) {
  if (info.Length() <= i || !info[i].IsTypedArray() || info[i].As<Napi::TypedArray>().TypedArrayType() != napi_int32_array)
    throw Napi::TypeError::New(info.Env(), std::string(name) + " must be an Int32Array");
  auto array = info[i].As<Napi::Int32Array>();
  if (array.ElementLength() != length)
    throw Napi::RangeError::New(info.Env(), std::string(name) + " must have " + std::to_string(length) +
                                                " elements, got " + std::to_string(array.ElementLength()));
  return array;
}

// An integer in [low, high] passed as a JS number.
inline double ArgInteger(const Napi::CallbackInfo& info, size_t i, const char* name, double low, double high) {
  if (info.Length() <= i || !info[i].IsNumber()) throw Napi::TypeError::New(info.Env(), std::string(name) + " must be a number");
  double v = info[i].As<Napi::Number>().DoubleValue();
  if (!(v >= low && v <= high) || std::floor(v) != v)
    throw Napi::RangeError::New(info.Env(), std::string(name) + " must be an integer in [" + std::to_string(static_cast<int64_t>(low)) +
                                                ", " + std::to_string(static_cast<int64_t>(high)) + "]");
  return v;
}

inline Operators ArgOperators(const Napi::CallbackInfo& info, size_t i, int32_t n) {
  Napi::Float64Array a = ArgFloat64(info, i, "operators", kOperatorCount);
  auto integer = [&](size_t k, const char* what) {
    double v = a[k];
    if (!(std::fabs(v) < 2147483647.0) || std::floor(v) != v)
      throw Napi::RangeError::New(info.Env(), std::string("operators: ") + what + " must be an integer");
    return static_cast<int32_t>(v);
  };
  Operators op{integer(0, "tournament"), a[1], a[2], integer(3, "crossover kind"), a[4], a[5],
               integer(6, "mutation kind"), a[7], integer(8, "elitism")};
  std::string problem = CheckOperators(op, n);
  if (!problem.empty()) throw Napi::RangeError::New(info.Env(), "operators: " + problem);
  return op;
}

template <typename Engine>
class PopulationWrap : public Napi::ObjectWrap<PopulationWrap<Engine>> {
 public:
  static Napi::Function Define(Napi::Env env, const char* name) {
    using W = PopulationWrap<Engine>;
    return W::DefineClass(env, name,
                          {W::InstanceMethod("evolve", &W::Evolve), W::InstanceMethod("breed", &W::Breed),
                           W::InstanceMethod("rank", &W::Rank), W::InstanceMethod("genes", &W::Genes),
                           W::InstanceMethod("setGenes", &W::SetGenes),
                           W::InstanceMethod("generation", &W::GenerationValue),
                           W::InstanceMethod("dispose", &W::Dispose),
                           W::InstanceMethod("_timeEvolve", &W::TimeEvolve)});
  }

  explicit PopulationWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<PopulationWrap<Engine>>(info) {
    Napi::Env env = info.Env();
    n_ = static_cast<int32_t>(ArgInteger(info, 1, "n", 1, 1 << 30));
    d_ = static_cast<int32_t>(ArgInteger(info, 2, "d", 1, 1 << 20));
    if (static_cast<double>(n_) * d_ > 4294967296.0) throw Napi::RangeError::New(env, "n * d must be at most 2^32");
    Napi::Float64Array genes = ArgFloat64(info, 0, "genes", static_cast<size_t>(n_) * d_);
    Napi::Int32Array types = ArgInt32Array(info, 3, "types", static_cast<size_t>(d_));
    Napi::Int32Array levels = ArgInt32Array(info, 4, "levels", static_cast<size_t>(d_));
    double seed = ArgInteger(info, 5, "seed", 0, 9007199254740991.0);
    std::string problem = CheckGeneTypes(types.Data(), levels.Data(), d_);
    if (!problem.empty()) throw Napi::RangeError::New(env, "types: " + problem);
    CheckGenes(env, genes);
    seed_ = static_cast<uint64_t>(seed);
    types_.assign(types.Data(), types.Data() + d_);
    levels_.assign(levels.Data(), levels.Data() + d_);
    std::vector<double> snapped = Snapped(genes);
    engine_ = std::make_unique<Engine>();
    std::string status = engine_->Init(snapped.data(), n_, d_, types.Data(), levels.Data());
    if (!status.empty()) throw Napi::Error::New(env, status);
  }

 private:
  void CheckUsable(Napi::Env env) {
    if (!engine_) throw Napi::Error::New(env, "this Population was disposed");
    if (busy_) throw Napi::Error::New(env, "this Population is busy: wait for the previous evolve() to settle");
  }

  void CheckGenes(Napi::Env env, const Napi::Float64Array& genes) {
    const double* g = genes.Data();
    for (size_t i = 0; i < genes.ElementLength(); ++i)
      if (!(g[i] >= 0.0 && g[i] <= 1.0))
        throw Napi::RangeError::New(env, "genes must lie in [0, 1]; element " + std::to_string(i) + " is " +
                                             std::to_string(g[i]));
  }

  // Integer and categorical genes moved onto their valid values, so every individual is a configuration.
  std::vector<double> Snapped(const Napi::Float64Array& genes) {
    std::vector<double> out(genes.Data(), genes.Data() + genes.ElementLength());
    for (size_t i = 0; i < out.size(); ++i) out[i] = Snap(out[i], types_[i % d_], levels_[i % d_]);
    return out;
  }

  class EvolveWorker : public Napi::AsyncWorker {
   public:
    EvolveWorker(Napi::Env env, PopulationWrap* self, std::vector<double> fitness, Operators op)
        : Napi::AsyncWorker(env), self_(self), fitness_(std::move(fitness)), op_(op), deferred_(env) {
      self_ref_ = Napi::Persistent(self->Value());
    }
    Napi::Promise Promise() { return deferred_.Promise(); }
    void Execute() override {
      std::string status = self_->engine_->Evolve(fitness_.data(), op_, self_->seed_, self_->generation_);
      if (!status.empty()) SetError(status);
    }
    void OnOK() override {
      self_->busy_ = false;
      self_->generation_ += 1;
      deferred_.Resolve(Env().Undefined());
    }
    void OnError(const Napi::Error& error) override {
      self_->busy_ = false;
      deferred_.Reject(error.Value());
    }

   private:
    PopulationWrap* self_;
    Napi::ObjectReference self_ref_;  // keeps the population alive while the worker runs
    std::vector<double> fitness_;
    Operators op_;
    Napi::Promise::Deferred deferred_;
  };

  Napi::Value Evolve(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    CheckUsable(env);
    Napi::Float64Array fitness = ArgFloat64(info, 0, "fitness", static_cast<size_t>(n_));
    Operators op = ArgOperators(info, 1, n_);
    if (generation_ >= 4294967295u) throw Napi::RangeError::New(env, "the generation counter is exhausted");
    std::vector<double> copy(fitness.Data(), fitness.Data() + n_);
    if (static_cast<double>(n_) * d_ < kAsyncGenes) {
      auto deferred = Napi::Promise::Deferred::New(env);
      std::string status = engine_->Evolve(copy.data(), op, seed_, generation_);
      if (status.empty()) {
        generation_ += 1;
        deferred.Resolve(env.Undefined());
      } else {
        deferred.Reject(Napi::Error::New(env, status).Value());
      }
      return deferred.Promise();
    }
    busy_ = true;
    auto* worker = new EvolveWorker(env, this, std::move(copy), op);  // deletes itself when done
    Napi::Promise promise = worker->Promise();
    worker->Queue();
    return promise;
  }

  Napi::Value TimeEvolve(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    CheckUsable(env);
    Napi::Float64Array fitness = ArgFloat64(info, 0, "fitness", static_cast<size_t>(n_));
    Operators op = ArgOperators(info, 1, n_);
    auto reps = static_cast<int32_t>(ArgInteger(info, 2, "reps", 1, 100000));
    if (static_cast<double>(generation_) + reps > 4294967295.0)
      throw Napi::RangeError::New(env, "the generation counter is exhausted");
    double ms = 0.0;
    std::string status = engine_->TimeEvolve(&ms, fitness.Data(), op, seed_, generation_, reps);
    if (!status.empty()) throw Napi::Error::New(env, status);
    generation_ += static_cast<uint32_t>(reps);
    return Napi::Number::New(env, ms);
  }

  Napi::Value Breed(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    CheckUsable(env);
    Napi::Float64Array fitness = ArgFloat64(info, 0, "fitness", static_cast<size_t>(n_));
    Operators op = ArgOperators(info, 1, n_);
    auto generation = static_cast<uint32_t>(ArgInteger(info, 2, "generation", 0, 4294967295.0));
    auto first = static_cast<uint32_t>(ArgInteger(info, 3, "first", 0, 4294967295.0));
    auto count = static_cast<int32_t>(ArgInteger(info, 4, "count", 0, 1 << 24));
    if (static_cast<double>(first) + count > 4294967296.0) throw Napi::RangeError::New(env, "first + count must be at most 2^32");
    Napi::Float64Array out = Napi::Float64Array::New(env, static_cast<size_t>(count) * d_);
    std::string status = engine_->Breed(out.Data(), fitness.Data(), op, seed_, generation, first, count);
    if (!status.empty()) throw Napi::Error::New(env, status);
    return out;
  }

  Napi::Value Rank(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    CheckUsable(env);
    auto m = static_cast<int32_t>(ArgInteger(info, 1, "m", 2, 4));
    Napi::Float64Array objectives = ArgFloat64(info, 0, "objectives", SIZE_MAX);
    size_t length = objectives.ElementLength();
    if (length % static_cast<size_t>(m) != 0)
      throw Napi::RangeError::New(env, "objectives must have a multiple of m = " + std::to_string(m) + " elements");
    auto k = static_cast<int32_t>(length / static_cast<size_t>(m));
    Napi::Int32Array rank = Napi::Int32Array::New(env, static_cast<size_t>(k));
    Napi::Float64Array crowding = Napi::Float64Array::New(env, static_cast<size_t>(k));
    std::string status = engine_->Rank(rank.Data(), crowding.Data(), objectives.Data(), k, m);
    if (!status.empty()) throw Napi::Error::New(env, status);
    Napi::Object out = Napi::Object::New(env);
    out.Set("rank", rank);
    out.Set("crowding", crowding);
    return out;
  }

  Napi::Value Genes(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    CheckUsable(env);
    Napi::Float64Array out = Napi::Float64Array::New(env, static_cast<size_t>(n_) * d_);
    std::string status = engine_->Genes(out.Data());
    if (!status.empty()) throw Napi::Error::New(env, status);
    return out;
  }

  Napi::Value SetGenes(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    CheckUsable(env);
    Napi::Float64Array genes = ArgFloat64(info, 0, "genes", static_cast<size_t>(n_) * d_);
    CheckGenes(env, genes);
    std::string status = engine_->SetGenes(Snapped(genes).data());
    if (!status.empty()) throw Napi::Error::New(env, status);
    return env.Undefined();
  }

  Napi::Value GenerationValue(const Napi::CallbackInfo& info) {
    return Napi::Number::New(info.Env(), static_cast<double>(generation_));
  }

  Napi::Value Dispose(const Napi::CallbackInfo& info) {
    if (busy_) throw Napi::Error::New(info.Env(), "this Population is busy: wait for the previous evolve() to settle");
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
