// Node-API glue for the GP engine in the CUDA module: the same GpModel class (gp_binding.h) over
// CudaEngine, whose data and factor live on the GPU.
#include <cuda_runtime.h>
#include <napi.h>

#include <string>

#include "common/args.h"
#include "common/cuda_check.cuh"
#include "common/device_buffer.cuh"
#include "gp/gp_binding.h"
#include "gp/gp_cuda.h"
#include "registry.h"

namespace hpo {
namespace {

struct CudaBackend {
  static std::unique_ptr<gp::Engine> make(const double* X, const double* y, int n, int d, int kernel,
                                          int /*threads: unused on the GPU*/, int precision) {
    return gp::make_cuda_engine(X, y, n, d, kernel, precision);
  }
};

// _gpDeviceMemory() -> { free, total } bytes of device 0, and `held`: the bytes this module's device
// buffers own (common/device_buffer.cuh; tests check that dispose() returns it to where it was; other
// processes on the GPU move `free`).
Napi::Value DeviceMemory(const Napi::CallbackInfo& info) {
  size_t free_bytes = 0, total_bytes = 0;
  Status status = CudaStatus(cudaMemGetInfo(&free_bytes, &total_bytes), "cudaMemGetInfo", __FILE__, __LINE__);
  if (!status.ok()) ThrowStatus(info.Env(), status);
  Napi::Object out = Napi::Object::New(info.Env());
  out.Set("free", static_cast<double>(free_bytes));
  out.Set("total", static_cast<double>(total_bytes));
  out.Set("held", static_cast<double>(DeviceBytesHeld().load()));
  return out;
}

}  // namespace

void RegisterGpCuda(Napi::Env env, Napi::Object exports) {
  exports.Set("GpModel", gp::GpModel<CudaBackend>::Define(env));
  exports.Set("_gpDeviceMemory", Napi::Function::New(env, DeviceMemory, "_gpDeviceMemory"));
}

}  // namespace hpo
