// Node-API glue of the training kernels (CPU module). Every function is synchronous, as tfjs kernels
// are: it reads its typed arrays in place, writes the caller's freshly allocated output and keeps no
// pointer after returning. Shapes were validated in src/native/nn.ts; nn_args.h holds the door checks
// that keep a direct call from reading or writing out of bounds.
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
//   nnBinary(op, a, b, out, outShape, aStrides, bStrides)   op: nn_math.h BinaryOp; Int32Array shape and
//     element strides per axis (0 where the operand broadcasts)
//   nnUnary(op, x, out, alpha)   op: nn_math.h UnaryOp
//   nnSum(x, out, outer, reduce, inner, scale)   out (outer x inner) = scale * sum over the middle axis
//   nnTranspose(x, out, shape, perm)      nnSoftmax(x, out, rows, width)
#include <napi.h>

#include "common/thread_pool.h"
#include "nn/nn.h"
#include "nn/nn_args.h"
#include "nn/nn_bindings.h"

namespace hpo::nn {
namespace {

// std::thread::hardware_concurrency reads sysfs on every call (about 10 µs, more than a small
// kernel): asked once.
int Threads() {
  static const int threads = hardware_threads();
  return threads;
}

Napi::Value MatMul(const Napi::CallbackInfo& info) {
  const MatMulCall c = MatMulArgs(info);
  const int threads = Threads();
  const size_t a_size = (size_t)c.M * c.K, b_size = (size_t)c.K * c.N, c_size = (size_t)c.M * c.N;
  const int lda = c.trans_a ? c.M : c.K, ldb = c.trans_b ? c.K : c.N;
  const double flops = 2.0 * c.M * c.N * (double)c.K;
  auto one = [&](int i, int t) {
    sgemm(c.M, c.N, c.K, c.a + a_size * c.a_index[i], lda, c.trans_a, c.b + b_size * c.b_index[i], ldb, c.trans_b,
          c.out + c_size * i, c.N, false, t);
  };
  // Many small products (attention heads) run one per thread; big ones parallelise inside.
  if (c.batch > 1 && flops < 2e6)
    parallel_for(c.batch, flops * c.batch >= 2e6 ? threads : 1, [&](int i) { one(i, 1); });
  else
    for (int i = 0; i < c.batch; ++i) one(i, threads);
  epilogue(c.out, (size_t)c.batch * c.M, c.N, c.epilogue, threads);
  return info.Env().Undefined();
}

Napi::Value Conv2d(const Napi::CallbackInfo& info) {
  const ConvGeometry g = GeometryArg(info, 3);
  const float* x = FloatArg(info, 0, "x", g.x_size());
  const float* filter = FloatArg(info, 1, "filter", g.filter_size());
  float* y = FloatArg(info, 2, "y", g.y_size());
  const EpilogueParams e = EpilogueArgs(info, 4, g.out_c);
  const int threads = Threads();
  conv2d_forward(y, x, filter, g, threads);
  epilogue(y, g.y_size() / g.out_c, g.out_c, e, threads);
  return info.Env().Undefined();
}

Napi::Value Conv2dBackpropInput(const Napi::CallbackInfo& info) {
  const ConvGeometry g = GeometryArg(info, 3);
  const float* dy = FloatArg(info, 0, "dy", g.y_size());
  const float* filter = FloatArg(info, 1, "filter", g.filter_size());
  float* dx = FloatArg(info, 2, "dx", g.x_size());
  conv2d_backprop_input(dx, dy, filter, g, Threads());
  return info.Env().Undefined();
}

Napi::Value Conv2dBackpropFilter(const Napi::CallbackInfo& info) {
  const ConvGeometry g = GeometryArg(info, 3);
  const float* x = FloatArg(info, 0, "x", g.x_size());
  const float* dy = FloatArg(info, 1, "dy", g.y_size());
  float* dfilter = FloatArg(info, 2, "dfilter", g.filter_size());
  conv2d_backprop_filter(dfilter, x, dy, g, Threads());
  return info.Env().Undefined();
}

ConvGeometry PoolGeometryArg(const Napi::CallbackInfo& info, size_t index) {
  const ConvGeometry g = GeometryArg(info, index);
  if (g.out_c != g.in_c) ThrowRange(info.Env(), "geometry.outChannels must equal inChannels for pooling");
  return g;
}

Napi::Value MaxPool(const Napi::CallbackInfo& info) {
  const ConvGeometry g = PoolGeometryArg(info, 2);
  max_pool(FloatArg(info, 1, "y", g.y_size()), FloatArg(info, 0, "x", g.x_size()), g, Threads());
  return info.Env().Undefined();
}

Napi::Value AvgPool(const Napi::CallbackInfo& info) {
  const ConvGeometry g = PoolGeometryArg(info, 2);
  avg_pool(FloatArg(info, 1, "y", g.y_size()), FloatArg(info, 0, "x", g.x_size()), g, Threads());
  return info.Env().Undefined();
}

Napi::Value MaxPoolGrad(const Napi::CallbackInfo& info) {
  const ConvGeometry g = PoolGeometryArg(info, 3);
  const float* dy = FloatArg(info, 0, "dy", g.y_size());
  const float* x = FloatArg(info, 1, "x", g.x_size());
  max_pool_grad(FloatArg(info, 2, "dx", g.x_size()), dy, x, g, Threads());
  return info.Env().Undefined();
}

Napi::Value AvgPoolGrad(const Napi::CallbackInfo& info) {
  const ConvGeometry g = PoolGeometryArg(info, 2);
  const float* dy = FloatArg(info, 0, "dy", g.y_size());
  avg_pool_grad(FloatArg(info, 1, "dx", g.x_size()), dy, g, Threads());
  return info.Env().Undefined();
}

Napi::Value Binary(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const int op = (int)IntArg(info, 0, "op", 0, kBinaryOpCount - 1);
  auto shape = TypedArrayArg<int32_t>(info, 4, "outShape");
  const int rank = (int)shape.length;
  if (rank > kMaxRank) ThrowRange(env, "outShape must have at most " + std::to_string(kMaxRank) + " axes");
  auto a_strides = TypedArrayArg<int32_t>(info, 5, "aStrides", ArrayRequirements::Length(rank));
  auto b_strides = TypedArrayArg<int32_t>(info, 6, "bStrides", ArrayRequirements::Length(rank));
  auto a = TypedArrayArg<float>(info, 1, "a");
  auto b = TypedArrayArg<float>(info, 2, "b");
  double total = 1, a_last = 0, b_last = 0;
  for (int i = 0; i < rank; ++i) {
    const int d = shape.data[i];
    if (d < 0 || a_strides.data[i] < 0 || b_strides.data[i] < 0)
      ThrowRange(env, "outShape and strides must be non-negative");
    total *= d;
    if (d > 0) {
      a_last += (double)(d - 1) * a_strides.data[i];
      b_last += (double)(d - 1) * b_strides.data[i];
    }
  }
  if (total > kMaxElements) ThrowRange(env, "outShape describes more than 2^31 - 1 elements");
  float* out = FloatArg(info, 3, "out", (size_t)total);
  if (total > 0 && (a_last >= (double)a.length || b_last >= (double)b.length))
    ThrowRange(env, "aStrides/bStrides reach past the end of a or b");
  binary(op, out, a.data, b.data, rank, shape.data, a_strides.data, b_strides.data, Threads());
  return env.Undefined();
}

Napi::Value Unary(const Napi::CallbackInfo& info) {
  const int op = (int)IntArg(info, 0, "op", 0, kUnaryOpCount - 1);
  auto x = TypedArrayArg<float>(info, 1, "x");
  float* out = FloatArg(info, 2, "out", x.length);
  unary(op, out, x.data, x.length, (float)NumberArg(info, 3, "alpha"), Threads());
  return info.Env().Undefined();
}

Napi::Value Sum(const Napi::CallbackInfo& info) {
  const size_t outer = CountArg(info, 2, "outer", kMaxElements);
  const size_t reduce = CountArg(info, 3, "reduce", kMaxElements);
  const size_t inner = CountArg(info, 4, "inner", kMaxElements);
  if ((double)outer * reduce * inner > kMaxElements) ThrowRange(info.Env(), "outer * reduce * inner is too large");
  const float* x = FloatArg(info, 0, "x", outer * reduce * inner);
  float* out = FloatArg(info, 1, "out", outer * inner);
  reduce_sum(out, x, outer, reduce, inner, NumberArg(info, 5, "scale"), Threads());
  return info.Env().Undefined();
}

Napi::Value Transpose(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto shape = TypedArrayArg<int32_t>(info, 2, "shape");
  const int rank = (int)shape.length;
  if (rank < 1 || rank > kMaxRank) ThrowRange(env, "shape must have 1 to " + std::to_string(kMaxRank) + " axes");
  auto perm = TypedArrayArg<int32_t>(info, 3, "perm", ArrayRequirements::Length(rank));
  bool seen[kMaxRank] = {};
  double total = 1;
  for (int i = 0; i < rank; ++i) {
    const int p = perm.data[i];
    if (p < 0 || p >= rank || seen[p]) ThrowRange(env, "perm must be a permutation of 0.." + std::to_string(rank - 1));
    seen[p] = true;
    if (shape.data[i] < 0) ThrowRange(env, "shape must be non-negative");
    total *= shape.data[i];
  }
  if (total > kMaxElements) ThrowRange(env, "shape describes more than 2^31 - 1 elements");
  const float* x = FloatArg(info, 0, "x", (size_t)total);
  float* out = FloatArg(info, 1, "out", (size_t)total);
  transpose(out, x, rank, shape.data, perm.data, Threads());
  return env.Undefined();
}

Napi::Value Softmax(const Napi::CallbackInfo& info) {
  const size_t rows = CountArg(info, 2, "rows", kMaxElements);
  const size_t width = CountArg(info, 3, "width", kMaxElements);
  if (width < 1 || (double)rows * width > kMaxElements) ThrowRange(info.Env(), "rows * width must be 1 to 2^31 - 1");
  const float* x = FloatArg(info, 0, "x", rows * width);
  softmax(FloatArg(info, 1, "out", rows * width), x, rows, (int)width, Threads());
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
  exports.Set("nnBinary", Napi::Function::New(env, Binary, "nnBinary"));
  exports.Set("nnUnary", Napi::Function::New(env, Unary, "nnUnary"));
  exports.Set("nnSum", Napi::Function::New(env, Sum, "nnSum"));
  exports.Set("nnTranspose", Napi::Function::New(env, Transpose, "nnTranspose"));
  exports.Set("nnSoftmax", Napi::Function::New(env, Softmax, "nnSoftmax"));
}

}  // namespace hpo::nn
