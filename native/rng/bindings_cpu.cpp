// Node-API glue for the Philox generator on the CPU (filled in by the Foundation work).
#include <napi.h>

#include "registry.h"

namespace hpo {
void RegisterRngCpu(Napi::Env, Napi::Object) {}
}  // namespace hpo
