// Argument helpers for the Node-API glue: every exported function checks its arguments with these and
// throws a JS TypeError/RangeError naming the argument. Nothing reaching the addon may crash the process.
#pragma once
#include <napi.h>

#include <cmath>
#include <cstdint>
#include <string>

namespace hpo {

// Throws a JS TypeError (as a C++ exception caught by node-addon-api) with `message`.
[[noreturn]] inline void ThrowType(Napi::Env env, const std::string& message) {
  throw Napi::TypeError::New(env, message);
}

[[noreturn]] inline void ThrowRange(Napi::Env env, const std::string& message) {
  throw Napi::RangeError::New(env, message);
}

// A finite number argument.
inline double NumberArg(const Napi::CallbackInfo& info, size_t index, const char* name) {
  if (info.Length() <= index || !info[index].IsNumber()) ThrowType(info.Env(), std::string(name) + " must be a number");
  double value = info[index].As<Napi::Number>().DoubleValue();
  if (!std::isfinite(value)) ThrowRange(info.Env(), std::string(name) + " must be finite");
  return value;
}

// A non-negative integer argument no larger than `max_value`.
inline uint64_t CountArg(const Napi::CallbackInfo& info, size_t index, const char* name,
                         double max_value = 9007199254740991.0) {
  double value = NumberArg(info, index, name);
  if (value < 0 || value != std::floor(value) || value > max_value) {
    ThrowRange(info.Env(), std::string(name) + " must be an integer from 0 to " + std::to_string((uint64_t)max_value));
  }
  return static_cast<uint64_t>(value);
}

// A BigInt or non-negative integer Number, as 64 bits (seeds and offsets).
inline uint64_t U64Arg(const Napi::CallbackInfo& info, size_t index, const char* name) {
  if (info.Length() > index && info[index].IsBigInt()) {
    bool lossless = true;
    uint64_t value = info[index].As<Napi::BigInt>().Uint64Value(&lossless);
    if (!lossless) ThrowRange(info.Env(), std::string(name) + " must fit in 64 unsigned bits");
    return value;
  }
  return CountArg(info, index, name);
}

// A typed array of element type T (Float64Array for double, Uint32Array for uint32_t, ...).
template <typename T>
Napi::TypedArrayOf<T> TypedArrayArg(const Napi::CallbackInfo& info, size_t index, const char* name,
                                    const char* type_name) {
  if (info.Length() <= index || !info[index].IsTypedArray()) {
    ThrowType(info.Env(), std::string(name) + " must be a " + type_name);
  }
  auto array = info[index].As<Napi::TypedArray>();
  if (array.TypedArrayType() != Napi::TypedArrayOf<T>::unknown_array_type) {
    ThrowType(info.Env(), std::string(name) + " must be a " + type_name);
  }
  return info[index].As<Napi::TypedArrayOf<T>>();
}

}  // namespace hpo
