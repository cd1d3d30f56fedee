// The GpModel handle (Node-API ObjectWrap) shared by both modules: it owns one gp::Engine (CPU or
// CUDA, chosen by `Backend::make`), copies arguments in on the main thread, runs every O(n^2)+ call
// in common/async_worker.h's worker that settles a Promise (failures carry a `code`), and refuses
// overlapping calls (the TypeScript wrapper
// serializes them). JS surface, all sizes explicit (src/native/gp.ts is the typed face):
//   new GpModel(X: Float64Array(n*d), y: Float64Array(n), n, d, kernel: 0|1|2, threads, precision: 0|1)
//   lml(theta: Float64Array(d+3), withGradient) -> Promise<{ value, gradient?, jitter }>
//   condition(theta) -> Promise<{ jitter }>
//   fit(restarts, seed, maxIterations, warm: Float64Array(d+3) | null, threads,
//       curvature?: Float64Array(k * 2(d+3)) | null)    (L-BFGS pairs of an earlier fit, with warm)
//       -> Promise<{ theta, curvature, objective, lml, restartsFailed, jitter }>  (the model is conditioned)
//   predict(Xc: Float64Array(m*d), m) -> Promise<{ mean, variance }>
//   acquisition(Xc, m, kind: 0..3, best, beta, withGradient) -> Promise<{ value, gradient? }>
//   maximize(starts: Float64Array(m*d), m, kind, best, beta, maxIterations, threads) -> Promise<{ x, value }>
//   theta() -> Float64Array | null;  info() -> string (where the work runs);  dispose()
#pragma once
#include <napi.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/args.h"
#include "common/async_worker.h"
#include "common/status.h"
#include "gp/gp.h"
#include "gp/gp_fit.h"

namespace hpo::gp {

constexpr int kMaxPoints = 1 << 20;
constexpr int kMaxDims = 1 << 12;

template <typename Backend>
class GpModel : public Napi::ObjectWrap<GpModel<Backend>> {
 public:
  static Napi::Function Define(Napi::Env env) {
    using W = Napi::ObjectWrap<GpModel<Backend>>;
    return W::DefineClass(env, "GpModel",
                          {
                              W::InstanceMethod("lml", &GpModel::Lml),
                              W::InstanceMethod("condition", &GpModel::Condition),
                              W::InstanceMethod("fit", &GpModel::Fit),
                              W::InstanceMethod("predict", &GpModel::Predict),
                              W::InstanceMethod("acquisition", &GpModel::Acquisition),
                              W::InstanceMethod("maximize", &GpModel::Maximize),
                              W::InstanceMethod("theta", &GpModel::Theta),
                              W::InstanceMethod("info", &GpModel::Info),
                              W::InstanceMethod("dispose", &GpModel::Dispose),
                          });
  }

  explicit GpModel(const Napi::CallbackInfo& info) : Napi::ObjectWrap<GpModel<Backend>>(info) {
    n_ = static_cast<int>(IntArg(info, 2, "n", 1, kMaxPoints));
    d_ = static_cast<int>(IntArg(info, 3, "d", 1, kMaxDims));
    auto X = TypedArrayArg<double>(info, 0, "X", ArrayRequirements::Finite((size_t)n_ * d_));
    auto y = TypedArrayArg<double>(info, 1, "y", ArrayRequirements::Finite((size_t)n_));
    int kernel = static_cast<int>(IntArg(info, 4, "kernel", 0, 2));
    int threads = static_cast<int>(IntArg(info, 5, "threads", 0, 1024));
    int precision = static_cast<int>(IntArg(info, 6, "precision", 0, 1));
    Status status = CaptureStatus([&] { engine_ = Backend::make(X.data, y.data, n_, d_, kernel, threads, precision); });
    if (!status.ok()) ThrowStatus(info.Env(), status);
  }

 private:
  // Runs `work` on the thread pool (the model kept alive and marked busy until it settles); `done`
  // builds the resolved value on the main thread.
  template <typename Work, typename Done>
  Napi::Value Run(Napi::Env env, const char* name, Work work, Done done) {
    busy_ = true;
    return QueueWork(env, name, {this->Value()}, std::move(work), std::move(done), [this] { busy_ = false; });
  }

  Engine& Ready(const Napi::CallbackInfo& info) {
    if (!engine_) ThrowState(info.Env(), "this GpModel was disposed");
    if (busy_) ThrowState(info.Env(), "this GpModel is busy: await the previous call first");
    return *engine_;
  }

  Engine& Conditioned(const Napi::CallbackInfo& info) {
    Engine& engine = Ready(info);
    if (engine.theta.empty())
      ThrowState(info.Env(), "the GpModel has no hyperparameters yet: call fit() or condition() first");
    return engine;
  }

  Napi::Value Lml(const Napi::CallbackInfo& info) {
    Engine& engine = Ready(info);
    auto theta = std::make_shared<std::vector<double>>(
        CopiedArrayArg<double>(info, 0, "theta", ArrayRequirements::Finite(theta_size(d_))));
    bool with_grad = BoolArg(info, 1, "withGradient");
    auto grad = std::make_shared<std::vector<double>>(with_grad ? theta_size(d_) : 0);
    auto result = std::make_shared<LmlResult>();
    return Run(
        info.Env(), "hpo.gp.lml",
        [&engine, theta, grad, result, with_grad] {
          *result = engine.lml(theta->data(), with_grad ? grad->data() : nullptr);
        },
        [grad, result, with_grad](Napi::Env env) -> Napi::Value {
          Napi::Object out = Napi::Object::New(env);
          out.Set("value", result->value);
          out.Set("jitter", result->jitter);
          if (with_grad) out.Set("gradient", ToFloat64Array(env, *grad));
          return out;
        });
  }

  Napi::Value Condition(const Napi::CallbackInfo& info) {
    Engine& engine = Ready(info);
    auto theta = std::make_shared<std::vector<double>>(
        CopiedArrayArg<double>(info, 0, "theta", ArrayRequirements::Finite(theta_size(d_))));
    auto jitter = std::make_shared<double>(0.0);
    return Run(
        info.Env(), "hpo.gp.condition", [&engine, theta, jitter] { *jitter = engine.condition(*theta); },
        [jitter](Napi::Env env) -> Napi::Value {
          Napi::Object out = Napi::Object::New(env);
          out.Set("jitter", *jitter);
          return out;
        });
  }

  Napi::Value Fit(const Napi::CallbackInfo& info) {
    Engine& engine = Ready(info);
    FitOptions options;
    options.restarts = static_cast<int>(IntArg(info, 0, "restarts", 1, 1024));
    options.seed = static_cast<uint64_t>(IntArg(info, 1, "seed", 0, 2147483647));
    options.max_iterations = static_cast<int>(IntArg(info, 2, "maxIterations", 1, 100000));
    if (!ArgAt(info, 3).IsNull())
      options.warm = CopiedArrayArg<double>(info, 3, "warm", ArrayRequirements::Finite(theta_size(d_)));
    options.threads = static_cast<int>(IntArg(info, 4, "threads", 0, 1024));
    Napi::Value memory = ArgAt(info, 5);
    if (!memory.IsNull() && !memory.IsUndefined()) {
      const size_t pair = 2 * theta_size(d_);
      options.warm_memory = CopiedArrayArg<double>(info, 5, "curvature",
                                                   ArrayRequirements::FiniteUnits(pair, pair * LbfgsOptions{}.memory));
    }
    auto result = std::make_shared<FitResult>();
    return Run(
        info.Env(), "hpo.gp.fit",
        [&engine, options, result] {
          *result = fit_hyperparameters(engine, options);
          engine.condition(result->theta);
        },
        [&engine, result](Napi::Env env) -> Napi::Value {
          Napi::Object out = Napi::Object::New(env);
          out.Set("theta", ToFloat64Array(env, result->theta));
          out.Set("curvature", ToFloat64Array(env, result->memory));
          out.Set("objective", result->objective);
          out.Set("lml", result->lml);
          out.Set("restartsFailed", result->restarts_failed);
          out.Set("jitter", engine.jitter);
          return out;
        });
  }

  Napi::Value Predict(const Napi::CallbackInfo& info) {
    Engine& engine = Conditioned(info);
    int m = static_cast<int>(IntArg(info, 1, "m", 0, 1 << 30));
    auto Xc = std::make_shared<std::vector<double>>(
        CopiedArrayArg<double>(info, 0, "Xc", ArrayRequirements::Finite((size_t)m * d_)));
    auto mean = std::make_shared<std::vector<double>>(m);
    auto variance = std::make_shared<std::vector<double>>(m);
    return Run(
        info.Env(), "hpo.gp.predict",
        [&engine, Xc, m, mean, variance] { engine.predict(Xc->data(), m, mean->data(), variance->data()); },
        [mean, variance](Napi::Env env) -> Napi::Value {
          Napi::Object out = Napi::Object::New(env);
          out.Set("mean", ToFloat64Array(env, *mean));
          out.Set("variance", ToFloat64Array(env, *variance));
          return out;
        });
  }

  static AcqOptions AcqArgs(const Napi::CallbackInfo& info, size_t first) {
    AcqOptions options;
    options.kind = static_cast<int>(IntArg(info, first, "kind", 0, 3));
    options.best = NumberArg(info, first + 1, "best");
    options.beta = NumberArg(info, first + 2, "beta");
    if (options.beta < 0) ThrowRange(info.Env(), "beta must be >= 0");
    return options;
  }

  Napi::Value Acquisition(const Napi::CallbackInfo& info) {
    Engine& engine = Conditioned(info);
    int m = static_cast<int>(IntArg(info, 1, "m", 0, 1 << 30));
    auto Xc = std::make_shared<std::vector<double>>(
        CopiedArrayArg<double>(info, 0, "Xc", ArrayRequirements::Finite((size_t)m * d_)));
    AcqOptions options = AcqArgs(info, 2);
    bool with_grad = BoolArg(info, 5, "withGradient");
    auto value = std::make_shared<std::vector<double>>(m);
    auto grad = std::make_shared<std::vector<double>>(with_grad ? (size_t)m * d_ : 0);
    return Run(
        info.Env(), "hpo.gp.acquisition",
        [&engine, Xc, m, options, value, grad, with_grad] {
          engine.acquisition(Xc->data(), m, options, value->data(), with_grad ? grad->data() : nullptr);
        },
        [value, grad, with_grad](Napi::Env env) -> Napi::Value {
          Napi::Object out = Napi::Object::New(env);
          out.Set("value", ToFloat64Array(env, *value));
          if (with_grad) out.Set("gradient", ToFloat64Array(env, *grad));
          return out;
        });
  }

  Napi::Value Maximize(const Napi::CallbackInfo& info) {
    Engine& engine = Conditioned(info);
    int m = static_cast<int>(IntArg(info, 1, "m", 0, 1 << 20));
    auto starts = std::make_shared<std::vector<double>>(
        CopiedArrayArg<double>(info, 0, "starts", ArrayRequirements::Finite((size_t)m * d_)));
    AcqOptions options = AcqArgs(info, 2);
    int max_iterations = static_cast<int>(IntArg(info, 5, "maxIterations", 1, 100000));
    int threads = static_cast<int>(IntArg(info, 6, "threads", 0, 1024));
    for (double v : *starts)
      if (v < 0.0 || v > 1.0) ThrowRange(info.Env(), "starts must lie in [0, 1]", StatusCode::kOutOfBounds);
    auto x = std::make_shared<std::vector<double>>((size_t)m * d_);
    auto value = std::make_shared<std::vector<double>>(m);
    return Run(
        info.Env(), "hpo.gp.maximize",
        [&engine, starts, m, options, max_iterations, threads, x, value] {
          maximize_acquisition(engine, starts->data(), m, options, max_iterations, threads, x->data(), value->data());
        },
        [x, value](Napi::Env env) -> Napi::Value {
          Napi::Object out = Napi::Object::New(env);
          out.Set("x", ToFloat64Array(env, *x));
          out.Set("value", ToFloat64Array(env, *value));
          return out;
        });
  }

  Napi::Value Theta(const Napi::CallbackInfo& info) {
    if (!engine_ || engine_->theta.empty()) return info.Env().Null();
    return ToFloat64Array(info.Env(), engine_->theta);
  }

  Napi::Value Info(const Napi::CallbackInfo& info) {
    if (!engine_) ThrowState(info.Env(), "this GpModel was disposed");
    return Napi::String::New(info.Env(), engine_->describe());
  }

  Napi::Value Dispose(const Napi::CallbackInfo& info) {
    if (busy_) ThrowState(info.Env(), "this GpModel is busy: await the previous call before dispose()");
    engine_.reset();
    return info.Env().Undefined();
  }

  std::unique_ptr<Engine> engine_;
  int n_ = 0;
  int d_ = 0;
  bool busy_ = false;
};

}  // namespace hpo::gp
