// Status codes for native work. Shipped native code never calls exit, abort or printf: every failure
// (a CUDA call, an allocation, a numerical breakdown) becomes a Status, the binding turns it into a JS
// Error whose `code` is StatusCodeName(code) (see ThrowStatus in common/args.h), and TypeScript decides
// what to do (retry with jitter, fall back to the CPU, report to the user).
// Plain C++ with no Node-API or CUDA includes, so kernels' host code and the CPU path can both use it.
#pragma once
#include <exception>
#include <new>
#include <string>
#include <type_traits>
#include <utility>

namespace hpo {

enum class StatusCode : int {
  kOk = 0,
  kInvalidArgument = 1,       // a value the cheap door checks could not catch (e.g. inconsistent sizes)
  kOutOfMemory = 2,           // host or device allocation failed
  kCudaError = 3,             // a CUDA runtime call or kernel launch failed
  kCudaUnavailable = 4,       // no usable device or driver
  kNotPositiveDefinite = 5,   // Cholesky met a pivot <= 0; the message names its index
  kOutOfBounds = 6,           // a value left its allowed range (e.g. a gene outside its bounds)
  kVendorLibraryMissing = 7,  // an optional vendor library (cuSOLVER, cuBLAS) could not be loaded
  kInternal = 8,              // a bug: an invariant did not hold
  kInvalidState = 9,          // the object cannot take this call now (disposed, busy, not yet fitted)
};

// The stable string code of a status, as seen from JS (err.code).
inline const char* StatusCodeName(StatusCode code) {
  switch (code) {
    case StatusCode::kOk: return "HPO_OK";
    case StatusCode::kInvalidArgument: return "HPO_INVALID_ARGUMENT";
    case StatusCode::kOutOfMemory: return "HPO_OUT_OF_MEMORY";
    case StatusCode::kCudaError: return "HPO_CUDA_ERROR";
    case StatusCode::kCudaUnavailable: return "HPO_CUDA_UNAVAILABLE";
    case StatusCode::kNotPositiveDefinite: return "HPO_NOT_POSITIVE_DEFINITE";
    case StatusCode::kOutOfBounds: return "HPO_OUT_OF_BOUNDS";
    case StatusCode::kVendorLibraryMissing: return "HPO_VENDOR_LIBRARY_MISSING";
    case StatusCode::kInternal: return "HPO_INTERNAL";
    case StatusCode::kInvalidState: return "HPO_INVALID_STATE";
  }
  return "HPO_UNKNOWN";
}

// A result code and, when not ok, a message for the user (it should say where and why).
struct Status {
  StatusCode code = StatusCode::kOk;
  std::string message;

  static Status Ok() { return Status{}; }
  static Status Error(StatusCode code, std::string message) { return Status{code, std::move(message)}; }
  bool ok() const { return code == StatusCode::kOk; }
};

// Returns from the enclosing Status-returning function when `expr` yields a failed Status.
#define HPO_RETURN_IF_ERROR(expr)              \
  do {                                         \
    ::hpo::Status hpo_status_ = (expr);        \
    if (!hpo_status_.ok()) return hpo_status_; \
  } while (0)

// A Status thrown through code that cannot return one: the objective callbacks of L-BFGS and the
// bodies run by parallel_for (common/thread_pool.h), deep inside the GP engine. It is caught and
// turned back into a Status at the engine's boundary (CaptureStatus), so it never reaches Node-API.
class StatusError : public std::exception {
 public:
  explicit StatusError(Status status) : status_(std::move(status)) {}
  StatusError(StatusCode code, std::string message) : status_(Status::Error(code, std::move(message))) {}
  const Status& status() const { return status_; }
  const char* what() const noexcept override { return status_.message.c_str(); }

 private:
  Status status_;
};

// Throws `status` as a StatusError when it failed (the bridge from Status-returning helpers, such as
// DeviceBuffer::Reserve, into code that reports by StatusError).
inline void ThrowIfError(const Status& status) {
  if (!status.ok()) throw StatusError(status);
}

// Runs `work` (returning Status or void) and returns its Status; a StatusError becomes its Status,
// std::bad_alloc kOutOfMemory and any other exception kInternal, so nothing escapes into Node-API.
template <typename Work>
Status CaptureStatus(Work&& work) {
  try {
    if constexpr (std::is_same_v<decltype(work()), void>) {
      work();
      return Status::Ok();
    } else {
      return work();
    }
  } catch (const StatusError& error) {
    return error.status();
  } catch (const std::bad_alloc&) {
    return Status::Error(StatusCode::kOutOfMemory, "out of host memory");
  } catch (const std::exception& error) {
    return Status::Error(StatusCode::kInternal, std::string("internal error: ") + error.what());
  }
}

}  // namespace hpo
