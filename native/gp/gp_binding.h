// The GpModel handle (Node-API ObjectWrap) shared by both modules: it owns one gp::Engine (CPU or
// CUDA, chosen by `Backend::make`), copies arguments in on the main thread, runs every O(n^2)+ call
// in an AsyncWorker that resolves a Promise, and refuses overlapping calls (the TypeScript wrapper
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

#include "gp/gp.h"
#include "gp/gp_args.h"
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
    n_ = args::integer(info, 2, "n", 1, kMaxPoints);
    d_ = args::integer(info, 3, "d", 1, kMaxDims);
    std::vector<double> X = args::doubles(info, 0, "X", (size_t)n_ * d_);
    std::vector<double> y = args::doubles(info, 1, "y", (size_t)n_);
    int kernel = args::integer(info, 4, "kernel", 0, 2);
    int threads = args::integer(info, 5, "threads", 0, 1024);
    int precision = args::integer(info, 6, "precision", 0, 1);
    try {
      engine_ = Backend::make(X.data(), y.data(), n_, d_, kernel, threads, precision);
    } catch (const std::exception& e) {
      throw Napi::Error::New(info.Env(), e.what());
    }
  }

 private:
  // Runs `work` on the thread pool; `done` builds the resolved value on the main thread.
  class Worker : public Napi::AsyncWorker {
   public:
    Worker(Napi::Env env, GpModel* model, std::function<void()> work, std::function<Napi::Value(Napi::Env)> done)
        : Napi::AsyncWorker(env, "hpo:gp"),
          deferred_(Napi::Promise::Deferred::New(env)),
          model_(model),
          work_(std::move(work)),
          done_(std::move(done)) {
      self_ = Napi::Persistent(model->Value());
    }
    Napi::Promise Promise() { return deferred_.Promise(); }
    void Execute() override {
      try {
        work_();
      } catch (const std::exception& e) {
        SetError(e.what());
      }
    }
    void OnOK() override {
      model_->busy_ = false;
      Napi::Env env = Env();
      try {
        deferred_.Resolve(done_(env));
      } catch (const Napi::Error& e) {
        deferred_.Reject(e.Value());
      }
    }
    void OnError(const Napi::Error& error) override {
      model_->busy_ = false;
      deferred_.Reject(error.Value());
    }

   private:
    Napi::Promise::Deferred deferred_;
    GpModel* model_;
    Napi::ObjectReference self_;
    std::function<void()> work_;
    std::function<Napi::Value(Napi::Env)> done_;
  };

  Napi::Value Run(Napi::Env env, std::function<void()> work, std::function<Napi::Value(Napi::Env)> done) {
    busy_ = true;
    auto* worker = new Worker(env, this, std::move(work), std::move(done));
    Napi::Promise promise = worker->Promise();
    worker->Queue();
    return promise;
  }

  Engine& Ready(const Napi::CallbackInfo& info) {
    if (!engine_) throw Napi::Error::New(info.Env(), "this GpModel was disposed");
    if (busy_) throw Napi::Error::New(info.Env(), "this GpModel is busy: await the previous call first");
    return *engine_;
  }

  Engine& Conditioned(const Napi::CallbackInfo& info) {
    Engine& engine = Ready(info);
    if (engine.theta.empty())
      throw Napi::Error::New(info.Env(), "the GpModel has no hyperparameters yet: call fit() or condition() first");
    return engine;
  }

  Napi::Value Lml(const Napi::CallbackInfo& info) {
    Engine& engine = Ready(info);
    auto theta = std::make_shared<std::vector<double>>(args::doubles(info, 0, "theta", theta_size(d_)));
    bool with_grad = args::boolean(info, 1, "withGradient");
    auto grad = std::make_shared<std::vector<double>>(with_grad ? theta_size(d_) : 0);
    auto result = std::make_shared<LmlResult>();
    return Run(
        info.Env(),
        [&engine, theta, grad, result, with_grad] {
          *result = engine.lml(theta->data(), with_grad ? grad->data() : nullptr);
        },
        [grad, result, with_grad](Napi::Env env) -> Napi::Value {
          Napi::Object out = Napi::Object::New(env);
          out.Set("value", result->value);
          out.Set("jitter", result->jitter);
          if (with_grad) out.Set("gradient", args::to_array(env, *grad));
          return out;
        });
  }

  Napi::Value Condition(const Napi::CallbackInfo& info) {
    Engine& engine = Ready(info);
    auto theta = std::make_shared<std::vector<double>>(args::doubles(info, 0, "theta", theta_size(d_)));
    auto jitter = std::make_shared<double>(0.0);
    return Run(
        info.Env(), [&engine, theta, jitter] { *jitter = engine.condition(*theta); },
        [jitter](Napi::Env env) -> Napi::Value {
          Napi::Object out = Napi::Object::New(env);
          out.Set("jitter", *jitter);
          return out;
        });
  }

  Napi::Value Fit(const Napi::CallbackInfo& info) {
    Engine& engine = Ready(info);
    FitOptions options;
    options.restarts = args::integer(info, 0, "restarts", 1, 1024);
    options.seed = static_cast<uint64_t>(args::integer(info, 1, "seed", 0, 2147483647));
    options.max_iterations = args::integer(info, 2, "maxIterations", 1, 100000);
    if (!args::at(info, 3).IsNull()) options.warm = args::doubles(info, 3, "warm", theta_size(d_));
    options.threads = args::integer(info, 4, "threads", 0, 1024);
    Napi::Value memory = args::at(info, 5);
    if (!memory.IsNull() && !memory.IsUndefined()) {
      const size_t pair = 2 * theta_size(d_);
      options.warm_memory = args::doubles_in_units(info, 5, "curvature", pair, pair * LbfgsOptions{}.memory);
    }
    auto result = std::make_shared<FitResult>();
    return Run(
        info.Env(),
        [&engine, options, result] {
          *result = fit_hyperparameters(engine, options);
          engine.condition(result->theta);
        },
        [&engine, result](Napi::Env env) -> Napi::Value {
          Napi::Object out = Napi::Object::New(env);
          out.Set("theta", args::to_array(env, result->theta));
          out.Set("curvature", args::to_array(env, result->memory));
          out.Set("objective", result->objective);
          out.Set("lml", result->lml);
          out.Set("restartsFailed", result->restarts_failed);
          out.Set("jitter", engine.jitter);
          return out;
        });
  }

  Napi::Value Predict(const Napi::CallbackInfo& info) {
    Engine& engine = Conditioned(info);
    int m = args::integer(info, 1, "m", 0, 1 << 30);
    auto Xc = std::make_shared<std::vector<double>>(args::doubles(info, 0, "Xc", (size_t)m * d_));
    auto mean = std::make_shared<std::vector<double>>(m);
    auto variance = std::make_shared<std::vector<double>>(m);
    return Run(
        info.Env(), [&engine, Xc, m, mean, variance] { engine.predict(Xc->data(), m, mean->data(), variance->data()); },
        [mean, variance](Napi::Env env) -> Napi::Value {
          Napi::Object out = Napi::Object::New(env);
          out.Set("mean", args::to_array(env, *mean));
          out.Set("variance", args::to_array(env, *variance));
          return out;
        });
  }

  static AcqOptions AcqArgs(const Napi::CallbackInfo& info, size_t first) {
    AcqOptions options;
    options.kind = args::integer(info, first, "kind", 0, 3);
    options.best = args::number(info, first + 1, "best");
    options.beta = args::number(info, first + 2, "beta");
    if (options.beta < 0) throw Napi::RangeError::New(info.Env(), "beta must be >= 0");
    return options;
  }

  Napi::Value Acquisition(const Napi::CallbackInfo& info) {
    Engine& engine = Conditioned(info);
    int m = args::integer(info, 1, "m", 0, 1 << 30);
    auto Xc = std::make_shared<std::vector<double>>(args::doubles(info, 0, "Xc", (size_t)m * d_));
    AcqOptions options = AcqArgs(info, 2);
    bool with_grad = args::boolean(info, 5, "withGradient");
    auto value = std::make_shared<std::vector<double>>(m);
    auto grad = std::make_shared<std::vector<double>>(with_grad ? (size_t)m * d_ : 0);
    return Run(
        info.Env(),
        [&engine, Xc, m, options, value, grad, with_grad] {
          engine.acquisition(Xc->data(), m, options, value->data(), with_grad ? grad->data() : nullptr);
        },
        [value, grad, with_grad](Napi::Env env) -> Napi::Value {
          Napi::Object out = Napi::Object::New(env);
          out.Set("value", args::to_array(env, *value));
          if (with_grad) out.Set("gradient", args::to_array(env, *grad));
          return out;
        });
  }

  Napi::Value Maximize(const Napi::CallbackInfo& info) {
    Engine& engine = Conditioned(info);
    int m = args::integer(info, 1, "m", 0, 1 << 20);
    auto starts = std::make_shared<std::vector<double>>(args::doubles(info, 0, "starts", (size_t)m * d_));
    AcqOptions options = AcqArgs(info, 2);
    int max_iterations = args::integer(info, 5, "maxIterations", 1, 100000);
    int threads = args::integer(info, 6, "threads", 0, 1024);
    for (double v : *starts)
      if (v < 0.0 || v > 1.0) throw Napi::RangeError::New(info.Env(), "starts must lie in [0, 1]");
    auto x = std::make_shared<std::vector<double>>((size_t)m * d_);
    auto value = std::make_shared<std::vector<double>>(m);
    return Run(
        info.Env(),
        [&engine, starts, m, options, max_iterations, threads, x, value] {
          maximize_acquisition(engine, starts->data(), m, options, max_iterations, threads, x->data(),
                               value->data());
        },
        [x, value](Napi::Env env) -> Napi::Value {
          Napi::Object out = Napi::Object::New(env);
          out.Set("x", args::to_array(env, *x));
          out.Set("value", args::to_array(env, *value));
          return out;
        });
  }

  Napi::Value Theta(const Napi::CallbackInfo& info) {
    if (!engine_ || engine_->theta.empty()) return info.Env().Null();
    return args::to_array(info.Env(), engine_->theta);
  }

  Napi::Value Info(const Napi::CallbackInfo& info) {
    if (!engine_) throw Napi::Error::New(info.Env(), "this GpModel was disposed");
    return Napi::String::New(info.Env(), engine_->describe());
  }

  Napi::Value Dispose(const Napi::CallbackInfo& info) {
    if (busy_) throw Napi::Error::New(info.Env(), "this GpModel is busy: await the previous call before dispose()");
    engine_.reset();
    return info.Env().Undefined();
  }

  std::unique_ptr<Engine> engine_;
  int n_ = 0;
  int d_ = 0;
  bool busy_ = false;
};

}  // namespace hpo::gp
