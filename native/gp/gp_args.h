// Argument checks for the GP bindings: each throws a JS TypeError/RangeError naming the argument,
// so a direct call with bad arguments cannot crash the process. Copy-in: arrays are copied to
// std::vector on the main thread before any work goes to a worker thread.
#pragma once
#include <napi.h>

#include <cmath>
#include <string>
#include <vector>

namespace hpo::gp::args {

inline Napi::Value at(const Napi::CallbackInfo& info, size_t index) {
  return info.Length() > index ? info[index] : info.Env().Undefined();
}

inline double number(const Napi::CallbackInfo& info, size_t index, const char* name) {
  Napi::Value v = at(info, index);
  if (!v.IsNumber()) throw Napi::TypeError::New(info.Env(), std::string(name) + " must be a number");
  double value = v.As<Napi::Number>().DoubleValue();
  if (!std::isfinite(value)) throw Napi::RangeError::New(info.Env(), std::string(name) + " must be finite");
  return value;
}

inline int integer(const Napi::CallbackInfo& info, size_t index, const char* name, int lo, int hi) {
  double value = number(info, index, name);
  if (value != std::floor(value) || value < lo || value > hi)
    throw Napi::RangeError::New(info.Env(), std::string(name) + " must be an integer from " + std::to_string(lo) +
                                                " to " + std::to_string(hi));
  return static_cast<int>(value);
}

inline bool boolean(const Napi::CallbackInfo& info, size_t index, const char* name) {
  Napi::Value v = at(info, index);
  if (!v.IsBoolean()) throw Napi::TypeError::New(info.Env(), std::string(name) + " must be a boolean");
  return v.As<Napi::Boolean>().Value();
}

// A Float64Array of exactly `length` finite values, copied.
inline std::vector<double> doubles(const Napi::CallbackInfo& info, size_t index, const char* name, size_t length) {
  Napi::Value v = at(info, index);
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_float64_array)
    throw Napi::TypeError::New(info.Env(), std::string(name) + " must be a Float64Array");
  auto array = v.As<Napi::Float64Array>();
  if (array.ElementLength() != length)
    throw Napi::RangeError::New(info.Env(), std::string(name) + " must have " + std::to_string(length) +
                                                " elements, got " + std::to_string(array.ElementLength()));
  std::vector<double> out(array.Data(), array.Data() + length);
  for (size_t i = 0; i < length; ++i)
    if (!std::isfinite(out[i]))
      throw Napi::RangeError::New(info.Env(),
                                  std::string(name) + " must be finite (element " + std::to_string(i) + " is not)");
  return out;
}

// A Float64Array of finite values whose length is a multiple of `unit` and at most `max_length`, copied.
inline std::vector<double> doubles_in_units(const Napi::CallbackInfo& info, size_t index, const char* name,
                                            size_t unit, size_t max_length) {
  Napi::Value v = at(info, index);
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_float64_array)
    throw Napi::TypeError::New(info.Env(), std::string(name) + " must be a Float64Array");
  size_t length = v.As<Napi::Float64Array>().ElementLength();
  if (unit == 0 || length % unit != 0 || length > max_length)
    throw Napi::RangeError::New(info.Env(), std::string(name) + " must have a multiple of " + std::to_string(unit) +
                                                " elements, at most " + std::to_string(max_length) + ", got " +
                                                std::to_string(length));
  return doubles(info, index, name, length);
}

inline Napi::Float64Array to_array(Napi::Env env, const std::vector<double>& values) {
  auto out = Napi::Float64Array::New(env, values.size());
  std::copy(values.begin(), values.end(), out.Data());
  return out;
}

}  // namespace hpo::gp::args
