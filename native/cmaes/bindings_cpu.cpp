// Node-API glue for CMA-ES on the CPU (cmaes.h). Every argument is checked here (TypeError or
// RangeError naming it, code HPO_INVALID_ARGUMENT; a mean outside the cube is HPO_OUT_OF_BOUNDS), so
// no call from JS can crash the process. Defaults and friendly validation live in src/native/cmaes.ts.
//
// JS: new CmaEs(settings: Float64Array [n, popsize, sigma0, restart, diagonal, seed, maxResample],
//               mean: Float64Array (n), sigma: number, variances: Float64Array (n) | null)
//   sample(number, attempt) -> Float64Array (n)         candidate of the current generation
//   tell(numbers: Uint32Array, attempts: Uint32Array, fitness: Float64Array) -> undefined   (lambda each)
//   info() -> { generation, runGeneration, restarts, lambda, sigma, stop, smallRegime }
//   mean() -> Float64Array (n) · covariance() -> Float64Array (n * n) · dispose()
// _cmaesEigen(a: Float64Array (n * n), n) -> { values, vectors }   (the known-answer tests')
// A generation's update takes O(lambda n^2 + n^3): microseconds at the sizes a study has, so every
// call runs inline (common/async_worker.h's RunNow) rather than on the libuv pool.
#include <napi.h>

#include <memory>
#include <string>
#include <vector>

#include "cmaes/cmaes.h"
#include "common/args.h"
#include "common/async_worker.h"
#include "common/status.h"
#include "registry.h"

namespace hpo::cmaes {
namespace {

constexpr size_t kSettingCount = 7;

class CmaEsWrap : public Napi::ObjectWrap<CmaEsWrap> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(
        env, "CmaEs",
        {InstanceMethod("sample", &CmaEsWrap::SampleJs), InstanceMethod("tell", &CmaEsWrap::TellJs),
         InstanceMethod("info", &CmaEsWrap::InfoJs), InstanceMethod("mean", &CmaEsWrap::MeanJs),
         InstanceMethod("covariance", &CmaEsWrap::CovarianceJs), InstanceMethod("dispose", &CmaEsWrap::DisposeJs)});
  }

  explicit CmaEsWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<CmaEsWrap>(info) {
    Napi::Env env = info.Env();
    auto raw = TypedArrayArg<double>(info, 0, "settings", ArrayRequirements::Finite(kSettingCount));
    auto integer = [&](size_t k, const char* what, double low, double high) {
      double v = raw.data[k];
      if (v != std::floor(v) || v < low || v > high)
        ThrowRange(env, std::string("settings: ") + what + " must be an integer from " + FormatNumber(low) + " to " +
                            FormatNumber(high) + ", got " + FormatNumber(v));
      return v;
    };
    Settings s;
    s.n = static_cast<int32_t>(integer(0, "n", 1, 10000));
    s.popsize = static_cast<int32_t>(integer(1, "popsize", 0, 1 << 20));
    s.sigma0 = raw.data[2];
    s.restart = static_cast<Restart>(static_cast<int32_t>(integer(3, "restart", 0, 2)));
    s.diagonal = integer(4, "diagonal", 0, 1) != 0;
    s.seed = static_cast<uint64_t>(integer(5, "seed", 0, 9007199254740991.0));
    s.max_resample = static_cast<int32_t>(integer(6, "maxResample", 1, 100000));
    std::string problem = CheckSettings(s);
    if (!problem.empty()) ThrowRange(env, "settings: " + problem);
    auto mean = TypedArrayArg<double>(info, 1, "mean", ArrayRequirements::Finite(static_cast<size_t>(s.n)));
    for (size_t i = 0; i < mean.length; ++i)
      if (!(mean.data[i] >= 0.0 && mean.data[i] <= 1.0))
        ThrowRange(env, "mean must lie in [0, 1]; element " + std::to_string(i) + " is " + FormatNumber(mean.data[i]),
                   StatusCode::kOutOfBounds);
    double sigma = NumberArg(info, 2, "sigma");
    if (!(sigma > 0.0)) ThrowRange(env, "sigma must be > 0, got " + FormatNumber(sigma));
    std::vector<double> variances;
    if (!ArgAt(info, 3).IsNull() && !ArgAt(info, 3).IsUndefined()) {
      variances = CopiedArrayArg<double>(info, 3, "variances", ArrayRequirements::Finite(static_cast<size_t>(s.n)));
      for (size_t i = 0; i < variances.size(); ++i)
        if (!(variances[i] > 0.0))
          ThrowRange(env, "variances must be > 0; element " + std::to_string(i) + " is " + FormatNumber(variances[i]));
    }
    engine_ = std::make_unique<Engine>();
    RunNow(
        env, [&] { return engine_->Init(s, mean.data, sigma, variances.empty() ? nullptr : variances.data()); },
        [](Napi::Env e) -> Napi::Value { return e.Undefined(); });
  }

 private:
  Engine& Usable(Napi::Env env) {
    if (!engine_) ThrowState(env, "this CmaEs was disposed");
    return *engine_;
  }

  Napi::Value SampleJs(const Napi::CallbackInfo& info) {
    Engine& engine = Usable(info.Env());
    auto number = static_cast<uint32_t>(CountArg(info, 0, "number", 4294967295.0));
    auto attempt = static_cast<uint32_t>(CountArg(info, 1, "attempt", 65535.0));
    Napi::Float64Array out = Napi::Float64Array::New(info.Env(), static_cast<size_t>(engine.Dim()));
    engine.Sample(out.Data(), number, attempt);
    return out;
  }

  Napi::Value TellJs(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    Engine& engine = Usable(env);
    const size_t lambda = static_cast<size_t>(engine.Lambda());
    auto numbers = CopiedArrayArg<uint32_t>(info, 0, "numbers", ArrayRequirements::Length(lambda));
    auto attempts = CopiedArrayArg<uint32_t>(info, 1, "attempts", ArrayRequirements::Length(lambda));
    auto fitness = CopiedArrayArg<double>(info, 2, "fitness", ArrayRequirements::Finite(lambda));
    if (engine.Generation() >= 0xffffffu) ThrowState(env, "this CmaEs has run out of generations (2^24)");
    return RunNow(
        env, [&] { return engine.Tell(numbers.data(), attempts.data(), fitness.data(), static_cast<int32_t>(lambda)); },
        [](Napi::Env e) -> Napi::Value { return e.Undefined(); });
  }

  Napi::Value InfoJs(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    Engine& engine = Usable(env);
    Napi::Object out = Napi::Object::New(env);
    out.Set("generation", static_cast<double>(engine.Generation()));
    out.Set("runGeneration", static_cast<double>(engine.RunGeneration()));
    out.Set("restarts", static_cast<double>(engine.Restarts()));
    out.Set("lambda", static_cast<double>(engine.Lambda()));
    out.Set("sigma", engine.Sigma());
    out.Set("stop", StopName(engine.LastStop()));
    out.Set("smallRegime", engine.SmallRegime());
    return out;
  }

  Napi::Value MeanJs(const Napi::CallbackInfo& info) { return ToFloat64Array(info.Env(), Usable(info.Env()).Mean()); }

  Napi::Value CovarianceJs(const Napi::CallbackInfo& info) {
    return ToFloat64Array(info.Env(), Usable(info.Env()).Covariance());
  }

  Napi::Value DisposeJs(const Napi::CallbackInfo& info) {
    engine_.reset();
    return info.Env().Undefined();
  }

  std::unique_ptr<Engine> engine_;
};

Napi::Value Eigen(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto n = static_cast<int32_t>(IntArg(info, 1, "n", 1, 1000));
  auto a = TypedArrayArg<double>(info, 0, "a", ArrayRequirements::Finite(static_cast<size_t>(n) * n));
  std::vector<double> values(static_cast<size_t>(n)), vectors(static_cast<size_t>(n) * n);
  return RunNow(
      env, [&] { return SymmetricEigen(a.data, n, values.data(), vectors.data()); },
      [&](Napi::Env e) -> Napi::Value {
        Napi::Object out = Napi::Object::New(e);
        out.Set("values", ToFloat64Array(e, values));
        out.Set("vectors", ToFloat64Array(e, vectors));
        return out;
      });
}

}  // namespace

void RegisterCmaesCpu(Napi::Env env, Napi::Object exports) {
  exports.Set("CmaEs", CmaEsWrap::Define(env));
  exports.Set("_cmaesEigen", Napi::Function::New(env, Eigen, "_cmaesEigen"));
}

}  // namespace hpo::cmaes
