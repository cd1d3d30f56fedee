// Node-API glue for the GP engine in the CPU module: the GpModel class over CpuEngine, and
// diagnostic exports (names starting with an underscore) that tests use to check the building blocks
// against a plain TypeScript reference.
#include <napi.h>

#include <vector>

#include "common/args.h"
#include "common/async_worker.h"
#include "gp/gp_binding.h"
#include "gp/gp_cpu.h"
#include "gp/gp_math.h"
#include "registry.h"

namespace hpo {
namespace {

struct CpuBackend {
  static std::unique_ptr<gp::Engine> make(const double* X, const double* y, int n, int d, int kernel, int threads,
                                          int /*precision: the CPU path is always fp64*/) {
    return gp::make_cpu_engine(X, y, n, d, kernel, threads);
  }
};

// _gpCholesky(A: Float64Array(n*n), n) -> { L, jitter }: the jitter-escalating factorization.
Napi::Value Cholesky(const Napi::CallbackInfo& info) {
  int n = static_cast<int>(IntArg(info, 1, "n", 1, 4096));
  auto A = TypedArrayArg<double>(info, 0, "A", ArrayRequirements::Finite((size_t)n * n));
  std::vector<double> L;
  double jitter = 0.0;
  return RunNow(
      info.Env(), [&] { jitter = gp::cholesky_with_jitter_cpu(L, A.data, n, 1.0); },
      [&](Napi::Env env) -> Napi::Value {
        Napi::Object out = Napi::Object::New(env);
        out.Set("L", ToFloat64Array(env, L));
        out.Set("jitter", jitter);
        return out;
      });
}

// _gpAcquisitionValue(kind, mu, sigma, best, beta) -> [value, dValue/dMu, dValue/dSigma]
Napi::Value AcquisitionValue(const Napi::CallbackInfo& info) {
  int kind = static_cast<int>(IntArg(info, 0, "kind", 0, 3));
  double mu = NumberArg(info, 1, "mu");
  double sigma = NumberArg(info, 2, "sigma");
  if (!(sigma > 0)) ThrowRange(info.Env(), "sigma must be > 0");
  gp::AcqValue a = gp::acquisition_value(kind, mu, sigma, NumberArg(info, 3, "best"), NumberArg(info, 4, "beta"));
  return ToFloat64Array(info.Env(), {a.value, a.d_mu, a.d_sigma});
}

// _gpKernel(kind, s) -> [m(s), g(s)]
Napi::Value Kernel(const Napi::CallbackInfo& info) {
  int kind = static_cast<int>(IntArg(info, 0, "kind", 0, 2));
  double s = NumberArg(info, 1, "s");
  return ToFloat64Array(info.Env(), {gp::kernel_value(kind, s), gp::kernel_grad_factor(kind, s)});
}

}  // namespace

void RegisterGpCpu(Napi::Env env, Napi::Object exports) {
  exports.Set("GpModel", gp::GpModel<CpuBackend>::Define(env));
  exports.Set("_gpCholesky", Napi::Function::New(env, Cholesky, "_gpCholesky"));
  exports.Set("_gpAcquisitionValue", Napi::Function::New(env, AcquisitionValue, "_gpAcquisitionValue"));
  exports.Set("_gpKernel", Napi::Function::New(env, Kernel, "_gpKernel"));
}

}  // namespace hpo
