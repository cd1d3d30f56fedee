// HPO_HD marks scalar math shared by the CPU and CUDA paths: compiled as __host__ __device__ by nvcc
// and as plain inline C++ otherwise. Shared math must use only correctly rounded IEEE operations
// (+ - * / sqrt and explicit fma) so both paths produce bit-identical results; the build turns off
// implicit FMA contraction on both sides (-ffp-contract=off, --fmad=false).
#pragma once
#if defined(__CUDACC__)
#define HPO_HD __host__ __device__ __forceinline__
#else
#define HPO_HD inline
#endif
