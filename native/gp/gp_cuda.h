// The CUDA engine (gp.cu): training data, the kernel matrix and its Cholesky factor live on the
// device. Dense linear algebra runs on hpo's own blocked kernels, or on cuSOLVER/cuBLAS when those
// libraries can be loaded at run time (cuda_vendor.h); HPO_GP_LINALG=own|vendor|auto picks (auto).
#pragma once
#include <memory>

#include "gp/gp.h"

namespace hpo::gp {

// precision 0 = fp64, 1 = fp32 for the matrices (acquisition math stays fp64). Throws GpError.
std::unique_ptr<Engine> make_cuda_engine(const double* X, const double* y, int n, int d, int kernel, int precision);

// Bytes of device memory this process's GP engines hold right now (their own buffers; not the CUDA
// context or vendor workspaces). Unlike cudaMemGetInfo it is not moved by other processes on the GPU.
size_t device_bytes_held();

}  // namespace hpo::gp
