// The CUDA engine (engine.cu): training data, the kernel matrix and its Cholesky factor live on the
// device. Dense linear algebra runs on hpo's own blocked kernels, or on cuSOLVER/cuBLAS when those
// libraries can be loaded at run time (cuda_vendor.h); HPO_GP_LINALG=own|vendor|auto picks (auto).
#pragma once
#include <memory>

#include "gp/gp.h"

namespace hpo::gp {

// precision 0 = fp64, 1 = fp32 for the matrices (acquisition math stays fp64). Throws StatusError.
std::unique_ptr<Engine> make_cuda_engine(const double* X, const double* y, int n, int d, int kernel, int precision);

}  // namespace hpo::gp
