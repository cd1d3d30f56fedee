// The one way native work leaves the event loop: a Status-returning function run on the libuv pool,
// settling a Promise. The worker keeps Napi::References to the JS values the work reads or writes
// (typed arrays, the ObjectWrap it belongs to) so the garbage collector cannot free them meanwhile,
// and it rejects with an Error carrying the Status's `code` (common/args.h, JsError), exactly what
// the synchronous path (RunNow) throws.
//
//   return hpo::QueueWork(env, "hpo.gp.lml", {Value()},
//       [=] { return engine.Lml(...); },                    // off the event loop: no Napi calls
//       [=](Napi::Env env) -> Napi::Value { ... },          // on the main thread, after success
//       [this] { busy_ = false; });                         // on the main thread, always
#pragma once
#include <napi.h>

#include <functional>
#include <initializer_list>
#include <type_traits>
#include <utility>
#include <vector>

#include "common/args.h"
#include "common/status.h"

namespace hpo {

// Work: () -> Status or void, run on a pool thread; exceptions become a Status (CaptureStatus).
// Done: (Napi::Env) -> Napi::Value, or (Napi::Env, const Kept&) to reach the kept values again (a
// napi_value from the calling scope is dead by then), the resolved value; it may throw a Napi::Error
// to reject.
using Kept = std::vector<Napi::Reference<Napi::Value>>;

template <typename Work, typename Done>
class StatusWorker : public Napi::AsyncWorker {
 public:
  StatusWorker(Napi::Env env, const char* name, std::initializer_list<Napi::Value> keep, Work work, Done done,
               std::function<void()> settle)
      : Napi::AsyncWorker(env, name),
        deferred_(Napi::Promise::Deferred::New(env)),
        work_(std::move(work)),
        done_(std::move(done)),
        settle_(std::move(settle)) {
    for (const Napi::Value& value : keep) keep_.push_back(Napi::Persistent(value));
  }

  Napi::Promise Promise() const { return deferred_.Promise(); }

  void Execute() override { status_ = CaptureStatus(work_); }

  void OnOK() override {
    Napi::Env env = Env();
    if (settle_) settle_();
    if (!status_.ok()) {
      deferred_.Reject(JsError(env, status_).Value());
      return;
    }
    try {
      if constexpr (std::is_invocable_v<Done&, Napi::Env, const Kept&>) {
        deferred_.Resolve(done_(env, keep_));
      } else {
        deferred_.Resolve(done_(env));
      }
    } catch (const Napi::Error& error) {
      deferred_.Reject(error.Value());
    }
  }

  // Only reached if node-addon-api itself fails to run the work; Execute never calls SetError.
  void OnError(const Napi::Error& error) override {
    if (settle_) settle_();
    deferred_.Reject(error.Value());
  }

 private:
  Napi::Promise::Deferred deferred_;
  Kept keep_;
  Work work_;
  Done done_;
  std::function<void()> settle_;
  Status status_;
};

// Queues `work` on the libuv pool and returns the Promise it settles (see StatusWorker).
template <typename Work, typename Done>
Napi::Promise QueueWork(Napi::Env env, const char* name, std::initializer_list<Napi::Value> keep, Work work, Done done,
                        std::function<void()> settle = {}) {
  // Owned and deleted by node-addon-api once it has settled.
  auto* worker = new StatusWorker<Work, Done>(env, name, keep, std::move(work), std::move(done), std::move(settle));
  Napi::Promise promise = worker->Promise();
  worker->Queue();
  return promise;
}

// Runs `work` now, on the main thread: throws its failed Status as a JS Error, else returns done(env).
template <typename Work, typename Done>
Napi::Value RunNow(Napi::Env env, Work&& work, Done&& done) {
  Status status = CaptureStatus(std::forward<Work>(work));
  if (!status.ok()) ThrowStatus(env, status);
  return done(env);
}

// Runs `work` now and returns a Promise already settled by it, for calls whose API is asynchronous
// but whose small cases are cheaper inline than on the pool.
template <typename Work, typename Done>
Napi::Promise SettleNow(Napi::Env env, Work&& work, Done&& done) {
  auto deferred = Napi::Promise::Deferred::New(env);
  Status status = CaptureStatus(std::forward<Work>(work));
  if (!status.ok()) {
    deferred.Reject(JsError(env, status).Value());
  } else {
    try {
      deferred.Resolve(done(env));
    } catch (const Napi::Error& error) {
      deferred.Reject(error.Value());
    }
  }
  return deferred.Promise();
}

}  // namespace hpo
