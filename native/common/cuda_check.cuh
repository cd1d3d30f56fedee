// CUDA error checks that return a Status instead of exiting (unlike llm.c's cudaCheck): a failed CUDA
// call inside the addon must become a JS error, never end the user's Node.js process.
//
//   hpo::Status Launch(...) {
//     HPO_CUDA_TRY(cudaMalloc(&ptr, bytes));
//     my_kernel1<<<grid, block, 0, stream>>>(...);
//     HPO_CUDA_TRY(cudaGetLastError());   // launch errors
//     HPO_CUDA_TRY(cudaStreamSynchronize(stream));   // execution errors
//     return hpo::Status::Ok();
//   }
#pragma once
#include <cuda_runtime.h>

#include <cstddef>
#include <string>

#include "common/status.h"

namespace hpo {

// A Status for a failed CUDA call: the call's text, file, line and cudaGetErrorString.
inline Status CudaStatus(cudaError_t error, const char* call, const char* file, int line) {
  if (error == cudaSuccess) return Status::Ok();
  // Reset the (non-sticky) last-error state so a later, unrelated check does not report this one again.
  cudaGetLastError();
  StatusCode code = error == cudaErrorMemoryAllocation ? StatusCode::kOutOfMemory
                    : (error == cudaErrorNoDevice || error == cudaErrorInsufficientDriver)
                        ? StatusCode::kCudaUnavailable
                        : StatusCode::kCudaError;
  return Status::Error(code, std::string(call) + " failed at " + file + ":" + std::to_string(line) + ": " +
                                 cudaGetErrorString(error) + " (" + cudaGetErrorName(error) + ")");
}

#define HPO_CUDA_TRY(call)                                                                 \
  do {                                                                                     \
    ::hpo::Status hpo_cuda_status_ = ::hpo::CudaStatus((call), #call, __FILE__, __LINE__); \
    if (!hpo_cuda_status_.ok()) return hpo_cuda_status_;                                   \
  } while (0)

}  // namespace hpo
