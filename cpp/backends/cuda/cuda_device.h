// The gpu::Device of the CUDA backend (gpu/device.h): operations are CudaBackend::Calls on the
// backend's one stream, buffers are cuda::DeviceBuffers (stream-ordered frees), copies go through
// the backend's pinned staging, and launches go to the entries of the .cu files (launch.h's
// KernelArgs). Plain C++ (no CUDA headers), like cuda_backend.h.
#pragma once
#include <memory>

#include "../gpu/device.h"

namespace gpustark {

class CudaBackend;

namespace cuda {

class DeviceBuffer;

class Device final : public gpu::Device {
public:
    explicit Device(CudaBackend& backend) : backend_(backend) {}
    // A buffer the backend allocated itself, handed to a shared phase (which then owns it).
    static gpu::Buffer adopt(DeviceBuffer buffer);

    std::unique_ptr<Scope> open(const char* stage) override;
    void commit() override;
    void finish(const char* reason) override;
    void drain() noexcept override;

    gpu::Buffer allocate(size_t bytes) override;
    gpu::Buffer held(const void* host, size_t bytes) override;
    void reserve_staging(size_t bytes) override;
    void upload(const gpu::Buffer& dst, const void* host, size_t bytes) override;
    const void* download(const gpu::Buffer& src, size_t bytes) override;

    device::LaunchPlan lane_plan(gpu::Kernel k, uint64_t lanes) override;
    void dispatch_raw(gpu::Kernel k, const device::LaunchPlan& plan, uint64_t bytes, const gpu::Buffer* buffers,
                      size_t count, const void* params, size_t params_bytes) override;

    std::unique_ptr<EfTables> adopt_tables(gpu::Buffer values, size_t count, size_t length) override;

private:
    struct CallScope;
    CudaBackend& backend_;
    CallScope* call_ = nullptr;  // the open operation (one at a time: the backend's lock)
};

}  // namespace cuda
}  // namespace gpustark
