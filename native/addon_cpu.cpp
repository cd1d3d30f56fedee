// hpo_cpu.node: the CPU module. Always built, never links CUDA. Node-API glue only; the work is in
// native/<area>/*_cpu.cpp.
#include <napi.h>

#include <thread>

#include "common/args.h"
#include "common/thread_pool.h"
#include "nn/nn_bindings.h"
#include "registry.h"

namespace {

// buildInfo() -> { compiler, napiVersion, hardwareThreads }
Napi::Value BuildInfo(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object out = Napi::Object::New(env);
#if defined(__clang__)
  out.Set("compiler", "clang " __clang_version__);
#elif defined(__GNUC__)
  out.Set("compiler", "gcc " __VERSION__);
#else
  out.Set("compiler", "unknown");
#endif
  out.Set("napiVersion", NAPI_VERSION);
  out.Set("hardwareThreads", static_cast<double>(std::thread::hardware_concurrency()));
  return out;
}

// setThreadBudget(threads): the calling JavaScript thread's native loops use at most `threads`
// threads from now on (0: no limit). See common/thread_pool.h ThreadBudget.
Napi::Value SetThreadBudget(const Napi::CallbackInfo& info) {
  hpo::set_thread_budget((int)hpo::IntArg(info, 0, "threads", 0, 4096));
  return info.Env().Undefined();
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("buildInfo", Napi::Function::New(env, BuildInfo, "buildInfo"));
  exports.Set("setThreadBudget", Napi::Function::New(env, SetThreadBudget, "setThreadBudget"));
  hpo::RegisterRngCpu(env, exports);
  hpo::evo::RegisterEvoCpu(env, exports);
  hpo::RegisterGpCpu(env, exports);
  hpo::cmaes::RegisterCmaesCpu(env, exports);
  hpo::tpe::RegisterTpeCpu(env, exports);
  hpo::nn::RegisterNnCpu(env, exports);
  return exports;
}

}  // namespace

NODE_API_MODULE(hpo_cpu, Init)
