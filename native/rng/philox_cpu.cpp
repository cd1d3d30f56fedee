// Philox4x32-10 streams on the CPU: the reference path. One Philox block per iteration, each value
// written through the same BlockValue() the CUDA kernel uses.
#include <cstdint>

#include "rng/philox.h"

namespace hpo::rng {

// out is (count,) of the element type of `dist`.
void PhiloxFillCpu(void* out, Distribution dist, uint64_t seed, uint64_t stream, uint64_t offset, size_t count) {
  const uint32_t per_block = ValuesPerBlock(dist);
  const uint32_t value_bytes = ValueBytes(dist);
  auto* bytes = static_cast<unsigned char*>(out);
  size_t i = 0;
  while (i < count) {
    // Value `offset + i` lives in block (offset + i) / per_block at lane (offset + i) % per_block.
    const uint64_t index = offset + i;
    const uint64_t block_index = index / per_block;
    const U32x4 block = StreamBlock(seed, stream, block_index);
    for (uint32_t lane = static_cast<uint32_t>(index % per_block); lane < per_block && i < count; ++lane, ++i) {
      BlockValue(dist, block, lane, bytes + i * value_bytes);
    }
  }
}

}  // namespace hpo::rng
