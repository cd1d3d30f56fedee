// Node-API registration of the training kernels: bindings_cpu.cpp (CPU module) and bindings_cuda.cpp
// (CUDA module); native/addon_cpu.cpp and addon_cuda.cpp call these.
#pragma once
#include <napi.h>

namespace hpo::nn {
void RegisterNnCpu(Napi::Env env, Napi::Object exports);
#ifdef HPO_WITH_CUDA
void RegisterNnCuda(Napi::Env env, Napi::Object exports);
#endif
}  // namespace hpo::nn
