// 2-D max and average pooling over NHWC and their gradients (see nn.h), with tfjs's cpu semantics:
// a window is clipped to the image (padding is never read), max keeps the first maximum in window
// order (`pixel > max`, starting from -Infinity), avg divides by the number of in-bounds pixels, and
// AvgPoolGrad spreads dy / (filter_h * filter_w). One task per (image, output row); the gradients run
// one task per image, as windows of neighbouring rows overlap.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include "common/thread_pool.h"
#include "nn/nn.h"
#include "nn/nn_math.h"

namespace hpo::nn {
namespace {

// The in-bounds taps of window (oy, ox): rows [y0, y1) and columns [x0, x1) stepping by the dilation.
struct Window {
  int y0, y1, x0, x1;
};

Window window_of(const ConvGeometry& g, int oy, int ox) {
  Window w;
  const int top = conv_source(oy, g.stride_h, g.pad_top, 0, 1);
  const int left = conv_source(ox, g.stride_w, g.pad_left, 0, 1);
  const int eff_h = g.filter_h + (g.filter_h - 1) * (g.dilation_h - 1);
  const int eff_w = g.filter_w + (g.filter_w - 1) * (g.dilation_w - 1);
  w.y0 = top;
  while (w.y0 < 0) w.y0 += g.dilation_h;
  w.x0 = left;
  while (w.x0 < 0) w.x0 += g.dilation_w;
  w.y1 = std::min(g.in_h, top + eff_h);
  w.x1 = std::min(g.in_w, left + eff_w);
  return w;
}

int pool_threads(const ConvGeometry& g, int threads) {
  return g.y_size() * (size_t)g.filter_h * g.filter_w >= 65536 ? threads : 1;
}

// The first maximum of window `w` for every channel at once (channels innermost, so the loads are
// contiguous): best[c] and where[c] (an index into the image, -1 when nothing exceeds -Infinity).
inline void first_max(const float* image, const ConvGeometry& g, const Window& w, float* best, long* where) {
  for (int c = 0; c < g.in_c; ++c) {
    best[c] = -std::numeric_limits<float>::infinity();
    where[c] = -1;
  }
  for (int iy = w.y0; iy < w.y1; iy += g.dilation_h)
    for (int ix = w.x0; ix < w.x1; ix += g.dilation_w) {
      const long at = ((long)iy * g.in_w + ix) * g.in_c;
      const float* pixel = image + at;
      for (int c = 0; c < g.in_c; ++c)
        if (pixel[c] > best[c]) {
          best[c] = pixel[c];
          where[c] = at + c;
        }
    }
}

}  // namespace

void max_pool(float* y, const float* x, const ConvGeometry& g, int threads) {
  parallel_for(g.batch * g.out_h, pool_threads(g, threads), [&](int line) {
    const int b = line / g.out_h, oy = line % g.out_h;
    const float* image = x + (size_t)b * g.in_h * g.in_w * g.in_c;
    std::vector<long> where(g.in_c);
    for (int ox = 0; ox < g.out_w; ++ox) {
      const Window w = window_of(g, oy, ox);
      first_max(image, g, w, y + (((size_t)b * g.out_h + oy) * g.out_w + ox) * g.out_c, where.data());
    }
  });
}

void avg_pool(float* y, const float* x, const ConvGeometry& g, int threads) {
  parallel_for(g.batch * g.out_h, pool_threads(g, threads), [&](int line) {
    const int b = line / g.out_h, oy = line % g.out_h;
    const float* image = x + (size_t)b * g.in_h * g.in_w * g.in_c;
    std::vector<float> sum(g.in_c);
    for (int ox = 0; ox < g.out_w; ++ox) {
      const Window w = window_of(g, oy, ox);
      std::fill(sum.begin(), sum.end(), 0.0f);
      int count = 0;
      for (int iy = w.y0; iy < w.y1; iy += g.dilation_h)
        for (int ix = w.x0; ix < w.x1; ix += g.dilation_w, ++count) {
          const float* pixel = image + ((size_t)iy * g.in_w + ix) * g.in_c;
          for (int c = 0; c < g.in_c; ++c) sum[c] += pixel[c];
        }
      float* out = y + (((size_t)b * g.out_h + oy) * g.out_w + ox) * g.out_c;
      for (int c = 0; c < g.in_c; ++c) out[c] = sum[c] / (float)count;
    }
  });
}

void max_pool_grad(float* dx, const float* dy, const float* x, const ConvGeometry& g, int threads) {
  std::memset(dx, 0, sizeof(float) * g.x_size());
  parallel_for(g.batch, pool_threads(g, threads), [&](int b) {
    const size_t image_size = (size_t)g.in_h * g.in_w * g.in_c;
    const float* image = x + b * image_size;
    float* grad = dx + b * image_size;
    std::vector<float> best(g.in_c);
    std::vector<long> where(g.in_c);
    for (int oy = 0; oy < g.out_h; ++oy)
      for (int ox = 0; ox < g.out_w; ++ox) {
        const Window w = window_of(g, oy, ox);
        const float* upstream = dy + (((size_t)b * g.out_h + oy) * g.out_w + ox) * g.out_c;
        first_max(image, g, w, best.data(), where.data());
        for (int c = 0; c < g.in_c; ++c)
          if (where[c] >= 0) grad[where[c]] += upstream[c];
      }
  });
}

void avg_pool_grad(float* dx, const float* dy, const ConvGeometry& g, int threads) {
  std::memset(dx, 0, sizeof(float) * g.x_size());
  const float scale = 1.0f / (float)(g.filter_h * g.filter_w);
  parallel_for(g.batch, pool_threads(g, threads), [&](int b) {
    float* grad = dx + (size_t)b * g.in_h * g.in_w * g.in_c;
    for (int oy = 0; oy < g.out_h; ++oy)
      for (int ox = 0; ox < g.out_w; ++ox) {
        const Window w = window_of(g, oy, ox);
        const float* upstream = dy + (((size_t)b * g.out_h + oy) * g.out_w + ox) * g.out_c;
        for (int iy = w.y0; iy < w.y1; iy += g.dilation_h)
          for (int ix = w.x0; ix < w.x1; ix += g.dilation_w) {
            float* pixel = grad + ((size_t)iy * g.in_w + ix) * g.in_c;
            for (int c = 0; c < g.in_c; ++c) pixel[c] += upstream[c] * scale;
          }
      }
  });
}

}  // namespace hpo::nn
