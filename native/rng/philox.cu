// Philox4x32-10 streams on CUDA. Each thread computes one Philox block and writes the values of that
// block that fall in [offset, offset + count), through the same BlockValue() the CPU path uses.
#include <cuda_runtime.h>

#include <cstdint>

#include "common/cuda_check.cuh"
#include "common/device_buffer.cuh"
#include "rng/philox.h"

namespace hpo::rng {

// out is (count,) of the element type of `dist`, in device memory. Thread t handles block
// first_block + t; with per_block values per block, that block covers values
// [(first_block + t) * per_block, ... + per_block), clipped to [offset, offset + count).
__global__ void philox_fill_kernel1(unsigned char* out, Distribution dist, uint64_t seed, uint64_t stream,
                                    uint64_t offset, uint64_t count, uint64_t first_block, uint64_t n_blocks) {
  const uint64_t t = static_cast<uint64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (t >= n_blocks) return;
  const uint32_t per_block = ValuesPerBlock(dist);
  const uint32_t value_bytes = ValueBytes(dist);
  const uint64_t block_index = first_block + t;
  const U32x4 block = StreamBlock(seed, stream, block_index);
  for (uint32_t lane = 0; lane < per_block; ++lane) {
    const uint64_t index = block_index * per_block + lane;
    if (index < offset || index - offset >= count) continue;
    BlockValue(dist, block, lane, out + (index - offset) * value_bytes);
  }
}

Status PhiloxFillCuda(void* out, Distribution dist, uint64_t seed, uint64_t stream, uint64_t offset, size_t count) {
  if (count == 0) return Status::Ok();
  const uint32_t per_block = ValuesPerBlock(dist);
  const uint64_t first_block = offset / per_block;
  const uint64_t last_block = (offset + count - 1) / per_block;
  const uint64_t n_blocks = last_block - first_block + 1;
  constexpr unsigned kThreads = 256;
  const uint64_t grid = (n_blocks + kThreads - 1) / kThreads;
  if (grid > 0x7fffffffull) {
    return Status::Error(StatusCode::kInvalidArgument, "philox: count is too large for one CUDA launch");
  }
  DeviceBuffer<unsigned char> device;
  HPO_RETURN_IF_ERROR(device.Allocate(count * ValueBytes(dist)));
  philox_fill_kernel1<<<static_cast<unsigned>(grid), kThreads>>>(device.get(), dist, seed, stream, offset, count,
                                                                 first_block, n_blocks);
  HPO_CUDA_TRY(cudaGetLastError());
  HPO_CUDA_TRY(cudaMemcpy(out, device.get(), device.bytes(), cudaMemcpyDeviceToHost));
  return Status::Ok();
}

}  // namespace hpo::rng
