// Argument checks of the nn bindings, shared by the CPU module (bindings_cpu.cpp) and the CUDA
// module (bindings_cuda.cpp), which take the same arguments. These are the door checks: types,
// lengths against the stated sizes, sizes within int indexing; src/native/nn.ts checked shapes first.
#pragma once
#include <napi.h>

#include <cstdint>
#include <string>

#include "common/args.h"
#include "nn/nn.h"
#include "nn/nn_math.h"

namespace hpo::nn {

constexpr double kMaxElements = 2147483647.0;  // int indexing inside the kernels

// A Float32Array of exactly `n` elements, read or written in place.
inline float* FloatArg(const Napi::CallbackInfo& info, size_t index, const char* name, size_t n) {
  return TypedArrayArg<float>(info, index, name, ArrayRequirements::Length(n)).data;
}

// A Float32Array of 1 or `n` elements, or null/undefined (nullptr, length 0).
inline const float* OptionalVector(const Napi::CallbackInfo& info, size_t index, const char* name, int n, int* length) {
  Napi::Value value = ArgAt(info, index);
  *length = 0;
  if (value.IsNull() || value.IsUndefined()) return nullptr;
  auto arg = TypedArrayArg<float>(info, index, name);
  if (arg.length != 1 && arg.length != (size_t)n)
    ThrowRange(info.Env(), std::string(name) + " must have 1 or " + std::to_string(n) + " elements, got " +
                               std::to_string(arg.length));
  *length = (int)arg.length;
  return arg.data;
}

// (bias, activation, alpha, preluAlpha) from argument `first` on, for `channels` output channels.
inline EpilogueParams EpilogueArgs(const Napi::CallbackInfo& info, size_t first, int channels) {
  EpilogueParams e{};
  int bias_len = 0;
  e.bias = OptionalVector(info, first, "bias", channels, &bias_len);
  if (e.bias && bias_len != channels)
    ThrowRange(info.Env(), "bias must have " + std::to_string(channels) + " elements, got " + std::to_string(bias_len));
  e.act = (int)IntArg(info, first + 1, "activation", 0, kActivationCount - 1);
  e.alpha = (float)NumberArg(info, first + 2, "alpha");
  e.prelu = OptionalVector(info, first + 3, "preluAlpha", channels, &e.prelu_len);
  if (e.act == kPrelu && !e.prelu) ThrowType(info.Env(), "preluAlpha must be a Float32Array for prelu");
  return e;
}

// The Int32Array geometry of a convolution or pooling call (nn.h ConvGeometry's field order).
inline ConvGeometry GeometryArg(const Napi::CallbackInfo& info, size_t index) {
  auto arg = TypedArrayArg<int32_t>(info, index, "geometry", ArrayRequirements::Length(ConvGeometry::kFields));
  const int32_t* v = arg.data;
  static const char* const names[ConvGeometry::kFields] = {
      "batch",       "inHeight",       "inWidth",       "inChannels",  "outHeight",
      "outWidth",    "outChannels",    "filterHeight",  "filterWidth", "strideHeight",
      "strideWidth", "dilationHeight", "dilationWidth", "padTop",      "padLeft"};
  for (int i = 0; i < ConvGeometry::kFields; ++i) {
    const int min = i >= 13 ? 0 : 1;
    if (v[i] < min)
      ThrowRange(info.Env(), std::string("geometry.") + names[i] + " must be at least " + std::to_string(min) +
                                 ", got " + std::to_string(v[i]));
  }
  ConvGeometry g{v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11], v[12], v[13], v[14]};
  const double x = (double)g.batch * g.in_h * g.in_w * g.in_c;
  const double y = (double)g.batch * g.out_h * g.out_w * g.out_c;
  const double patches = (double)g.out_h * g.out_w * g.filter_h * g.filter_w * g.in_c;
  const double filter = (double)g.filter_h * g.filter_w * g.in_c * g.out_c;
  if (x > kMaxElements || y > kMaxElements || patches > kMaxElements || filter > kMaxElements)
    ThrowRange(info.Env(), "geometry describes tensors of more than 2^31 - 1 elements");
  return g;
}

// nnMatMul(a, b, out, dims, aIndex, bIndex, bias, activation, alpha, preluAlpha), checked.
struct MatMulCall {
  const float* a;
  const float* b;
  float* out;
  int M, N, K, batch;
  bool trans_a, trans_b;
  const int32_t* a_index;
  const int32_t* b_index;
  size_t a_batches, b_batches;
  EpilogueParams epilogue;
};

inline MatMulCall MatMulArgs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const int32_t* d = TypedArrayArg<int32_t>(info, 3, "dims", ArrayRequirements::Length(8)).data;
  MatMulCall c{};
  c.M = d[0];
  c.N = d[1];
  c.K = d[2];
  c.trans_a = d[3] != 0;
  c.trans_b = d[4] != 0;
  c.batch = d[5];
  if (c.M < 0 || c.N < 0 || c.K < 0 || c.batch < 1 || d[6] < 1 || d[7] < 1)
    ThrowRange(env, "dims must be non-negative sizes and at least one batch");
  c.a_batches = (size_t)d[6];
  c.b_batches = (size_t)d[7];
  if ((double)c.a_batches * c.M * c.K > kMaxElements || (double)c.b_batches * c.K * c.N > kMaxElements ||
      (double)c.batch * c.M * c.N > kMaxElements)
    ThrowRange(env, "dims describe tensors of more than 2^31 - 1 elements");
  c.a = FloatArg(info, 0, "a", c.a_batches * c.M * c.K);
  c.b = FloatArg(info, 1, "b", c.b_batches * c.K * c.N);
  c.out = FloatArg(info, 2, "out", (size_t)c.batch * c.M * c.N);
  c.a_index = TypedArrayArg<int32_t>(info, 4, "aIndex", ArrayRequirements::Length(c.batch)).data;
  c.b_index = TypedArrayArg<int32_t>(info, 5, "bIndex", ArrayRequirements::Length(c.batch)).data;
  for (int i = 0; i < c.batch; ++i) {
    if (c.a_index[i] < 0 || (size_t)c.a_index[i] >= c.a_batches || c.b_index[i] < 0 ||
        (size_t)c.b_index[i] >= c.b_batches)
      ThrowRange(env, "aIndex/bIndex[" + std::to_string(i) + "] is out of range");
  }
  c.epilogue = EpilogueArgs(info, 6, c.N);
  return c;
}

}  // namespace hpo::nn
