// The native operations each area adds to the two modules. Each area's bindings file defines its
// Register function; addon_cpu.cpp and addon_cuda.cpp call them all.
#pragma once
#include <napi.h>

namespace hpo {
void RegisterRngCpu(Napi::Env env, Napi::Object exports);
namespace evo {
void RegisterEvoCpu(Napi::Env env, Napi::Object exports);
}
void RegisterGpCpu(Napi::Env env, Napi::Object exports);
namespace cmaes {
void RegisterCmaesCpu(Napi::Env env, Napi::Object exports);
}
namespace tpe {
void RegisterTpeCpu(Napi::Env env, Napi::Object exports);
}
#ifdef HPO_WITH_CUDA
void RegisterRngCuda(Napi::Env env, Napi::Object exports);
namespace evo {
void RegisterEvoCuda(Napi::Env env, Napi::Object exports);
}
void RegisterGpCuda(Napi::Env env, Napi::Object exports);
#endif
}  // namespace hpo
