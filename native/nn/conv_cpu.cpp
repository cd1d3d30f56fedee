// NHWC convolutions as im2col + GEMM (see nn.h). The batch is processed in chunks of whole images so
// the patch matrix P (rows = (image, out_y, out_x), columns = (fy, fx, ic), as the HWIO filter's
// rows) stays within kPatchFloats:
//   forward          Y  = P W                      (rows x out_c)
//   filter gradient  dW = sum over chunks of Pᵀ dY  (fh fw in_c x out_c)
//   input gradient   dP = dY Wᵀ, then col2im adds each patch row back onto dx.
// A 1 x 1 filter with stride 1 and no padding uses x itself as P.
#include <algorithm>
#include <cstring>
#include <vector>

#include "common/thread_pool.h"
#include "nn/nn.h"
#include "nn/nn_math.h"

namespace hpo::nn {
namespace {

constexpr size_t kPatchFloats = size_t(4) << 20;  // 16 MB of patches per chunk at most

int patch_columns(const ConvGeometry& g) { return g.filter_h * g.filter_w * g.in_c; }

bool is_pointwise(const ConvGeometry& g) {
  return g.filter_h == 1 && g.filter_w == 1 && g.stride_h == 1 && g.stride_w == 1 && g.pad_top == 0 &&
         g.pad_left == 0 && g.out_h == g.in_h && g.out_w == g.in_w;
}

int images_per_chunk(const ConvGeometry& g) {
  const size_t per_image = (size_t)g.out_h * g.out_w * patch_columns(g);
  return (int)std::max<size_t>(1, std::min<size_t>(g.batch, kPatchFloats / std::max<size_t>(1, per_image)));
}

// P (images * out_h * out_w, K) for images [b0, b0 + images); zero where a tap reads padding.
void im2col(float* P, const float* x, const ConvGeometry& g, int b0, int images, int threads) {
  const int K = patch_columns(g);
  const size_t row_span = (size_t)g.in_c * sizeof(float);
  const int lines = images * g.out_h;
  parallel_for(lines, (size_t)lines * g.out_w * K >= 65536 ? threads : 1, [&](int line) {
    const int b = b0 + line / g.out_h, oy = line % g.out_h;
    const float* image = x + (size_t)b * g.in_h * g.in_w * g.in_c;
    for (int ox = 0; ox < g.out_w; ++ox) {
      float* row = P + ((size_t)line * g.out_w + ox) * K;
      for (int fy = 0; fy < g.filter_h; ++fy) {
        const int iy = conv_source(oy, g.stride_h, g.pad_top, fy, g.dilation_h);
        for (int fx = 0; fx < g.filter_w; ++fx) {
          const int ix = conv_source(ox, g.stride_w, g.pad_left, fx, g.dilation_w);
          float* dst = row + im2col_column(fy, fx, 0, g.filter_w, g.in_c);
          if (iy < 0 || iy >= g.in_h || ix < 0 || ix >= g.in_w) std::memset(dst, 0, row_span);
          else std::memcpy(dst, image + ((size_t)iy * g.in_w + ix) * g.in_c, row_span);
        }
      }
    }
  });
}

// dx[images b0 .. b0 + images) += the patch gradients dP scattered back to the pixels they read. One
// image per task, so no two tasks write the same pixel.
void col2im(float* dx, const float* dP, const ConvGeometry& g, int b0, int images, int threads) {
  const int K = patch_columns(g);
  parallel_for(images, threads, [&](int i) {
    float* image = dx + (size_t)(b0 + i) * g.in_h * g.in_w * g.in_c;
    for (int oy = 0; oy < g.out_h; ++oy) {
      for (int ox = 0; ox < g.out_w; ++ox) {
        const float* row = dP + (((size_t)i * g.out_h + oy) * g.out_w + ox) * K;
        for (int fy = 0; fy < g.filter_h; ++fy) {
          const int iy = conv_source(oy, g.stride_h, g.pad_top, fy, g.dilation_h);
          if (iy < 0 || iy >= g.in_h) continue;
          for (int fx = 0; fx < g.filter_w; ++fx) {
            const int ix = conv_source(ox, g.stride_w, g.pad_left, fx, g.dilation_w);
            if (ix < 0 || ix >= g.in_w) continue;
            const float* src = row + im2col_column(fy, fx, 0, g.filter_w, g.in_c);
            float* dst = image + ((size_t)iy * g.in_w + ix) * g.in_c;
            for (int c = 0; c < g.in_c; ++c) dst[c] += src[c];
          }
        }
      }
    }
  });
}

std::vector<float>& patch_buffer() {
  thread_local std::vector<float> buffer;
  return buffer;
}

}  // namespace

void conv2d_forward(float* y, const float* x, const float* filter, const ConvGeometry& g, int threads) {
  const int K = patch_columns(g);
  const int pixels = g.out_h * g.out_w;
  if (is_pointwise(g)) {
    sgemm(g.batch * pixels, g.out_c, K, x, K, false, filter, g.out_c, false, y, g.out_c, false, threads);
    return;
  }
  const int chunk = images_per_chunk(g);
  std::vector<float>& P = patch_buffer();
  P.resize((size_t)chunk * pixels * K);
  for (int b0 = 0; b0 < g.batch; b0 += chunk) {
    const int images = std::min(chunk, g.batch - b0);
    im2col(P.data(), x, g, b0, images, threads);
    sgemm(images * pixels, g.out_c, K, P.data(), K, false, filter, g.out_c, false, y + (size_t)b0 * pixels * g.out_c,
          g.out_c, false, threads);
  }
}

void conv2d_backprop_filter(float* dfilter, const float* x, const float* dy, const ConvGeometry& g, int threads) {
  const int K = patch_columns(g);
  const int pixels = g.out_h * g.out_w;
  if (is_pointwise(g)) {
    sgemm(K, g.out_c, g.batch * pixels, x, K, true, dy, g.out_c, false, dfilter, g.out_c, false, threads);
    return;
  }
  const int chunk = images_per_chunk(g);
  std::vector<float>& P = patch_buffer();
  P.resize((size_t)chunk * pixels * K);
  for (int b0 = 0; b0 < g.batch; b0 += chunk) {
    const int images = std::min(chunk, g.batch - b0);
    im2col(P.data(), x, g, b0, images, threads);
    sgemm(K, g.out_c, images * pixels, P.data(), K, true, dy + (size_t)b0 * pixels * g.out_c, g.out_c, false, dfilter,
          g.out_c, b0 > 0, threads);
  }
}

void conv2d_backprop_input(float* dx, const float* dy, const float* filter, const ConvGeometry& g, int threads) {
  const int K = patch_columns(g);
  const int pixels = g.out_h * g.out_w;
  if (is_pointwise(g)) {
    sgemm(g.batch * pixels, K, g.out_c, dy, g.out_c, false, filter, g.out_c, true, dx, K, false, threads);
    return;
  }
  std::memset(dx, 0, sizeof(float) * g.x_size());
  const int chunk = images_per_chunk(g);
  std::vector<float>& dP = patch_buffer();
  dP.resize((size_t)chunk * pixels * K);
  for (int b0 = 0; b0 < g.batch; b0 += chunk) {
    const int images = std::min(chunk, g.batch - b0);
    sgemm(images * pixels, K, g.out_c, dy + (size_t)b0 * pixels * g.out_c, g.out_c, false, filter, g.out_c, true,
          dP.data(), K, false, threads);
    col2im(dx, dP.data(), g, b0, images, threads);
  }
}

}  // namespace hpo::nn
