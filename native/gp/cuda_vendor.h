// cuSOLVER and cuBLAS loaded with dlopen at run time, with the few prototypes hpo uses declared here,
// so nothing needs their headers or libraries at build time and the CUDA module still works where
// they are absent (hpo's own kernels are used then). Enum values are those of cublas_api.h.
#pragma once
#include <cuda_runtime.h>
#include <dlfcn.h>

#include <cstdlib>
#include <mutex>
#include <string>

namespace hpo::gp::vendor {

using Handle = void*;
enum : int { kFillLower = 0, kFillUpper = 1 };
enum : int { kSideLeft = 0, kSideRight = 1 };
enum : int { kOpN = 0, kOpT = 1 };
enum : int { kDiagNonUnit = 0 };

using CreateFn = int (*)(Handle*);
using DestroyFn = int (*)(Handle);
using SetStreamFn = int (*)(Handle, cudaStream_t);
template <typename T>
using PotrfBufferFn = int (*)(Handle, int uplo, int n, T* A, int lda, int* lwork);
template <typename T>
using PotrfFn = int (*)(Handle, int uplo, int n, T* A, int lda, T* work, int lwork, int* info);
template <typename T>
using TrsmFn = int (*)(Handle, int side, int uplo, int trans, int diag, int m, int n, const T* alpha, const T* A,
                       int lda, T* B, int ldb);

struct Library {
  bool loaded = false;
  std::string reason;
  CreateFn solver_create = nullptr;
  DestroyFn solver_destroy = nullptr;
  SetStreamFn solver_set_stream = nullptr;
  CreateFn blas_create = nullptr;
  DestroyFn blas_destroy = nullptr;
  SetStreamFn blas_set_stream = nullptr;
  PotrfBufferFn<double> dpotrf_buffer = nullptr;
  PotrfFn<double> dpotrf = nullptr;
  PotrfBufferFn<double> dpotri_buffer = nullptr;
  PotrfFn<double> dpotri = nullptr;
  PotrfBufferFn<float> spotrf_buffer = nullptr;
  PotrfFn<float> spotrf = nullptr;
  PotrfBufferFn<float> spotri_buffer = nullptr;
  PotrfFn<float> spotri = nullptr;
  TrsmFn<double> dtrsm = nullptr;
  TrsmFn<float> strsm = nullptr;
};

inline void* open_first(const char* env_name, std::initializer_list<const char*> names, std::string& tried) {
  if (const char* path = std::getenv(env_name)) {
    if (void* h = dlopen(path, RTLD_NOW | RTLD_LOCAL)) return h;
    tried += std::string(path) + " (" + dlerror() + "); ";
  }
  for (const char* name : names) {
    if (void* h = dlopen(name, RTLD_NOW | RTLD_LOCAL)) return h;
    tried += std::string(name) + "; ";
  }
  return nullptr;
}

template <typename F>
inline bool find(void* lib, F& out, std::initializer_list<const char*> names) {
  for (const char* name : names) {
    if (void* sym = dlsym(lib, name)) {
      out = reinterpret_cast<F>(sym);
      return true;
    }
  }
  return false;
}

// The process-wide library table, loaded once (handles stay open for the life of the process).
inline const Library& library() {
  static Library lib;
  static std::once_flag once;
  std::call_once(once, [] {
    std::string tried;
    void* solver = open_first("HPO_CUSOLVER_PATH", {"libcusolver.so.12", "libcusolver.so.11", "libcusolver.so"}, tried);
    void* blas =
        open_first("HPO_CUBLAS_PATH", {"libcublas.so.13", "libcublas.so.12", "libcublas.so.11", "libcublas.so"}, tried);
    if (!solver || !blas) {
      lib.reason = "cuSOLVER/cuBLAS not found (tried " + tried + ")";
      return;
    }
    bool ok = find(solver, lib.solver_create, {"cusolverDnCreate"}) &&
              find(solver, lib.solver_destroy, {"cusolverDnDestroy"}) &&
              find(solver, lib.solver_set_stream, {"cusolverDnSetStream"}) &&
              find(solver, lib.dpotrf_buffer, {"cusolverDnDpotrf_bufferSize"}) &&
              find(solver, lib.dpotrf, {"cusolverDnDpotrf"}) &&
              find(solver, lib.dpotri_buffer, {"cusolverDnDpotri_bufferSize"}) &&
              find(solver, lib.dpotri, {"cusolverDnDpotri"}) &&
              find(solver, lib.spotrf_buffer, {"cusolverDnSpotrf_bufferSize"}) &&
              find(solver, lib.spotrf, {"cusolverDnSpotrf"}) &&
              find(solver, lib.spotri_buffer, {"cusolverDnSpotri_bufferSize"}) &&
              find(solver, lib.spotri, {"cusolverDnSpotri"}) &&
              find(blas, lib.blas_create, {"cublasCreate_v2", "cublasCreate"}) &&
              find(blas, lib.blas_destroy, {"cublasDestroy_v2", "cublasDestroy"}) &&
              find(blas, lib.blas_set_stream, {"cublasSetStream_v2", "cublasSetStream"}) &&
              find(blas, lib.dtrsm, {"cublasDtrsm_v2", "cublasDtrsm"}) &&
              find(blas, lib.strsm, {"cublasStrsm_v2", "cublasStrsm"});
    if (!ok) {
      lib.reason = "cuSOLVER/cuBLAS were found but lack an expected function";
      return;
    }
    lib.loaded = true;
  });
  return lib;
}

}  // namespace hpo::gp::vendor
