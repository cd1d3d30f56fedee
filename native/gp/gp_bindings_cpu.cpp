// Node-API glue for the GP engine in the CPU module: the GpModel class over CpuEngine, and
// diagnostic exports (names starting with an underscore) that tests use to check the building blocks
// against a plain TypeScript reference.
#include <napi.h>

#include <vector>

#include "gp/gp_args.h"
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
  int n = gp::args::integer(info, 1, "n", 1, 4096);
  std::vector<double> A = gp::args::doubles(info, 0, "A", (size_t)n * n);
  std::vector<double> L;
  double jitter = 0.0;
  try {
    jitter = gp::cholesky_with_jitter_cpu(L, A.data(), n, 1.0);
  } catch (const gp::GpError& e) {
    throw Napi::Error::New(info.Env(), e.what());
  }
  Napi::Object out = Napi::Object::New(info.Env());
  out.Set("L", gp::args::to_array(info.Env(), L));
  out.Set("jitter", jitter);
  return out;
}

// _gpAcquisitionValue(kind, mu, sigma, best, beta) -> [value, dValue/dMu, dValue/dSigma]
Napi::Value AcquisitionValue(const Napi::CallbackInfo& info) {
  int kind = gp::args::integer(info, 0, "kind", 0, 3);
  double mu = gp::args::number(info, 1, "mu");
  double sigma = gp::args::number(info, 2, "sigma");
  if (!(sigma > 0)) throw Napi::RangeError::New(info.Env(), "sigma must be > 0");
  gp::AcqValue a =
      gp::acquisition_value(kind, mu, sigma, gp::args::number(info, 3, "best"), gp::args::number(info, 4, "beta"));
  return gp::args::to_array(info.Env(), {a.value, a.d_mu, a.d_sigma});
}

// _gpKernel(kind, s) -> [m(s), g(s)]
Napi::Value Kernel(const Napi::CallbackInfo& info) {
  int kind = gp::args::integer(info, 0, "kind", 0, 2);
  double s = gp::args::number(info, 1, "s");
  return gp::args::to_array(info.Env(), {gp::kernel_value(kind, s), gp::kernel_grad_factor(kind, s)});
}

}  // namespace

void RegisterGpCpu(Napi::Env env, Napi::Object exports) {
  exports.Set("GpModel", gp::GpModel<CpuBackend>::Define(env));
  exports.Set("_gpCholesky", Napi::Function::New(env, Cholesky, "_gpCholesky"));
  exports.Set("_gpAcquisitionValue", Napi::Function::New(env, AcquisitionValue, "_gpAcquisitionValue"));
  exports.Set("_gpKernel", Napi::Function::New(env, Kernel, "_gpKernel"));
}

}  // namespace hpo
