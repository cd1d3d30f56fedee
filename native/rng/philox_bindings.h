// Node-API glue shared by the CPU and CUDA Philox bindings (bindings_cpu.cpp, bindings_cuda.cpp): the
// same two functions, parameterised by the fill routine.
//
//   philoxFill(dist, seed, stream, offset, out)        fills `out` now (small counts)
//   philoxFillAsync(dist, seed, stream, offset, out)   fills `out` from the thread pool -> Promise<void>
//
// dist: 0 uniform f64, 1 uniform f32, 2 normal f64, 3 normal f32, 4 raw u32 (Distribution); out must be
// a Float64Array, Float32Array or Uint32Array accordingly; its length is the count. seed, stream and
// offset: bigint (64 bits) or a non-negative integer number.
#pragma once
#include <napi.h>

#include <cstring>
#include <new>
#include <string>
#include <utility>
#include <vector>

#include "common/args.h"
#include "common/status.h"
#include "rng/philox.h"

namespace hpo::rng {

using FillFunction = Status (*)(void* out, Distribution dist, uint64_t seed, uint64_t stream, uint64_t offset,
                                size_t count);

// The arguments of philoxFill/philoxFillAsync, checked.
struct FillRequest {
  Distribution dist;
  uint64_t seed, stream, offset;
  Napi::TypedArray out;
  void* data;
  size_t count;
};

inline FillRequest ParseFillRequest(const Napi::CallbackInfo& info) {
  FillRequest req{};
  req.dist = static_cast<Distribution>(IntArg(info, 0, "dist", 0, 4));
  req.seed = U64Arg(info, 1, "seed");
  req.stream = U64Arg(info, 2, "stream");
  req.offset = U64Arg(info, 3, "offset");
  switch (req.dist) {
    case Distribution::kUniform64:
    case Distribution::kNormal64: {
      auto out = TypedArrayArg<double>(info, 4, "out");
      req.out = out.array, req.data = out.data, req.count = out.length;
      break;
    }
    case Distribution::kUniform32:
    case Distribution::kNormal32: {
      auto out = TypedArrayArg<float>(info, 4, "out");
      req.out = out.array, req.data = out.data, req.count = out.length;
      break;
    }
    case Distribution::kBits32: {
      auto out = TypedArrayArg<uint32_t>(info, 4, "out");
      req.out = out.array, req.data = out.data, req.count = out.length;
      break;
    }
  }
  // The last value's index must fit in 64 bits (the counter's block index is 64 bits wide).
  if (req.count > 0 && req.offset > UINT64_MAX - (req.count - 1)) ThrowRange(info.Env(), "offset + count overflows 64 bits");
  return req;
}

template <FillFunction Fill>
Napi::Value PhiloxFill(const Napi::CallbackInfo& info) {
  FillRequest req = ParseFillRequest(info);
  Status status = Fill(req.data, req.dist, req.seed, req.stream, req.offset, req.count);
  if (!status.ok()) ThrowStatus(info.Env(), status);
  return info.Env().Undefined();
}

// Generates into its own buffer on the thread pool (so JS may do anything with `out` meanwhile), then
// copies into `out` on the main thread if `out` is still intact.
template <FillFunction Fill>
class PhiloxFillWorker : public Napi::AsyncWorker {
 public:
  PhiloxFillWorker(Napi::Env env, const FillRequest& req)
      : Napi::AsyncWorker(env, "hpo.philoxFill"),
        deferred_(Napi::Promise::Deferred::New(env)),
        out_ref_(Napi::Persistent(req.out)),
        req_(req) {}

  Napi::Promise Promise() const { return deferred_.Promise(); }

  void Execute() override {
    // Allocated here, not in the constructor, so a failure is a status rather than an escaping
    // std::bad_alloc (which node-addon-api would not catch).
    try {
      buffer_.resize(req_.count * ValueBytes(req_.dist));
    } catch (const std::bad_alloc&) {
      status_ = Status::Error(StatusCode::kOutOfMemory, "philox: cannot allocate " +
                                                            std::to_string(req_.count * ValueBytes(req_.dist)) +
                                                            " bytes for the values");
      return;
    }
    status_ = Fill(buffer_.data(), req_.dist, req_.seed, req_.stream, req_.offset, req_.count);
  }

  void OnOK() override {
    Napi::Env env = Env();
    if (!status_.ok()) {
      deferred_.Reject(StatusError(env, status_).Value());
      return;
    }
    Napi::TypedArray out = out_ref_.Value();
    if (out.ArrayBuffer().IsDetached() || out.ElementLength() != req_.count) {
      deferred_.Reject(Napi::Error::New(env, "out was detached or resized while the values were generated").Value());
      return;
    }
    if (!buffer_.empty()) {
      std::memcpy(static_cast<unsigned char*>(out.ArrayBuffer().Data()) + out.ByteOffset(), buffer_.data(),
                  buffer_.size());
    }
    deferred_.Resolve(env.Undefined());
  }

  void OnError(const Napi::Error& error) override { deferred_.Reject(error.Value()); }

 private:
  Napi::Promise::Deferred deferred_;
  Napi::Reference<Napi::TypedArray> out_ref_;
  FillRequest req_;
  std::vector<unsigned char> buffer_;
  Status status_;
};

template <FillFunction Fill>
Napi::Value PhiloxFillAsync(const Napi::CallbackInfo& info) {
  FillRequest req = ParseFillRequest(info);
  auto* worker = new PhiloxFillWorker<Fill>(info.Env(), req);  // owned and deleted by node-addon-api
  Napi::Promise promise = worker->Promise();
  worker->Queue();
  return promise;
}

template <FillFunction Fill>
void RegisterPhiloxFill(Napi::Env env, Napi::Object exports) {
  exports.Set("philoxFill", Napi::Function::New(env, PhiloxFill<Fill>, "philoxFill"));
  exports.Set("philoxFillAsync", Napi::Function::New(env, PhiloxFillAsync<Fill>, "philoxFillAsync"));
}

}  // namespace hpo::rng
