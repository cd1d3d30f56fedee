// Broadcasting binary ops, unary ops, sums over a contiguous run of axes and transposes (see nn.h):
// the cpu backend's elementwise kernels index every broadcast element through indexToLoc/locToIndex;
// these walk rows of the last axis with a stride of 0 or 1 per operand. Work below 64k elements runs
// on the calling thread (a pool hand-off costs more).
#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "common/thread_pool.h"
#include "nn/nn.h"
#include "nn/nn_math.h"

namespace hpo::nn {
namespace {

constexpr size_t kParallelElements = 65536;
constexpr size_t kBlock = 16384;  // elements per parallel task

int threads_for(size_t n, int threads) { return n >= kParallelElements ? threads : 1; }

// The operand offsets of row `row` (all axes but the last) of an out_shape walk.
void row_offsets(size_t row, int rank, const int* shape, const int* a_strides, const int* b_strides, size_t* a_off,
                 size_t* b_off) {
  size_t a = 0, b = 0;
  for (int axis = rank - 2; axis >= 0; --axis) {
    const size_t coord = row % (size_t)shape[axis];
    row /= (size_t)shape[axis];
    a += coord * a_strides[axis];
    b += coord * b_strides[axis];
  }
  *a_off = a;
  *b_off = b;
}

template <int OP>
void binary_row(float* out, const float* a, const float* b, int n, int sa, int sb) {
  if (sa == 1 && sb == 1)
    for (int i = 0; i < n; ++i) out[i] = binary_op(OP, a[i], b[i]);
  else if (sa == 1 && sb == 0) {
    const float bv = *b;
    for (int i = 0; i < n; ++i) out[i] = binary_op(OP, a[i], bv);
  } else if (sa == 0 && sb == 1) {
    const float av = *a;
    for (int i = 0; i < n; ++i) out[i] = binary_op(OP, av, b[i]);
  } else
    for (int i = 0; i < n; ++i) out[i] = binary_op(OP, a[(size_t)i * sa], b[(size_t)i * sb]);
}

using BinaryRow = void (*)(float*, const float*, const float*, int, int, int);
const BinaryRow kBinaryRows[kBinaryOpCount] = {binary_row<kAdd>,
                                               binary_row<kSub>,
                                               binary_row<kMul>,
                                               binary_row<kDiv>,
                                               binary_row<kMaximum>,
                                               binary_row<kMinimum>,
                                               binary_row<kSquaredDifference>};

template <int OP>
void unary_block(float* out, const float* x, size_t n, float alpha) {
  for (size_t i = 0; i < n; ++i) out[i] = unary_op(OP, x[i], alpha);
}
using UnaryBlock = void (*)(float*, const float*, size_t, float);
const UnaryBlock kUnaryBlocks[kUnaryOpCount] = {unary_block<kReluOp>,    unary_block<kStep>,   unary_block<kSqrt>,
                                                unary_block<kRsqrt>,     unary_block<kSquare>, unary_block<kExp>,
                                                unary_block<kLog>,       unary_block<kNeg>,    unary_block<kTanh>,
                                                unary_block<kSigmoidOp>, unary_block<kEluOp>,  unary_block<kAbs>};

}  // namespace

void binary(int op, float* out, const float* a, const float* b, int rank, const int* out_shape, const int* a_strides,
            const int* b_strides, int threads) {
  const BinaryRow row_fn = kBinaryRows[op];
  if (rank == 0) {
    row_fn(out, a, b, 1, 0, 0);
    return;
  }
  const int width = out_shape[rank - 1];
  const int sa = a_strides[rank - 1], sb = b_strides[rank - 1];
  size_t rows = 1;
  for (int axis = 0; axis < rank - 1; ++axis) rows *= (size_t)out_shape[axis];
  const size_t total = rows * width;
  if (width == 0 || rows == 0) return;
  const size_t rows_per_task = std::max<size_t>(1, kBlock / width);
  const int tasks = (int)((rows + rows_per_task - 1) / rows_per_task);
  parallel_for(tasks, threads_for(total, threads), [&](int t) {
    const size_t r1 = std::min(rows, (size_t)(t + 1) * rows_per_task);
    for (size_t r = (size_t)t * rows_per_task; r < r1; ++r) {
      size_t ao, bo;
      row_offsets(r, rank, out_shape, a_strides, b_strides, &ao, &bo);
      row_fn(out + r * width, a + ao, b + bo, width, sa, sb);
    }
  });
}

void unary(int op, float* out, const float* x, size_t n, float alpha, int threads) {
  const UnaryBlock fn = kUnaryBlocks[op];
  const int tasks = (int)((n + kBlock - 1) / kBlock);
  parallel_for(tasks, threads_for(n, threads), [&](int t) {
    const size_t lo = (size_t)t * kBlock, hi = std::min(n, lo + kBlock);
    fn(out + lo, x + lo, hi - lo, alpha);
  });
}

void reduce_sum(float* out, const float* x, size_t outer, size_t reduce, size_t inner, double scale, int threads) {
  const size_t total = outer * reduce * inner;
  if (inner == 1) {
    parallel_for((int)outer, threads_for(total, threads), [&](int o) {
      const float* src = x + (size_t)o * reduce;
      double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      size_t r = 0;
      for (; r + 4 <= reduce; r += 4) {
        s0 += src[r];
        s1 += src[r + 1];
        s2 += src[r + 2];
        s3 += src[r + 3];
      }
      for (; r < reduce; ++r) s0 += src[r];
      out[o] = (float)(((s0 + s1) + (s2 + s3)) * scale);
    });
    return;
  }
  // Columns: each task sums a block of inner positions over every r (rows read contiguously).
  const size_t cols_per_task = 256;
  const size_t col_tasks = (inner + cols_per_task - 1) / cols_per_task;
  parallel_for((int)(outer * col_tasks), threads_for(total, threads), [&](int t) {
    const size_t o = t / col_tasks, c0 = (t % col_tasks) * cols_per_task, c1 = std::min(inner, c0 + cols_per_task);
    double acc[cols_per_task] = {};
    const float* src = x + o * reduce * inner;
    for (size_t r = 0; r < reduce; ++r) {
      const float* row = src + r * inner;
      for (size_t c = c0; c < c1; ++c) acc[c - c0] += row[c];
    }
    for (size_t c = c0; c < c1; ++c) out[o * inner + c] = (float)(acc[c - c0] * scale);
  });
}

void transpose(float* out, const float* x, int rank, const int* x_shape, const int* perm, int threads) {
  size_t x_strides[kMaxRank];
  size_t stride = 1;
  for (int axis = rank - 1; axis >= 0; --axis) {
    x_strides[axis] = stride;
    stride *= (size_t)x_shape[axis];
  }
  const size_t total = stride;
  if (total == 0) return;
  int out_shape[kMaxRank];
  size_t in_strides[kMaxRank];  // stride in x of each out axis
  for (int i = 0; i < rank; ++i) {
    out_shape[i] = x_shape[perm[i]];
    in_strides[i] = x_strides[perm[i]];
  }
  const int width = out_shape[rank - 1];
  const size_t inner = in_strides[rank - 1];
  const size_t rows = total / width;
  const size_t rows_per_task = std::max<size_t>(1, kBlock / width);
  const int tasks = (int)((rows + rows_per_task - 1) / rows_per_task);
  parallel_for(tasks, threads_for(total, threads), [&](int t) {
    const size_t r1 = std::min(rows, (size_t)(t + 1) * rows_per_task);
    for (size_t r = (size_t)t * rows_per_task; r < r1; ++r) {
      size_t rest = r, offset = 0;
      for (int axis = rank - 2; axis >= 0; --axis) {
        offset += (rest % (size_t)out_shape[axis]) * in_strides[axis];
        rest /= (size_t)out_shape[axis];
      }
      float* dst = out + r * width;
      const float* src = x + offset;
      if (inner == 1) std::memcpy(dst, src, sizeof(float) * width);
      else
        for (int i = 0; i < width; ++i) dst[i] = src[(size_t)i * inner];
    }
  });
}

void softmax(float* out, const float* x, size_t rows, int width, int threads) {
  parallel_for((int)rows, threads_for(rows * (size_t)width, threads), [&](int r) {
    const float* src = x + (size_t)r * width;
    float* dst = out + (size_t)r * width;
    float max = src[0];
    for (int i = 1; i < width; ++i)
      if (src[i] > max || src[i] != src[i]) max = src[i];
    double total = 0;
    for (int i = 0; i < width; ++i) {
      dst[i] = expf(src[i] - max);
      total += dst[i];
    }
    const float sum = (float)total;
    for (int i = 0; i < width; ++i) dst[i] /= sum;
  });
}

}  // namespace hpo::nn
