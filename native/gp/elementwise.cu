// Small element-wise maps of the GP engine on CUDA: the lower triangle copied onto the upper one
// (after potri, which fills one triangle), a matrix's diagonal as fp64 (for log|K|), and
// conversions of vectors between fp64 and the matrix precision.
#include <cuda_runtime.h>

#include <algorithm>

#include "gp/gp_device.cuh"
#include "gp/gp_math.h"

namespace hpo::gp {
namespace {

// Row-major lower triangle copied onto the upper one (after potri, which fills one triangle).
template <typename T>
__global__ void symmetrize_lower_kernel1(T* A, int n) {
  int j = blockIdx.x * blockDim.x + threadIdx.x;
  int i = blockIdx.y * blockDim.y + threadIdx.y;
  if (i < n && j < n && j > i) A[(size_t)i * n + j] = A[(size_t)j * n + i];
}

template <typename T>
__global__ void diagonal_kernel1(double* out, const T* A, int n) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) out[i] = static_cast<double>(A[(size_t)i * n + i]);
}

template <typename T>
__global__ void to_matrix_type_kernel1(T* out, const double* in, int count) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < count) out[i] = static_cast<T>(in[i]);
}

template <typename T>
__global__ void to_double_kernel1(double* out, const T* in, int count) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < count) out[i] = static_cast<double>(in[i]);
}

}  // namespace

template <typename T>
void symmetrize_lower_cuda(T* A, int n, cudaStream_t stream) {
  dim3 block(16, 16), grid(blocks_for(n, 16), blocks_for(n, 16));
  symmetrize_lower_kernel1<T><<<grid, block, 0, stream>>>(A, n);
  GP_LAUNCHED();
}

template <typename T>
void diagonal_cuda(double* out, const T* A, int n, cudaStream_t stream) {
  diagonal_kernel1<T><<<blocks_for(n, 256), 256, 0, stream>>>(out, A, n);
  GP_LAUNCHED();
}

template <typename T>
void to_matrix_type_cuda(T* out, const double* in, int count, cudaStream_t stream) {
  to_matrix_type_kernel1<T><<<blocks_for(count, 256), 256, 0, stream>>>(out, in, count);
  GP_LAUNCHED();
}

template <typename T>
void to_double_cuda(double* out, const T* in, int count, cudaStream_t stream) {
  to_double_kernel1<T><<<blocks_for(count, 256), 256, 0, stream>>>(out, in, count);
  GP_LAUNCHED();
}

// The two matrix precisions.
template void symmetrize_lower_cuda<double>(double* A, int n, cudaStream_t stream);
template void diagonal_cuda<double>(double* out, const double* A, int n, cudaStream_t stream);
template void to_matrix_type_cuda<double>(double* out, const double* in, int count, cudaStream_t stream);
template void to_double_cuda<double>(double* out, const double* in, int count, cudaStream_t stream);
template void symmetrize_lower_cuda<float>(float* A, int n, cudaStream_t stream);
template void diagonal_cuda<float>(double* out, const float* A, int n, cudaStream_t stream);
template void to_matrix_type_cuda<float>(float* out, const double* in, int count, cudaStream_t stream);
template void to_double_cuda<float>(double* out, const float* in, int count, cudaStream_t stream);

}  // namespace hpo::gp
