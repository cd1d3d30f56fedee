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

// Broadcasting binary ops (tfjs kernel names), numbered as src/native/nn.ts passes them. Maximum and
// Minimum propagate NaN as Math.max / Math.min do.
enum BinaryOp : int { kAdd = 0, kSub = 1, kMul = 2, kDiv = 3, kMaximum = 4, kMinimum = 5, kSquaredDifference = 6 };
constexpr int kBinaryOpCount = 7;

HPO_HD float binary_op(int op, float a, float b) {
  switch (op) {
    case kAdd: return a + b;
    case kSub: return a - b;
    case kMul: return a * b;
    case kDiv: return a / b;
    case kMaximum: return (a != a || b != b) ? a + b : (a > b ? a : b);
    case kMinimum: return (a != a || b != b) ? a + b : (a < b ? a : b);
    default: {
      const float d = a - b;
      return d * d;
    }
  }
}

// Unary ops (tfjs kernel names). tfjs computes these in float64 and rounds; the float versions differ
// by an ulp or so. Step: NaN stays NaN, else x > 0 ? 1 : alpha.
enum UnaryOp : int {
  kReluOp = 0,
  kStep = 1,
  kSqrt = 2,
  kRsqrt = 3,
  kSquare = 4,
  kExp = 5,
  kLog = 6,
  kNeg = 7,
  kTanh = 8,
  kSigmoidOp = 9,
  kEluOp = 10,
  kAbs = 11,
};
constexpr int kUnaryOpCount = 12;

HPO_HD float unary_op(int op, float x, float alpha) {
  switch (op) {
    case kReluOp: return activate(kRelu, x, 0.0f);
    case kStep: return x != x ? x : (x > 0.0f ? 1.0f : alpha);
    case kSqrt: return sqrtf(x);
    case kRsqrt: return 1.0f / sqrtf(x);
    case kSquare: return x * x;
    case kExp: return expf(x);
    case kLog: return logf(x);
    case kNeg: return -x;
    case kTanh: return tanhf(x);
    case kSigmoidOp: return activate(kSigmoid, x, 0.0f);
    case kEluOp: return activate(kElu, x, 0.0f);
    default: return fabsf(x);
  }
}

// The input coordinate (row or column) that output coordinate `out` reads through filter tap `tap`:
// out * stride - pad_before + tap * dilation. Outside [0, size) it reads zero padding.
HPO_HD int conv_source(int out, int stride, int pad_before, int tap, int dilation) {
  return out * stride - pad_before + tap * dilation;
}

// The inverse of conv_source: the output coordinate whose tap `tap` reads input coordinate `in`, or -1
// when none does (off the stride grid or outside [0, out_size)). Used by gathers (the CUDA col2im).
HPO_HD int conv_output_for(int in, int stride, int pad_before, int tap, int dilation, int out_size) {
  const int shifted = in + pad_before - tap * dilation;
  if (shifted < 0 || shifted % stride != 0) return -1;
  const int out = shifted / stride;
  return out < out_size ? out : -1;
}

// The im2col column of filter tap (fy, fx) and input channel ic: filters are HWIO, so row j of the
// filter matrix [fh * fw * in_c, out_c] is this index.
HPO_HD int im2col_column(int fy, int fx, int ic, int fw, int in_c) { return (fy * fw + fx) * in_c + ic; }

}  // namespace hpo::nn
