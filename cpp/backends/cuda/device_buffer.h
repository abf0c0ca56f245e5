// One device allocation owned by a phase object (allocated on construction, freed on
// destruction), movable, not copyable.
//
// Allocate on the backend's device, i.e. inside a CudaBackend::Call (which makes it current and
// names its stream, device_memory.h): the allocation and its free are then ordered on that
// stream, so a buffer freed while queued kernels still read it stays theirs until they have run.
#pragma once
#include <cuda_runtime_api.h>

#include <cstddef>
#include <string>
#include <utility>

#include "launch.h"

#include "device_memory.h"

namespace gpustark {
namespace cuda {

class DeviceBuffer {
public:
    DeviceBuffer() = default;
    // `bytes` on the current device; nothing for 0 bytes (data() is then nullptr). Throws
    // std::runtime_error when cudaMalloc fails (out of memory).
    explicit DeviceBuffer(size_t bytes) {
        if (bytes == 0) return;
        check(cudaGetDevice(&device_), "cudaGetDevice");
        stream_ = t_allocation_stream;
        account_ = t_allocation_account;
        check(counted_malloc(&ptr_, bytes, stream_, *account_), ("cudaMalloc(" + std::to_string(bytes) + " bytes)").c_str());
        bytes_ = bytes;
    }
    ~DeviceBuffer() { reset(); }

    DeviceBuffer(DeviceBuffer&& other) noexcept { swap(other); }
    DeviceBuffer& operator=(DeviceBuffer&& other) noexcept {
        if (this != &other) {
            reset();
            swap(other);
        }
        return *this;
    }
    DeviceBuffer(const DeviceBuffer&) = delete;
    DeviceBuffer& operator=(const DeviceBuffer&) = delete;

    void* data() const { return ptr_; }
    template <typename T>
    T* as() const { return static_cast<T*>(ptr_); }
    size_t bytes() const { return bytes_; }

    // Frees the allocation (on its own device; the caller's current device is kept). Errors are
    // ignored: this runs in destructors, possibly at process exit.
    void reset() noexcept {
        if (!ptr_) return;
        int current = device_;
        cudaGetDevice(&current);
        if (current != device_) cudaSetDevice(device_);
        counted_free(ptr_, bytes_, stream_, *account_);
        if (current != device_) cudaSetDevice(current);
        cudaGetLastError();
        ptr_ = nullptr;
        bytes_ = 0;
    }

private:
    void swap(DeviceBuffer& other) noexcept {
        std::swap(ptr_, other.ptr_);
        std::swap(bytes_, other.bytes_);
        std::swap(device_, other.device_);
        std::swap(stream_, other.stream_);
        std::swap(account_, other.account_);
    }

    void* ptr_ = nullptr;
    size_t bytes_ = 0;
    int device_ = 0;
    cudaStream_t stream_ = nullptr;  // the stream it was allocated on (null: cudaMalloc)
    MemoryAccount* account_ = &g_default_account;  // its backend instance's (must outlive it)
};

}  // namespace cuda
}  // namespace gpustark
