// Node-API glue of the training kernels in the CUDA module: the same functions and arguments as
// bindings_cpu.cpp's nnMatMul, nnConv2d, nnConv2dBackpropInput and nnConv2dBackpropFilter, run on the
// GPU (host-resident offload, nn_cuda.h). Synchronous: the device work finishes before returning.
// Pooling stays on the CPU module.
#include <napi.h>

#include "nn/nn_args.h"
#include "nn/nn_bindings.h"
#include "nn/nn_cuda.h"

namespace hpo::nn {
namespace {

void Check(Napi::Env env, const Status& status) {
  if (!status.ok()) ThrowStatus(env, status);
}

Napi::Value MatMul(const Napi::CallbackInfo& info) {
  const MatMulCall c = MatMulArgs(info);
  Check(info.Env(), matmul_cuda(c.out, c.a, c.b, c.M, c.N, c.K, c.trans_a, c.trans_b, c.batch, c.a_index, c.b_index,
                                c.a_batches, c.b_batches, c.epilogue));
  return info.Env().Undefined();
}

Napi::Value Conv2d(const Napi::CallbackInfo& info) {
  const ConvGeometry g = GeometryArg(info, 3);
  const float* x = FloatArg(info, 0, "x", g.x_size());
  const float* filter = FloatArg(info, 1, "filter", g.filter_size());
  float* y = FloatArg(info, 2, "y", g.y_size());
  Check(info.Env(), conv2d_forward_cuda(y, x, filter, g, EpilogueArgs(info, 4, g.out_c)));
  return info.Env().Undefined();
}

Napi::Value Conv2dBackpropInput(const Napi::CallbackInfo& info) {
  const ConvGeometry g = GeometryArg(info, 3);
  const float* dy = FloatArg(info, 0, "dy", g.y_size());
  const float* filter = FloatArg(info, 1, "filter", g.filter_size());
  Check(info.Env(), conv2d_backprop_input_cuda(FloatArg(info, 2, "dx", g.x_size()), dy, filter, g));
  return info.Env().Undefined();
}

Napi::Value Conv2dBackpropFilter(const Napi::CallbackInfo& info) {
  const ConvGeometry g = GeometryArg(info, 3);
  const float* x = FloatArg(info, 0, "x", g.x_size());
  const float* dy = FloatArg(info, 1, "dy", g.y_size());
  Check(info.Env(), conv2d_backprop_filter_cuda(FloatArg(info, 2, "dfilter", g.filter_size()), x, dy, g));
  return info.Env().Undefined();
}

}  // namespace

void RegisterNnCuda(Napi::Env env, Napi::Object exports) {
  exports.Set("nnMatMul", Napi::Function::New(env, MatMul, "nnMatMul"));
  exports.Set("nnConv2d", Napi::Function::New(env, Conv2d, "nnConv2d"));
  exports.Set("nnConv2dBackpropInput", Napi::Function::New(env, Conv2dBackpropInput, "nnConv2dBackpropInput"));
  exports.Set("nnConv2dBackpropFilter", Napi::Function::New(env, Conv2dBackpropFilter, "nnConv2dBackpropFilter"));
}

}  // namespace hpo::nn
