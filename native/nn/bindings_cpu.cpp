// Node-API glue of the training kernels (CPU module). Every function is synchronous, as tfjs kernels
// are: it reads its typed arrays in place, writes the caller's freshly allocated output and keeps no
// pointer after returning. Shapes were validated in src/native/nn.ts; the checks here are the door
// checks that keep a direct call from reading or writing out of bounds.
//
//   nnMatMul(a, b, out, dims, aIndex, bIndex, bias, activation, alpha, preluAlpha)
//     dims Int32Array [M, N, K, transA, transB, batch, aBatches, bBatches]; out[i] = op(a[aIndex[i]])
//     op(b[bIndex[i]]), then the fused epilogue (bias and preluAlpha: Float32Array of N or 1, or null).
//   nnConv2d(x, filter, y, geometry, bias, activation, alpha, preluAlpha)
//   nnConv2dBackpropInput(dy, filter, dx, geometry)      nnConv2dBackpropFilter(x, dy, dfilter, geometry)
//   nnMaxPool(x, y, geometry)  nnAvgPool(x, y, geometry)  nnMaxPoolGrad(dy, x, dx, geometry)
//   nnAvgPoolGrad(dy, dx, geometry)
//     geometry Int32Array [batch, inH, inW, inC, outH, outW, outC, filterH, filterW, strideH, strideW,
//     dilationH, dilationW, padTop, padLeft] (nn.h ConvGeometry).
#include <napi.h>

#include <string>

#include "common/args.h"
#include "common/thread_pool.h"
#include "nn/nn.h"
#include "nn/nn_math.h"

namespace hpo::nn {
namespace {

constexpr double kMaxElements = 2147483647.0;  // int indexing inside the kernels

// A Float32Array of 1 or `n` elements, or null/undefined (returns nullptr, length 0).
const float* OptionalVector(const Napi::CallbackInfo& info, size_t index, const char* name, int n, int* length) {
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

struct Epilogue {
  const float* bias;
  int bias_len;
  int act;
  float alpha;
  const float* prelu;
  int prelu_len;
};

Epilogue EpilogueArgs(const Napi::CallbackInfo& info, size_t first, int channels) {
  Epilogue e{};
  e.bias = OptionalVector(info, first, "bias", channels, &e.bias_len);
  if (e.bias && e.bias_len != channels)
    ThrowRange(info.Env(), "bias must have " + std::to_string(channels) + " elements, got " +
                               std::to_string(e.bias_len));
  e.act = (int)IntArg(info, first + 1, "activation", 0, kActivationCount - 1);
  e.alpha = (float)NumberArg(info, first + 2, "alpha");
  e.prelu = OptionalVector(info, first + 3, "preluAlpha", channels, &e.prelu_len);
  if (e.act == kPrelu && !e.prelu) ThrowType(info.Env(), "preluAlpha must be a Float32Array for prelu");
  return e;
}

ConvGeometry GeometryArg(const Napi::CallbackInfo& info, size_t index) {
  auto arg = TypedArrayArg<int32_t>(info, index, "geometry", ArrayRequirements::Length(ConvGeometry::kFields));
  const int32_t* v = arg.data;
  static const char* names[ConvGeometry::kFields] = {"batch",   "inHeight", "inWidth",   "inChannels", "outHeight",
                                                     "outWidth", "outChannels", "filterHeight", "filterWidth",
                                                     "strideHeight", "strideWidth", "dilationHeight",
                                                     "dilationWidth", "padTop", "padLeft"};
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
  if (x > kMaxElements || y > kMaxElements || patches > kMaxElements ||
      (double)g.filter_h * g.filter_w * g.in_c * g.out_c > kMaxElements)
    ThrowRange(info.Env(), "geometry describes tensors of more than 2^31 - 1 elements");
  return g;
}

float* Output(const Napi::CallbackInfo& info, size_t index, const char* name, size_t n) {
  return TypedArrayArg<float>(info, index, name, ArrayRequirements::Length(n)).data;
}
const float* Input(const Napi::CallbackInfo& info, size_t index, const char* name, size_t n) {
  return TypedArrayArg<float>(info, index, name, ArrayRequirements::Length(n)).data;
}

Napi::Value MatMul(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto dims = TypedArrayArg<int32_t>(info, 3, "dims", ArrayRequirements::Length(8));
  const int32_t* d = dims.data;
  const int M = d[0], N = d[1], K = d[2], batch = d[5], a_batches = d[6], b_batches = d[7];
  const bool trans_a = d[3] != 0, trans_b = d[4] != 0;
  if (M < 0 || N < 0 || K < 0 || batch < 1 || a_batches < 1 || b_batches < 1)
    ThrowRange(env, "dims must be non-negative sizes and at least one batch");
  if ((double)a_batches * M * K > kMaxElements || (double)b_batches * K * N > kMaxElements ||
      (double)batch * M * N > kMaxElements)
    ThrowRange(env, "dims describe tensors of more than 2^31 - 1 elements");
  const size_t a_size = (size_t)M * K, b_size = (size_t)K * N, c_size = (size_t)M * N;
  const float* a = Input(info, 0, "a", a_size * a_batches);
  const float* b = Input(info, 1, "b", b_size * b_batches);
  float* out = Output(info, 2, "out", c_size * batch);
  auto a_index = TypedArrayArg<int32_t>(info, 4, "aIndex", ArrayRequirements::Length(batch));
  auto b_index = TypedArrayArg<int32_t>(info, 5, "bIndex", ArrayRequirements::Length(batch));
  for (int i = 0; i < batch; ++i) {
    if (a_index.data[i] < 0 || a_index.data[i] >= a_batches || b_index.data[i] < 0 || b_index.data[i] >= b_batches)
      ThrowRange(env, "aIndex/bIndex[" + std::to_string(i) + "] is out of range");
  }
  const Epilogue e = EpilogueArgs(info, 6, N);
  const int threads = hardware_threads();
  const int lda = trans_a ? M : K, ldb = trans_b ? K : N;
  const double flops = 2.0 * M * N * (double)K;
  auto one = [&](int i, int t) {
    sgemm(M, N, K, a + a_size * a_index.data[i], lda, trans_a, b + b_size * b_index.data[i], ldb, trans_b,
          out + c_size * i, N, false, t);
  };
  // Many small products (attention heads) run one per thread; big ones parallelise inside.
  if (batch > 1 && flops < 2e6)
    parallel_for(batch, flops * batch >= 2e6 ? threads : 1, [&](int i) { one(i, 1); });
  else
    for (int i = 0; i < batch; ++i) one(i, threads);
  epilogue(out, (size_t)batch * M, N, e.bias, e.act, e.alpha, e.prelu, e.prelu_len, threads);
  return env.Undefined();
}

Napi::Value Conv2d(const Napi::CallbackInfo& info) {
  const ConvGeometry g = GeometryArg(info, 3);
  const float* x = Input(info, 0, "x", g.x_size());
  const float* filter = Input(info, 1, "filter", g.filter_size());
  float* y = Output(info, 2, "y", g.y_size());
  const Epilogue e = EpilogueArgs(info, 4, g.out_c);
  const int threads = hardware_threads();
  conv2d_forward(y, x, filter, g, threads);
  epilogue(y, g.y_size() / g.out_c, g.out_c, e.bias, e.act, e.alpha, e.prelu, e.prelu_len, threads);
  return info.Env().Undefined();
}

Napi::Value Conv2dBackpropInput(const Napi::CallbackInfo& info) {
  const ConvGeometry g = GeometryArg(info, 3);
  const float* dy = Input(info, 0, "dy", g.y_size());
  const float* filter = Input(info, 1, "filter", g.filter_size());
  float* dx = Output(info, 2, "dx", g.x_size());
  conv2d_backprop_input(dx, dy, filter, g, hardware_threads());
  return info.Env().Undefined();
}

Napi::Value Conv2dBackpropFilter(const Napi::CallbackInfo& info) {
  const ConvGeometry g = GeometryArg(info, 3);
  const float* x = Input(info, 0, "x", g.x_size());
  const float* dy = Input(info, 1, "dy", g.y_size());
  float* dfilter = Output(info, 2, "dfilter", g.filter_size());
  conv2d_backprop_filter(dfilter, x, dy, g, hardware_threads());
  return info.Env().Undefined();
}

ConvGeometry PoolGeometryArg(const Napi::CallbackInfo& info, size_t index) {
  const ConvGeometry g = GeometryArg(info, index);
  if (g.out_c != g.in_c) ThrowRange(info.Env(), "geometry.outChannels must equal inChannels for pooling");
  return g;
}

Napi::Value MaxPool(const Napi::CallbackInfo& info) {
  const ConvGeometry g = PoolGeometryArg(info, 2);
  max_pool(Output(info, 1, "y", g.y_size()), Input(info, 0, "x", g.x_size()), g, hardware_threads());
  return info.Env().Undefined();
}

Napi::Value AvgPool(const Napi::CallbackInfo& info) {
  const ConvGeometry g = PoolGeometryArg(info, 2);
  avg_pool(Output(info, 1, "y", g.y_size()), Input(info, 0, "x", g.x_size()), g, hardware_threads());
  return info.Env().Undefined();
}

Napi::Value MaxPoolGrad(const Napi::CallbackInfo& info) {
  const ConvGeometry g = PoolGeometryArg(info, 3);
  const float* dy = Input(info, 0, "dy", g.y_size());
  const float* x = Input(info, 1, "x", g.x_size());
  max_pool_grad(Output(info, 2, "dx", g.x_size()), dy, x, g, hardware_threads());
  return info.Env().Undefined();
}

Napi::Value AvgPoolGrad(const Napi::CallbackInfo& info) {
  const ConvGeometry g = PoolGeometryArg(info, 2);
  const float* dy = Input(info, 0, "dy", g.y_size());
  avg_pool_grad(Output(info, 1, "dx", g.x_size()), dy, g, hardware_threads());
  return info.Env().Undefined();
}

}  // namespace

void RegisterNnCpu(Napi::Env env, Napi::Object exports) {
  exports.Set("nnMatMul", Napi::Function::New(env, MatMul, "nnMatMul"));
  exports.Set("nnConv2d", Napi::Function::New(env, Conv2d, "nnConv2d"));
  exports.Set("nnConv2dBackpropInput", Napi::Function::New(env, Conv2dBackpropInput, "nnConv2dBackpropInput"));
  exports.Set("nnConv2dBackpropFilter", Napi::Function::New(env, Conv2dBackpropFilter, "nnConv2dBackpropFilter"));
  exports.Set("nnMaxPool", Napi::Function::New(env, MaxPool, "nnMaxPool"));
  exports.Set("nnAvgPool", Napi::Function::New(env, AvgPool, "nnAvgPool"));
  exports.Set("nnMaxPoolGrad", Napi::Function::New(env, MaxPoolGrad, "nnMaxPoolGrad"));
  exports.Set("nnAvgPoolGrad", Napi::Function::New(env, AvgPoolGrad, "nnAvgPoolGrad"));
}

}  // namespace hpo::nn
