// hpo's training kernels (the `hpo-native` TensorFlow.js backend, src/train/native-backend.ts):
// fp32 GEMM with a fused bias/activation epilogue, NHWC convolutions (forward, input and filter
// gradients) by im2col + GEMM, and 2-D pooling with its gradients. All tensors are row-major fp32
// in host memory that the caller owns; nothing is kept after a call returns.
//
// Layouts: images NHWC [batch, height, width, channels]; filters HWIO [fh, fw, in_c, out_c].
// Geometry comes from tfjs's computeConv2DInfo / computePool2DInfo (padding, rounding), never
// re-derived here: bottom/right padding follows from the bounds checks.
#pragma once
#include <cstddef>
#include <cstdint>

namespace hpo::nn {

// C (M x N, leading dimension ldc) = [C +] op(A) op(B), op(A) M x K, op(B) K x N; op transposes when
// asked: A(r, k) = trans_a ? A[k * lda + r] : A[r * lda + k], B(k, n) likewise. `threads` host
// threads at most (1 = the calling thread only).
void sgemm(int M, int N, int K, const float* A, int lda, bool trans_a, const float* B, int ldb, bool trans_b, float* C,
           int ldc, bool accumulate, int threads);

// The fused epilogue over C (rows x cols): C[r][c] = act(C[r][c] + bias[c], alpha_c) with bias null
// for none, alpha_c = prelu[c] (prelu_len == cols), prelu[0] (prelu_len == 1) or `alpha` (leakyrelu).
struct EpilogueParams {
  const float* bias;  // cols values, or null
  int act;            // nn_math.h Activation
  float alpha;
  const float* prelu;  // prelu_len values (1 or cols), or null
  int prelu_len;
};
void epilogue(float* C, size_t rows, int cols, const EpilogueParams& e, int threads);

// The geometry of one Conv2D or pooling call (tfjs's Conv2DInfo, NHWC).
struct ConvGeometry {
  int batch, in_h, in_w, in_c;
  int out_h, out_w, out_c;  // out_c = in_c for pooling
  int filter_h, filter_w;
  int stride_h, stride_w;
  int dilation_h, dilation_w;
  int pad_top, pad_left;
  static constexpr int kFields = 15;
  size_t x_size() const { return (size_t)batch * in_h * in_w * in_c; }
  size_t y_size() const { return (size_t)batch * out_h * out_w * out_c; }
  size_t filter_size() const { return (size_t)filter_h * filter_w * in_c * out_c; }
};

// y (batch, out_h, out_w, out_c) = conv(x, filter); dilation allowed.
void conv2d_forward(float* y, const float* x, const float* filter, const ConvGeometry& g, int threads);
// dx (batch, in_h, in_w, in_c) = the gradient of conv2d_forward's y with respect to x given dy.
void conv2d_backprop_input(float* dx, const float* dy, const float* filter, const ConvGeometry& g, int threads);
// dfilter (fh, fw, in_c, out_c) = the gradient with respect to the filter given x and dy.
void conv2d_backprop_filter(float* dfilter, const float* x, const float* dy, const ConvGeometry& g, int threads);

// out (rank dims out_shape, row-major) = a (op) b, with a and b read at a_strides / b_strides (0 along
// broadcast axes). rank <= kMaxRank; the caller merges axes so the last one is long.
constexpr int kMaxRank = 8;
void binary(int op, float* out, const float* a, const float* b, int rank, const int* out_shape, const int* a_strides,
            const int* b_strides, int threads);
// out[i] = unary_op(op, x[i], alpha), i < n.
void unary(int op, float* out, const float* x, size_t n, float alpha, int threads);
// out (outer x inner) = scale * sum over r of x (outer x reduce x inner), accumulated in double (as
// tfjs's Sum does).
void reduce_sum(float* out, const float* x, size_t outer, size_t reduce, size_t inner, double scale, int threads);
// Each of `rows` rows of `width`: exp(x - max) / sum, as tfjs's cpu Softmax (max, sub, exp, sum, div).
void softmax(float* out, const float* x, size_t rows, int width, int threads);
// out = x transposed: out axis i is x axis perm[i]; x has shape x_shape (rank <= kMaxRank).
void transpose(float* out, const float* x, int rank, const int* x_shape, const int* perm, int threads);

// Pooling over NHWC (out_c = in_c). Max keeps the first maximum in window order (tfjs's `pixel > max`,
// so NaN is never chosen and an all-NaN window gives -Infinity); avg divides by the in-bounds count.
void max_pool(float* y, const float* x, const ConvGeometry& g, int threads);
void avg_pool(float* y, const float* x, const ConvGeometry& g, int threads);
// dx gets dy routed to each window's first maximum in x.
void max_pool_grad(float* dx, const float* dy, const float* x, const ConvGeometry& g, int threads);
// dx gets dy / (filter_h * filter_w) spread over each window's in-bounds pixels (tfjs's AvgPoolGrad
// divides by the full window size, unlike the forward pass).
void avg_pool_grad(float* dx, const float* dy, const ConvGeometry& g, int threads);

}  // namespace hpo::nn
