// Node-API glue for the Philox generator on CUDA (filled in by the Foundation work).
#include <napi.h>

#include "registry.h"

namespace hpo {
void RegisterRngCuda(Napi::Env, Napi::Object) {}
}  // namespace hpo
