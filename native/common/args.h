// Argument helpers for the Node-API glue: every exported function checks its arguments with these and
// throws a JS TypeError (wrong kind of value) or RangeError (right kind, bad value) naming the argument.
// Nothing reaching the addon may crash the process. These are the cheap door checks only: defaults and
// friendly validation live in TypeScript (src/native/), which calls the addon with checked values.
// Every error thrown from here carries a stable `code` (common/status.h): HPO_INVALID_ARGUMENT for
// argument errors, the Status's own code for failures found while working.
//
// Typical use in a binding:
//   auto x = hpo::TypedArrayArg<double>(info, 0, "x", hpo::ArrayRequirements::Finite(n * dim));
//   auto out = hpo::TypedArrayArg<float>(info, 1, "out", hpo::ArrayRequirements::Length(n));
#pragma once
#include <napi.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <iomanip>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

#include "common/status.h"

namespace hpo {

// `error` with its `code` set to the stable name of `code`.
template <typename E>
E WithCode(E error, StatusCode code) {
  error.Set("code", Napi::String::New(error.Env(), StatusCodeName(code)));
  return error;
}

// Throws a JS TypeError with code HPO_INVALID_ARGUMENT (as a C++ exception that node-addon-api turns
// into a JS exception).
[[noreturn]] inline void ThrowType(Napi::Env env, const std::string& message) {
  throw WithCode(Napi::TypeError::New(env, message), StatusCode::kInvalidArgument);
}

// Throws a JS RangeError, by default with code HPO_INVALID_ARGUMENT (HPO_OUT_OF_BOUNDS for values
// outside the unit cube the engines work in).
[[noreturn]] inline void ThrowRange(Napi::Env env, const std::string& message,
                                    StatusCode code = StatusCode::kInvalidArgument) {
  throw WithCode(Napi::RangeError::New(env, message), code);
}

// A Status as a JS Error value whose `code` is the status's stable name (e.g. HPO_CUDA_ERROR), for
// failures found while working rather than in the arguments (and for Promise rejections, which must
// not throw). src/native maps `code` onto
// HpoNativeError codes.
inline Napi::Error JsError(Napi::Env env, const Status& status) {
  return WithCode(Napi::Error::New(env, status.message), status.code);
}

// Throws a failed Status as a JS Error (see JsError).
[[noreturn]] inline void ThrowStatus(Napi::Env env, const Status& status) { throw JsError(env, status); }

// Throws HPO_INVALID_STATE: the object cannot take this call now (disposed, busy, not yet fitted).
[[noreturn]] inline void ThrowState(Napi::Env env, const std::string& message) {
  ThrowStatus(env, Status::Error(StatusCode::kInvalidState, message));
}

// How a received value is described in messages: "undefined", "null", "a number", "a Float32Array"...
inline std::string DescribeValue(const Napi::Value& value) {
  if (value.IsUndefined()) return "undefined";
  if (value.IsNull()) return "null";
  if (value.IsBoolean()) return "a boolean";
  if (value.IsNumber()) return "a number";
  if (value.IsBigInt()) return "a bigint";
  if (value.IsString()) return "a string";
  if (value.IsArray()) return "an Array";
  if (value.IsFunction()) return "a function";
  if (value.IsTypedArray()) {
    switch (value.As<Napi::TypedArray>().TypedArrayType()) {
      case napi_int8_array: return "an Int8Array";
      case napi_uint8_array: return "a Uint8Array";
      case napi_uint8_clamped_array: return "a Uint8ClampedArray";
      case napi_int16_array: return "an Int16Array";
      case napi_uint16_array: return "a Uint16Array";
      case napi_int32_array: return "an Int32Array";
      case napi_uint32_array: return "a Uint32Array";
      case napi_float32_array: return "a Float32Array";
      case napi_float64_array: return "a Float64Array";
      case napi_bigint64_array: return "a BigInt64Array";
      case napi_biguint64_array: return "a BigUint64Array";
      default: return "a typed array";
    }
  }
  if (value.IsArrayBuffer()) return "an ArrayBuffer";
  if (value.IsObject()) return "an object";
  return "an unknown value";
}

// A number as a user would write it: "5", "-1", "1.5", "1e+300".
inline std::string FormatNumber(double value) {
  if (std::isfinite(value) && value == std::floor(value) && std::fabs(value) < 1e18) {
    return std::to_string(static_cast<int64_t>(value));
  }
  std::ostringstream out;
  out << std::setprecision(17) << value;
  return out.str();
}

inline const Napi::Value ArgAt(const Napi::CallbackInfo& info, size_t index) {
  return index < info.Length() ? info[index] : info.Env().Undefined();
}

// A finite number argument.
inline double NumberArg(const Napi::CallbackInfo& info, size_t index, const char* name) {
  Napi::Value value = ArgAt(info, index);
  if (!value.IsNumber()) ThrowType(info.Env(), std::string(name) + " must be a number, got " + DescribeValue(value));
  double number = value.As<Napi::Number>().DoubleValue();
  if (!std::isfinite(number)) ThrowRange(info.Env(), std::string(name) + " must be finite");
  return number;
}

// An integer argument in [min_value, max_value] (both at most 2^53 in magnitude).
inline int64_t IntArg(const Napi::CallbackInfo& info, size_t index, const char* name, double min_value,
                      double max_value) {
  double value = NumberArg(info, index, name);
  if (value != std::floor(value) || value < min_value || value > max_value) {
    ThrowRange(info.Env(), std::string(name) + " must be an integer from " +
                               std::to_string(static_cast<int64_t>(min_value)) + " to " +
                               std::to_string(static_cast<int64_t>(max_value)) + ", got " + FormatNumber(value));
  }
  return static_cast<int64_t>(value);
}

// A non-negative integer argument no larger than `max_value` (sizes, counts, indices).
inline uint64_t CountArg(const Napi::CallbackInfo& info, size_t index, const char* name,
                         double max_value = 9007199254740991.0) {
  return static_cast<uint64_t>(IntArg(info, index, name, 0, max_value));
}

// A 64-bit unsigned value (seeds, streams, offsets): a BigInt in [0, 2^64) or a Number integer in
// [0, 2^53).
inline uint64_t U64Arg(const Napi::CallbackInfo& info, size_t index, const char* name) {
  Napi::Value value = ArgAt(info, index);
  if (value.IsBigInt()) {
    bool lossless = true;
    uint64_t result = value.As<Napi::BigInt>().Uint64Value(&lossless);
    if (!lossless) ThrowRange(info.Env(), std::string(name) + " must be a bigint from 0 to 2^64 - 1");
    return result;
  }
  if (!value.IsNumber()) {
    ThrowType(info.Env(), std::string(name) + " must be a number or a bigint, got " + DescribeValue(value));
  }
  return CountArg(info, index, name);
}

// A boolean argument.
inline bool BoolArg(const Napi::CallbackInfo& info, size_t index, const char* name) {
  Napi::Value value = ArgAt(info, index);
  if (!value.IsBoolean()) ThrowType(info.Env(), std::string(name) + " must be a boolean, got " + DescribeValue(value));
  return value.As<Napi::Boolean>().Value();
}

// The JS name of the typed array holding elements of type T.
template <typename T>
struct TypedArrayTraits;
template <>
struct TypedArrayTraits<double> {
  static constexpr napi_typedarray_type kType = napi_float64_array;
  static constexpr const char* kName = "Float64Array";
};
template <>
struct TypedArrayTraits<float> {
  static constexpr napi_typedarray_type kType = napi_float32_array;
  static constexpr const char* kName = "Float32Array";
};
template <>
struct TypedArrayTraits<uint32_t> {
  static constexpr napi_typedarray_type kType = napi_uint32_array;
  static constexpr const char* kName = "Uint32Array";
};
template <>
struct TypedArrayTraits<int32_t> {
  static constexpr napi_typedarray_type kType = napi_int32_array;
  static constexpr const char* kName = "Int32Array";
};

// What a typed-array argument must satisfy besides its element type.
struct ArrayRequirements {
  // Exact number of elements required, or kAnyLength.
  size_t length = kAnyLength;
  // For floating-point arrays: reject NaN (and, with `finite`, also ±Infinity).
  bool no_nan = false;
  bool finite = false;
  // With unit > 0 (and length kAnyLength): a multiple of `unit` elements, at most `max_length`.
  size_t unit = 0;
  size_t max_length = kAnyLength;
  static constexpr size_t kAnyLength = static_cast<size_t>(-1);

  // Exactly `n` elements, any values.
  static ArrayRequirements Length(size_t n) { return ArrayRequirements{n, false, false}; }
  // Exactly `n` elements (or any number with kAnyLength), none NaN.
  static ArrayRequirements NoNaN(size_t n = kAnyLength) { return ArrayRequirements{n, true, false}; }
  // Exactly `n` elements (or any number with kAnyLength), all finite.
  static ArrayRequirements Finite(size_t n = kAnyLength) { return ArrayRequirements{n, true, true}; }
  // A multiple of `unit` elements, at most `max_length`, all finite (e.g. rows of a fixed width).
  static ArrayRequirements FiniteUnits(size_t unit, size_t max_length) {
    return ArrayRequirements{kAnyLength, true, true, unit, max_length};
  }
};

// A checked typed-array argument: its elements viewed in place (no copy). The pointer is valid only
// during the current call; an AsyncWorker must copy the data or hold a reference to `array`.
template <typename T>
struct ArrayArg {
  Napi::TypedArrayOf<T> array;
  T* data;
  size_t length;
};

// A typed array of element type T (Float64Array for double, Float32Array for float, Uint32Array for
// uint32_t, Int32Array for int32_t), checked against `req`. Throws TypeError for a wrong type and
// RangeError for a wrong length or a non-finite element, naming the argument and the first bad index.
template <typename T>
ArrayArg<T> TypedArrayArg(const Napi::CallbackInfo& info, size_t index, const char* name,
                          const ArrayRequirements& req = {}) {
  using Traits = TypedArrayTraits<T>;
  Napi::Env env = info.Env();
  Napi::Value value = ArgAt(info, index);
  if (!value.IsTypedArray() || value.As<Napi::TypedArray>().TypedArrayType() != Traits::kType) {
    ThrowType(env, std::string(name) + " must be a " + Traits::kName + ", got " + DescribeValue(value));
  }
  auto array = value.As<Napi::TypedArrayOf<T>>();
  if (array.ArrayBuffer().IsDetached()) ThrowType(env, std::string(name) + " has a detached buffer");
  size_t length = array.ElementLength();
  if (req.length != ArrayRequirements::kAnyLength && length != req.length) {
    ThrowRange(env, std::string(name) + " must have " + std::to_string(req.length) + " elements, got " +
                        std::to_string(length));
  }
  if (req.unit > 0 && (length % req.unit != 0 || length > req.max_length)) {
    ThrowRange(env, std::string(name) + " must have a multiple of " + std::to_string(req.unit) + " elements, at most " +
                        std::to_string(req.max_length) + ", got " + std::to_string(length));
  }
  T* data = array.Data();
  if constexpr (std::is_floating_point_v<T>) {
    if (req.no_nan || req.finite) {
      for (size_t i = 0; i < length; ++i) {
        const char* bad = std::isnan(data[i]) ? "NaN" : (req.finite && std::isinf(data[i])) ? "not finite" : nullptr;
        if (bad != nullptr) {
          ThrowRange(env, std::string(name) + (req.finite ? " must be finite" : " must not contain NaN") +
                              ", element " + std::to_string(i) + " is " + bad);
        }
      }
    }
  }
  return ArrayArg<T>{array, data, length};
}

// A checked typed-array argument copied into a vector (for work that outlives the call, or that must
// not see JS change the array meanwhile).
template <typename T>
std::vector<T> CopiedArrayArg(const Napi::CallbackInfo& info, size_t index, const char* name,
                              const ArrayRequirements& req = {}) {
  ArrayArg<T> arg = TypedArrayArg<T>(info, index, name, req);
  return std::vector<T>(arg.data, arg.data + arg.length);
}

// A new Float64Array holding `values`.
inline Napi::Float64Array ToFloat64Array(Napi::Env env, const std::vector<double>& values) {
  Napi::Float64Array out = Napi::Float64Array::New(env, values.size());
  std::copy(values.begin(), values.end(), out.Data());
  return out;
}

}  // namespace hpo
