// hpo_cuda.node: the CUDA module, built when nvcc is found. The CUDA runtime is linked statically and
// finds the driver at run time, so this module loads on any machine; deviceInfo() says whether CUDA
// can be used and, if not, why. Node-API glue only; the kernels are in native/<area>/*.cu.
#include <cuda_runtime.h>
#include <napi.h>

#include <string>

#include "nn/nn_bindings.h"
#include "registry.h"

namespace {

std::string VersionString(int version) {
  return std::to_string(version / 1000) + "." + std::to_string((version % 1000) / 10);
}

// deviceInfo() -> { available, reason?, runtimeVersion, driverVersion?, architectures, devices: [...] }
Napi::Value DeviceInfo(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object out = Napi::Object::New(env);
  int runtime = 0;
  cudaRuntimeGetVersion(&runtime);
  out.Set("runtimeVersion", VersionString(runtime));
  out.Set("architectures", HPO_CUDA_ARCHITECTURES);
  Napi::Array devices = Napi::Array::New(env);
  out.Set("devices", devices);

  int driver = 0;
  cudaError_t status = cudaDriverGetVersion(&driver);
  if (status != cudaSuccess || driver == 0) {
    out.Set("available", false);
    out.Set("reason", "no CUDA driver is installed (libcuda.so.1 was not found)");
    return out;
  }
  out.Set("driverVersion", VersionString(driver));
  if (driver < runtime) {
    out.Set("available", false);
    out.Set("reason", "the CUDA driver (" + VersionString(driver) + ") is older than the runtime hpo was built with (" +
                          VersionString(runtime) + "); update the NVIDIA driver");
    return out;
  }
  int count = 0;
  status = cudaGetDeviceCount(&count);
  if (status != cudaSuccess || count == 0) {
    out.Set("available", false);
    out.Set("reason", status != cudaSuccess ? std::string("CUDA reports: ") + cudaGetErrorString(status)
                                            : std::string("the CUDA driver found no GPU"));
    return out;
  }
  for (int i = 0; i < count; ++i) {
    cudaDeviceProp prop{};
    if (cudaGetDeviceProperties(&prop, i) != cudaSuccess) continue;
    Napi::Object dev = Napi::Object::New(env);
    dev.Set("index", i);
    dev.Set("name", prop.name);
    dev.Set("memoryBytes", static_cast<double>(prop.totalGlobalMem));
    dev.Set("computeCapability", std::to_string(prop.major) + "." + std::to_string(prop.minor));
    dev.Set("multiprocessors", prop.multiProcessorCount);
    devices.Set(devices.Length(), dev);
  }
  out.Set("available", devices.Length() > 0);
  if (devices.Length() == 0) out.Set("reason", "no GPU could be queried");
  return out;
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("deviceInfo", Napi::Function::New(env, DeviceInfo, "deviceInfo"));
  hpo::RegisterRngCuda(env, exports);
  hpo::evo::RegisterEvoCuda(env, exports);
  hpo::RegisterGpCuda(env, exports);
  hpo::nn::RegisterNnCuda(env, exports);
  return exports;
}

}  // namespace

NODE_API_MODULE(hpo_cuda, Init)
