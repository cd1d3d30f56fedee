// The CUDA path of the training kernels (nn.cu): host-resident offload. Each call uploads its inputs,
// runs im2col/GEMM/col2im and the epilogue on the device and downloads the result before returning,
// so no JS pointer outlives the call; src/native/nn.ts sends only operations above a FLOP threshold.
// Same arguments and results as the CPU functions of nn.h (up to summation order).
#pragma once
#include <cstdint>

#include "common/status.h"
#include "nn/nn.h"

namespace hpo::nn {

// out[i] (M x N) = op(a[a_index[i]]) op(b[b_index[i]]) for i < batch, then the epilogue.
Status matmul_cuda(float* out, const float* a, const float* b, int M, int N, int K, bool trans_a, bool trans_b,
                   int batch, const int32_t* a_index, const int32_t* b_index, size_t a_batches, size_t b_batches,
                   const EpilogueParams& epilogue);
Status conv2d_forward_cuda(float* y, const float* x, const float* filter, const ConvGeometry& g,
                           const EpilogueParams& epilogue);
Status conv2d_backprop_input_cuda(float* dx, const float* dy, const float* filter, const ConvGeometry& g);
Status conv2d_backprop_filter_cuda(float* dfilter, const float* x, const float* dy, const ConvGeometry& g);

}  // namespace hpo::nn
