// The one owner of device memory in the addon: a move-only RAII buffer whose operations return a
// Status (allocation failures are HPO_OUT_OF_MEMORY, other CUDA failures HPO_CUDA_ERROR), so an
// error return never leaks and no failure ends the process.
//
//   DeviceBuffer<double> x;
//   HPO_RETURN_IF_ERROR(x.Allocate(n));        // exactly n elements
//   HPO_RETURN_IF_ERROR(x.Upload(host, n));
//   HPO_RETURN_IF_ERROR(scratch.Reserve(m));   // grows to at least m, never shrinks (reused scratch)
#pragma once
#include <cuda_runtime.h>

#include <atomic>
#include <cstddef>
#include <utility>

#include "common/cuda_check.cuh"
#include "common/status.h"

namespace hpo {

// Bytes held right now by this module's DeviceBuffers (their own allocations; not the CUDA context
// or vendor workspaces). Unlike cudaMemGetInfo it is not moved by other processes on the GPU, so
// tests can check that dispose() returns every byte.
inline std::atomic<size_t>& DeviceBytesHeld() {
  static std::atomic<size_t> bytes{0};
  return bytes;
}

template <typename T>
class DeviceBuffer {
 public:
  DeviceBuffer() = default;
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;
  DeviceBuffer(DeviceBuffer&& other) noexcept { swap(other); }
  DeviceBuffer& operator=(DeviceBuffer&& other) noexcept {
    if (this != &other) {
      Release();
      swap(other);
    }
    return *this;
  }
  ~DeviceBuffer() { Release(); }

  // Room for exactly `count` elements (releasing any earlier allocation); count 0 holds nothing.
  Status Allocate(size_t count) {
    Release();
    if (count == 0) return Status::Ok();
    return Grab(count);
  }
  // Room for at least `count` elements: reallocates only to grow, keeping the contents otherwise.
  // At least one element is allocated, so get() is never null after a successful Reserve.
  Status Reserve(size_t count) {
    if (count == 0) count = 1;
    if (count <= count_) return Status::Ok();
    Release();
    return Grab(count);
  }
  // Copies `count` elements between the host and the start of the buffer (count <= size()).
  Status Upload(const T* host, size_t count) {
    if (count > count_) return Status::Error(StatusCode::kInternal, "DeviceBuffer::Upload past the end");
    if (count == 0) return Status::Ok();
    HPO_CUDA_TRY(cudaMemcpy(ptr_, host, count * sizeof(T), cudaMemcpyHostToDevice));
    return Status::Ok();
  }
  Status Download(T* host, size_t count) const {
    if (count > count_) return Status::Error(StatusCode::kInternal, "DeviceBuffer::Download past the end");
    if (count == 0) return Status::Ok();
    HPO_CUDA_TRY(cudaMemcpy(host, ptr_, count * sizeof(T), cudaMemcpyDeviceToHost));
    return Status::Ok();
  }

  T* get() const { return ptr_; }
  size_t size() const { return count_; }
  size_t bytes() const { return count_ * sizeof(T); }
  void swap(DeviceBuffer& other) noexcept {
    std::swap(ptr_, other.ptr_);
    std::swap(count_, other.count_);
  }

 private:
  Status Grab(size_t count) {
    T* ptr = nullptr;
    HPO_CUDA_TRY(cudaMalloc(reinterpret_cast<void**>(&ptr), count * sizeof(T)));
    ptr_ = ptr;
    count_ = count;
    DeviceBytesHeld() += bytes();
    return Status::Ok();
  }
  void Release() {
    if (ptr_ == nullptr) return;
    cudaFree(ptr_);
    DeviceBytesHeld() -= bytes();
    ptr_ = nullptr;
    count_ = 0;
  }

  T* ptr_ = nullptr;
  size_t count_ = 0;
};

}  // namespace hpo
