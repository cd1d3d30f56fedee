// Node-API glue for the Philox generator on CUDA: philoxFill and philoxFillAsync, the same functions
// and arguments as the CPU module's (philox_bindings.h), generating on the current CUDA device.
#include <napi.h>

#include "registry.h"
#include "rng/philox.h"
#include "rng/philox_bindings.h"

namespace hpo {

void RegisterRngCuda(Napi::Env env, Napi::Object exports) {
  rng::RegisterPhiloxFill<rng::PhiloxFillCuda>(env, exports);
}

}  // namespace hpo
