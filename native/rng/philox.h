// Philox4x32-10 streams on the host: the CPU reference (philox_cpu.cpp) and the CUDA launcher
// (philox.cu). Both fill `out` with values offset .. offset + count - 1 of stream `stream` under `seed`,
// drawn as `dist` (see philox_math.h for the counter layout), and agree bit for bit.
#pragma once
#include <cstddef>
#include <cstdint>

#include "common/status.h"
#include "rng/philox_math.h"

namespace hpo::rng {

// out is (count,) of the distribution's element type (double, float or uint32_t).
void PhiloxFillCpu(void* out, Distribution dist, uint64_t seed, uint64_t stream, uint64_t offset, size_t count);

#ifdef HPO_WITH_CUDA
// out is (count,) in host memory; the values are generated on the current CUDA device and copied back.
Status PhiloxFillCuda(void* out, Distribution dist, uint64_t seed, uint64_t stream, uint64_t offset, size_t count);
#endif

// Raw Philox4x32-10 of one counter under one key (the algorithm's own interface; known-answer tests).
inline U32x4 PhiloxBlock(const uint32_t counter[4], const uint32_t key[2]) {
  return Philox4x32_10(U32x4{{counter[0], counter[1], counter[2], counter[3]}}, key[0], key[1]);
}

}  // namespace hpo::rng
