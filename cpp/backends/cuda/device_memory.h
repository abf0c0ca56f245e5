// Every cudaMalloc of the CUDA backend goes through these two functions, so that the bench can
// report the device memory the prover held at its peak (Backend::device_memory). The counts are
// process-wide: one GPU backend per process is the common case.
#pragma once
#include <cuda_runtime_api.h>

#include <atomic>
#include <cstddef>
#include <cstdint>

namespace gpustark {
namespace cuda {

inline std::atomic<uint64_t> g_device_bytes_in_use{0};
inline std::atomic<uint64_t> g_device_bytes_peak{0};

inline cudaError_t counted_malloc(void** ptr, size_t bytes) {
    cudaError_t err = cudaMalloc(ptr, bytes);
    if (err != cudaSuccess) return err;
    uint64_t now = g_device_bytes_in_use.fetch_add(bytes) + bytes;
    uint64_t peak = g_device_bytes_peak.load();
    while (now > peak && !g_device_bytes_peak.compare_exchange_weak(peak, now)) {
    }
    return err;
}

// `bytes` must be what counted_malloc was given for `ptr`.
inline cudaError_t counted_free(void* ptr, size_t bytes) {
    if (!ptr) return cudaSuccess;
    g_device_bytes_in_use.fetch_sub(bytes);
    return cudaFree(ptr);
}

}  // namespace cuda
}  // namespace gpustark
