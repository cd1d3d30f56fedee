// Node-API glue for the Philox generator on the CPU: philoxFill, philoxFillAsync (philox_bindings.h) and
// the diagnostic _philoxBlock(counter: Uint32Array(4), key: Uint32Array(2)) -> Uint32Array(4), the raw
// algorithm used by the known-answer tests.
#include <napi.h>

#include "common/args.h"
#include "registry.h"
#include "rng/philox.h"
#include "rng/philox_bindings.h"

namespace hpo {
namespace {

Status FillCpu(void* out, rng::Distribution dist, uint64_t seed, uint64_t stream, uint64_t offset, size_t count) {
  rng::PhiloxFillCpu(out, dist, seed, stream, offset, count);
  return Status::Ok();
}

Napi::Value PhiloxBlock(const Napi::CallbackInfo& info) {
  auto counter = TypedArrayArg<uint32_t>(info, 0, "counter", ArrayRequirements::Length(4));
  auto key = TypedArrayArg<uint32_t>(info, 1, "key", ArrayRequirements::Length(2));
  rng::U32x4 block = rng::PhiloxBlock(counter.data, key.data);
  auto out = Napi::Uint32Array::New(info.Env(), 4);
  for (int i = 0; i < 4; ++i) out[i] = block.v[i];
  return out;
}

}  // namespace

void RegisterRngCpu(Napi::Env env, Napi::Object exports) {
  rng::RegisterPhiloxFill<FillCpu>(env, exports);
  exports.Set("_philoxBlock", Napi::Function::New(env, PhiloxBlock, "_philoxBlock"));
}

}  // namespace hpo
