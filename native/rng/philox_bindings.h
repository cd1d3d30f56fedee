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
#include <memory>
#include <new>
#include <string>
#include <utility>
#include <vector>

#include "common/args.h"
#include "common/async_worker.h"
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
  if (req.count > 0 && req.offset > UINT64_MAX - (req.count - 1))
    ThrowRange(info.Env(), "offset + count overflows 64 bits");
  return req;
}

template <FillFunction Fill>
Napi::Value PhiloxFill(const Napi::CallbackInfo& info) {
  FillRequest req = ParseFillRequest(info);
  return RunNow(
      info.Env(), [&req] { return Fill(req.data, req.dist, req.seed, req.stream, req.offset, req.count); },
      [](Napi::Env env) -> Napi::Value { return env.Undefined(); });
}

// Generates into its own buffer on the thread pool (so JS may do anything with `out` meanwhile), then
// copies into `out` on the main thread if `out` is still intact.
template <FillFunction Fill>
Napi::Value PhiloxFillAsync(const Napi::CallbackInfo& info) {
  FillRequest req = ParseFillRequest(info);
  auto buffer = std::make_shared<std::vector<unsigned char>>();
  const size_t bytes = req.count * ValueBytes(req.dist);
  const Distribution dist = req.dist;
  const uint64_t seed = req.seed, stream = req.stream, offset = req.offset;
  const size_t count = req.count;
  return QueueWork(
      info.Env(), "hpo.philoxFill", {req.out},
      [dist, seed, stream, offset, count, buffer, bytes] {
        // Allocated here, not on the main thread, so a failure rejects the Promise with
        // HPO_OUT_OF_MEMORY and the size, instead of throwing from the call.
        try {
          buffer->resize(bytes);
        } catch (const std::bad_alloc&) {
          return Status::Error(StatusCode::kOutOfMemory,
                               "philox: cannot allocate " + std::to_string(bytes) + " bytes for the values");
        }
        return Fill(buffer->data(), dist, seed, stream, offset, count);
      },
      [count, buffer](Napi::Env env, const Kept& kept) -> Napi::Value {
        Napi::TypedArray out = kept[0].Value().As<Napi::TypedArray>();
        if (out.ArrayBuffer().IsDetached() || out.ElementLength() != count) {
          ThrowState(env, "out was detached or resized while the values were generated");
        }
        if (!buffer->empty()) {
          std::memcpy(static_cast<unsigned char*>(out.ArrayBuffer().Data()) + out.ByteOffset(), buffer->data(),
                      buffer->size());
        }
        return env.Undefined();
      });
}

template <FillFunction Fill>
void RegisterPhiloxFill(Napi::Env env, Napi::Object exports) {
  exports.Set("philoxFill", Napi::Function::New(env, PhiloxFill<Fill>, "philoxFill"));
  exports.Set("philoxFillAsync", Napi::Function::New(env, PhiloxFillAsync<Fill>, "philoxFillAsync"));
}

}  // namespace hpo::rng
