// Per-element math of the training kernels, shared by the CPU path (*_cpu.cpp) and the CUDA path
// (nn.cu): the fused epilogue's activations and the convolution/pooling index math. The formulas
// follow TensorFlow.js's cpu backend exactly where it matters for training: relu and relu6 propagate
// NaN (as Math.max does; std::max would not), elu is exp(x) - 1 below zero, leakyrelu and prelu
// scale negative inputs by alpha.
#pragma once
#include <cmath>

#include "common/hd.h"

namespace hpo::nn {

// The fused activations of tfjs's _FusedMatMul / FusedConv2D, numbered as src/native/nn.ts passes them.
enum Activation : int {
  kLinear = 0,
  kRelu = 1,
  kRelu6 = 2,
  kElu = 3,
  kSigmoid = 4,
  kLeakyRelu = 5,  // alpha = leakyreluAlpha
  kPrelu = 6,      // alpha per output channel (or one for all)
};
constexpr int kActivationCount = 7;

// act(x) for one element; `alpha` is leakyrelu's slope or prelu's slope for this element's channel.
HPO_HD float activate(int act, float x, float alpha) {
  switch (act) {
    case kRelu: return x < 0.0f ? 0.0f : x;  // NaN stays NaN, as Math.max(0, x)
    case kRelu6: return x < 0.0f ? 0.0f : (x > 6.0f ? 6.0f : x);
    case kElu: return x >= 0.0f ? x : expf(x) - 1.0f;
    case kSigmoid: return 1.0f / (1.0f + expf(-x));
    case kLeakyRelu:
    case kPrelu: return x < 0.0f ? alpha * x : x;
    default: return x;
  }
}

// The input coordinate (row or column) that output coordinate `out` reads through filter tap `tap`:
// out * stride - pad_before + tap * dilation. Outside [0, size) it reads zero padding.
HPO_HD int conv_source(int out, int stride, int pad_before, int tap, int dilation) {
  return out * stride - pad_before + tap * dilation;
}

// The im2col column of filter tap (fy, fx) and input channel ic: filters are HWIO, so row j of the
// filter matrix [fh * fw * in_c, out_c] is this index.
HPO_HD int im2col_column(int fy, int fx, int ic, int fw, int in_c) { return (fy * fw + fx) * in_c + ic; }

}  // namespace hpo::nn
