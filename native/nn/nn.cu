// CUDA kernels of the training backend and their host-resident launchers (see nn_cuda.h).
//
//   sgemm_kernel1    C (M x N) [+]= op(A) op(B), batched over blockIdx.z with per-batch matrix indices;
//                    a 64 x 64 tile of C per 256-thread block, each thread a 4 x 4 sub-tile, K in steps
//                    of 16 through shared memory. Explicit fmaf (the module builds with --fmad=false).
//   epilogue_kernel1 one thread per element of C: act(C + bias), nn_math.h's activate.
//   im2col_kernel1   one thread per element of the patch matrix P (rows = (image, oy, ox), cols =
//                    (fy, fx, ic)), with nn_math.h's conv_source / im2col_column.
//   col2im_kernel1   one thread per element of dx: gathers its patch gradients through
//                    conv_output_for (no atomics, so results do not depend on scheduling).
// Launchers serialize on one mutex and reuse grow-only device buffers (workers share the device).
#include <cuda_runtime.h>

#include <algorithm>
#include <cstring>
#include <mutex>
#include <vector>

#include "common/cuda_check.cuh"
#include "nn/nn_cuda.h"
#include "nn/nn_math.h"

// Returns a failed Status from the enclosing function.
#define HPO_NN_TRY(expr)                             \
  do {                                               \
    ::hpo::Status hpo_nn_status_ = (expr);           \
    if (!hpo_nn_status_.ok()) return hpo_nn_status_; \
  } while (0)

namespace hpo::nn {
namespace {

constexpr int BM = 64, BN = 64, BK = 16;
constexpr size_t kPatchFloats = size_t(64) << 20;  // 256 MB of device patches per chunk at most

template <bool TA, bool TB>
__global__ void sgemm_kernel1(int M, int N, int K, const float* __restrict__ A, int lda, size_t a_stride,
                              const float* __restrict__ B, int ldb, size_t b_stride, float* __restrict__ C, int ldc,
                              size_t c_stride, const int* __restrict__ a_index, const int* __restrict__ b_index,
                              int accumulate) {
  __shared__ float As[BK][BM];
  __shared__ float Bs[BK][BN];
  const int batch = blockIdx.z;
  A += a_stride * (a_index ? a_index[batch] : 0);
  B += b_stride * (b_index ? b_index[batch] : 0);
  C += c_stride * batch;
  const int row0 = blockIdx.y * BM, col0 = blockIdx.x * BN;
  const int tid = threadIdx.x, tx = tid % 16, ty = tid / 16;
  float acc[4][4] = {};
  for (int k0 = 0; k0 < K; k0 += BK) {
    for (int i = 0; i < 4; ++i) {
      const int idx = tid + i * 256;
      const int m = idx % BM, k = idx / BM;
      const int r = row0 + m, kk = k0 + k;
      As[k][m] = (r < M && kk < K) ? (TA ? A[(size_t)kk * lda + r] : A[(size_t)r * lda + kk]) : 0.0f;
      const int n = idx % BN, c = col0 + n;
      Bs[k][n] = (c < N && kk < K) ? (TB ? B[(size_t)c * ldb + kk] : B[(size_t)kk * ldb + c]) : 0.0f;
    }
    __syncthreads();
#pragma unroll
    for (int k = 0; k < BK; ++k) {
      float a[4], b[4];
#pragma unroll
      for (int i = 0; i < 4; ++i) a[i] = As[k][ty * 4 + i];
#pragma unroll
      for (int j = 0; j < 4; ++j) b[j] = Bs[k][tx * 4 + j];
#pragma unroll
      for (int i = 0; i < 4; ++i)
#pragma unroll
        for (int j = 0; j < 4; ++j) acc[i][j] = fmaf(a[i], b[j], acc[i][j]);
    }
    __syncthreads();
  }
  for (int i = 0; i < 4; ++i) {
    const int r = row0 + ty * 4 + i;
    if (r >= M) continue;
    for (int j = 0; j < 4; ++j) {
      const int c = col0 + tx * 4 + j;
      if (c >= N) continue;
      float* out = C + (size_t)r * ldc + c;
      *out = accumulate ? *out + acc[i][j] : acc[i][j];
    }
  }
}

__global__ void epilogue_kernel1(float* C, size_t count, int cols, const float* bias, int act, float alpha,
                                 const float* prelu, int prelu_len) {
  const size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= count) return;
  const int c = (int)(i % cols);
  float v = C[i];
  if (bias) v += bias[c];
  const float slope = act == kPrelu ? prelu[prelu_len == 1 ? 0 : c] : alpha;
  C[i] = activate(act, v, slope);
}

__global__ void im2col_kernel1(float* P, const float* x, ConvGeometry g, int b0, size_t count) {
  const size_t idx = (size_t)blockIdx.x * blockDim.x + threadIdx.x;
  if (idx >= count) return;
  const int K = g.filter_h * g.filter_w * g.in_c;
  const size_t row = idx / K;
  const int col = (int)(idx % K);
  const int ic = col % g.in_c, tap = col / g.in_c, fx = tap % g.filter_w, fy = tap / g.filter_w;
  const int ox = (int)(row % g.out_w), oy = (int)((row / g.out_w) % g.out_h);
  const int b = b0 + (int)(row / ((size_t)g.out_w * g.out_h));
  const int iy = conv_source(oy, g.stride_h, g.pad_top, fy, g.dilation_h);
  const int ix = conv_source(ox, g.stride_w, g.pad_left, fx, g.dilation_w);
  P[idx] = (iy < 0 || iy >= g.in_h || ix < 0 || ix >= g.in_w)
               ? 0.0f
               : x[(((size_t)b * g.in_h + iy) * g.in_w + ix) * g.in_c + ic];
}

// dx of images [b0, b0 + images): dx is the chunk's first image, dP the chunk's patch gradients.
__global__ void col2im_kernel1(float* dx, const float* dP, ConvGeometry g, size_t count) {
  const size_t idx = (size_t)blockIdx.x * blockDim.x + threadIdx.x;
  if (idx >= count) return;
  const int K = g.filter_h * g.filter_w * g.in_c;
  const int ic = (int)(idx % g.in_c);
  const int ix = (int)((idx / g.in_c) % g.in_w);
  const int iy = (int)((idx / ((size_t)g.in_c * g.in_w)) % g.in_h);
  const size_t image = idx / ((size_t)g.in_c * g.in_w * g.in_h);
  float sum = 0.0f;
  for (int fy = 0; fy < g.filter_h; ++fy) {
    const int oy = conv_output_for(iy, g.stride_h, g.pad_top, fy, g.dilation_h, g.out_h);
    if (oy < 0) continue;
    for (int fx = 0; fx < g.filter_w; ++fx) {
      const int ox = conv_output_for(ix, g.stride_w, g.pad_left, fx, g.dilation_w, g.out_w);
      if (ox < 0) continue;
      sum += dP[((image * g.out_h + oy) * g.out_w + ox) * K + im2col_column(fy, fx, ic, g.filter_w, g.in_c)];
    }
  }
  dx[idx] = sum;
}

// A grow-only device buffer, kept between calls (freed at process exit by the driver).
struct Workspace {
  float* ptr = nullptr;
  size_t capacity = 0;
  Status Reserve(size_t count) {
    if (count <= capacity) return Status::Ok();
    if (ptr) cudaFree(ptr);
    ptr = nullptr;
    capacity = 0;
    HPO_CUDA_TRY(cudaMalloc(reinterpret_cast<void**>(&ptr), std::max<size_t>(count, 1) * sizeof(float)));
    capacity = count;
    return Status::Ok();
  }
};

std::mutex& device_mutex() {
  static std::mutex mutex;
  return mutex;
}
// Inputs, weights, output, patches, epilogue vectors and batch indices.
Workspace ws_a, ws_b, ws_c, ws_p, ws_bias, ws_prelu, ws_index;

unsigned blocks_for(size_t count) { return (unsigned)((count + 255) / 256); }

Status Upload(Workspace& ws, const void* host, size_t floats) {
  HPO_NN_TRY(ws.Reserve(floats));
  if (floats) HPO_CUDA_TRY(cudaMemcpy(ws.ptr, host, floats * sizeof(float), cudaMemcpyHostToDevice));
  return Status::Ok();
}

Status Gemm(int M, int N, int K, const float* A, int lda, bool ta, size_t a_stride, const float* B, int ldb, bool tb,
            size_t b_stride, float* C, int ldc, size_t c_stride, int batch, const int* a_index, const int* b_index,
            bool accumulate) {
  if (M == 0 || N == 0) return Status::Ok();
  const dim3 grid((N + BN - 1) / BN, (M + BM - 1) / BM, batch);
  const int add = accumulate ? 1 : 0;
#define HPO_NN_SGEMM(TA, TB) \
  sgemm_kernel1<TA, TB>      \
      <<<grid, 256>>>(M, N, K, A, lda, a_stride, B, ldb, b_stride, C, ldc, c_stride, a_index, b_index, add)
  if (!ta && !tb) HPO_NN_SGEMM(false, false);
  else if (!ta && tb) HPO_NN_SGEMM(false, true);
  else if (ta && !tb) HPO_NN_SGEMM(true, false);
  else HPO_NN_SGEMM(true, true);
#undef HPO_NN_SGEMM
  HPO_CUDA_TRY(cudaGetLastError());
  return Status::Ok();
}

Status Epilogue(float* C, size_t rows, int cols, const EpilogueParams& e) {
  if (!e.bias && e.act == kLinear) return Status::Ok();
  const float* bias = nullptr;
  const float* prelu = nullptr;
  if (e.bias) {
    Status s = Upload(ws_bias, e.bias, cols);
    if (!s.ok()) return s;
    bias = ws_bias.ptr;
  }
  if (e.act == kPrelu) {
    Status s = Upload(ws_prelu, e.prelu, e.prelu_len);
    if (!s.ok()) return s;
    prelu = ws_prelu.ptr;
  }
  const size_t count = rows * cols;
  epilogue_kernel1<<<blocks_for(count), 256>>>(C, count, cols, bias, e.act, e.alpha, prelu, e.prelu_len);
  HPO_CUDA_TRY(cudaGetLastError());
  return Status::Ok();
}

int images_per_chunk(const ConvGeometry& g) {
  const size_t per_image = (size_t)g.out_h * g.out_w * g.filter_h * g.filter_w * g.in_c;
  return (int)std::max<size_t>(1, std::min<size_t>(g.batch, kPatchFloats / std::max<size_t>(1, per_image)));
}

}  // namespace

Status matmul_cuda(float* out, const float* a, const float* b, int M, int N, int K, bool trans_a, bool trans_b,
                   int batch, const int32_t* a_index, const int32_t* b_index, size_t a_batches, size_t b_batches,
                   const EpilogueParams& epilogue) {
  std::lock_guard<std::mutex> lock(device_mutex());
  const size_t a_size = (size_t)M * K, b_size = (size_t)K * N, c_size = (size_t)M * N;
  HPO_NN_TRY(Upload(ws_a, a, a_size * a_batches));
  HPO_NN_TRY(Upload(ws_b, b, b_size * b_batches));
  HPO_NN_TRY(ws_c.Reserve(c_size * batch));
  // Both index arrays in one int buffer (ints and floats have the same size).
  HPO_NN_TRY(ws_index.Reserve(2 * (size_t)batch));
  int* index = reinterpret_cast<int*>(ws_index.ptr);
  HPO_CUDA_TRY(cudaMemcpy(index, a_index, batch * sizeof(int), cudaMemcpyHostToDevice));
  HPO_CUDA_TRY(cudaMemcpy(index + batch, b_index, batch * sizeof(int), cudaMemcpyHostToDevice));
  HPO_NN_TRY(Gemm(M, N, K, ws_a.ptr, trans_a ? M : K, trans_a, a_size, ws_b.ptr, trans_b ? K : N, trans_b, b_size,
                  ws_c.ptr, N, c_size, batch, index, index + batch, false));
  if (K == 0) HPO_CUDA_TRY(cudaMemset(ws_c.ptr, 0, c_size * batch * sizeof(float)));
  HPO_NN_TRY(Epilogue(ws_c.ptr, (size_t)batch * M, N, epilogue));
  HPO_CUDA_TRY(cudaMemcpy(out, ws_c.ptr, c_size * batch * sizeof(float), cudaMemcpyDeviceToHost));
  return Status::Ok();
}

Status conv2d_forward_cuda(float* y, const float* x, const float* filter, const ConvGeometry& g,
                           const EpilogueParams& epilogue) {
  std::lock_guard<std::mutex> lock(device_mutex());
  const int K = g.filter_h * g.filter_w * g.in_c;
  const size_t pixels = (size_t)g.out_h * g.out_w;
  const int chunk = images_per_chunk(g);
  HPO_NN_TRY(Upload(ws_a, x, g.x_size()));
  HPO_NN_TRY(Upload(ws_b, filter, g.filter_size()));
  HPO_NN_TRY(ws_c.Reserve(g.y_size()));
  HPO_NN_TRY(ws_p.Reserve((size_t)chunk * pixels * K));
  for (int b0 = 0; b0 < g.batch; b0 += chunk) {
    const int images = std::min(chunk, g.batch - b0);
    const size_t count = (size_t)images * pixels * K;
    im2col_kernel1<<<blocks_for(count), 256>>>(ws_p.ptr, ws_a.ptr, g, b0, count);
    HPO_CUDA_TRY(cudaGetLastError());
    HPO_NN_TRY(Gemm((int)(images * pixels), g.out_c, K, ws_p.ptr, K, false, 0, ws_b.ptr, g.out_c, false, 0,
                    ws_c.ptr + (size_t)b0 * pixels * g.out_c, g.out_c, 0, 1, nullptr, nullptr, false));
  }
  HPO_NN_TRY(Epilogue(ws_c.ptr, g.y_size() / g.out_c, g.out_c, epilogue));
  HPO_CUDA_TRY(cudaMemcpy(y, ws_c.ptr, g.y_size() * sizeof(float), cudaMemcpyDeviceToHost));
  return Status::Ok();
}

Status conv2d_backprop_input_cuda(float* dx, const float* dy, const float* filter, const ConvGeometry& g) {
  std::lock_guard<std::mutex> lock(device_mutex());
  const int K = g.filter_h * g.filter_w * g.in_c;
  const size_t pixels = (size_t)g.out_h * g.out_w;
  const size_t image_size = (size_t)g.in_h * g.in_w * g.in_c;
  const int chunk = images_per_chunk(g);
  HPO_NN_TRY(Upload(ws_a, dy, g.y_size()));
  HPO_NN_TRY(Upload(ws_b, filter, g.filter_size()));
  HPO_NN_TRY(ws_c.Reserve(g.x_size()));
  HPO_NN_TRY(ws_p.Reserve((size_t)chunk * pixels * K));
  for (int b0 = 0; b0 < g.batch; b0 += chunk) {
    const int images = std::min(chunk, g.batch - b0);
    // dP = dY Wᵀ: W is (K, out_c) row-major, so op(B) = Wᵀ reads it transposed.
    HPO_NN_TRY(Gemm((int)(images * pixels), K, g.out_c, ws_a.ptr + (size_t)b0 * pixels * g.out_c, g.out_c, false, 0,
                    ws_b.ptr, g.out_c, true, 0, ws_p.ptr, K, 0, 1, nullptr, nullptr, false));
    const size_t count = (size_t)images * image_size;
    col2im_kernel1<<<blocks_for(count), 256>>>(ws_c.ptr + (size_t)b0 * image_size, ws_p.ptr, g, count);
    HPO_CUDA_TRY(cudaGetLastError());
  }
  HPO_CUDA_TRY(cudaMemcpy(dx, ws_c.ptr, g.x_size() * sizeof(float), cudaMemcpyDeviceToHost));
  return Status::Ok();
}

Status conv2d_backprop_filter_cuda(float* dfilter, const float* x, const float* dy, const ConvGeometry& g) {
  std::lock_guard<std::mutex> lock(device_mutex());
  const int K = g.filter_h * g.filter_w * g.in_c;
  const size_t pixels = (size_t)g.out_h * g.out_w;
  const int chunk = images_per_chunk(g);
  HPO_NN_TRY(Upload(ws_a, x, g.x_size()));
  HPO_NN_TRY(Upload(ws_b, dy, g.y_size()));
  HPO_NN_TRY(ws_c.Reserve(g.filter_size()));
  HPO_NN_TRY(ws_p.Reserve((size_t)chunk * pixels * K));
  for (int b0 = 0; b0 < g.batch; b0 += chunk) {
    const int images = std::min(chunk, g.batch - b0);
    const size_t count = (size_t)images * pixels * K;
    im2col_kernel1<<<blocks_for(count), 256>>>(ws_p.ptr, ws_a.ptr, g, b0, count);
    HPO_CUDA_TRY(cudaGetLastError());
    // dW (K x out_c) += Pᵀ dY over this chunk's rows.
    HPO_NN_TRY(Gemm(K, g.out_c, (int)(images * pixels), ws_p.ptr, K, true, 0, ws_b.ptr + (size_t)b0 * pixels * g.out_c,
                    g.out_c, false, 0, ws_c.ptr, g.out_c, 0, 1, nullptr, nullptr, b0 > 0));
  }
  HPO_CUDA_TRY(cudaMemcpy(dfilter, ws_c.ptr, g.filter_size() * sizeof(float), cudaMemcpyDeviceToHost));
  return Status::Ok();
}

}  // namespace hpo::nn
