// The CUDA backend: every Backend method on one NVIDIA GPU, through the shared kernel bodies of
// cpp/kernels/ compiled as CUDA (the thin __global__ entry points live in *.cu beside this).
// The device itself (stream, pool, staging, counters) is cuda::Device (cuda_device.h); the
// primitives and the phases shared with Metal are gpu::GpuBackend's (cpp/backends/gpu/).
//
// This header stays free of CUDA headers so that plain C++ translation units (builtin.cpp) can
// include it; cuda_backend.cpp and cuda_device.cpp hold what talks to the CUDA runtime.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "../../core/backend.h"
#include "../gpu/gpu_backend.h"
#include "../gpu/primitives.h"
#include "cuda_device.h"

namespace gpustark {

// Registers the backend `cuda`. Its factory throws std::runtime_error("no CUDA device: ...") when
// the runtime finds no usable device, which marks the backend unavailable with that reason.
void register_cuda_backend();

class CudaBackend : public gpu::GpuBackend {
public:
    explicit CudaBackend(int device);
    ~CudaBackend() override;
    CudaBackend(const CudaBackend&) = delete;
    CudaBackend& operator=(const CudaBackend&) = delete;

    DeviceInfo info() const override;
    // The proof's traces copied up once and kept until release_traces (cuda::Device).
    void hold_traces(const std::vector<TraceView>& traces) override { device_->hold_traces(traces); }
    void release_traces() override { device_->release_traces(); }
    // Page-locked: hold_traces copies such a trace asynchronously, straight from it.
    std::shared_ptr<void> trace_host_memory(size_t bytes) override { return device_->page_locked(bytes); }
    // The device copy of a held trace (host pointer and size as held), or nullptr: then the
    // caller copies the trace itself. For use inside a Call.
    const uint32_t* held_trace(const uint32_t* host, size_t bytes) const { return device_->held_trace(host, bytes); }
    // Every cudaMalloc of the backend is counted (device_memory.h).
    DeviceMemory device_memory() const override { return device_->memory(); }
    void reset_device_memory_peak() override { device_->reset_memory_peak(); }

    // ---- the device, for tests and tools ----
    cuda::Device& device() { return *device_; }
    const device::DeviceLimits& device_limits() const { return device_->limits(); }
    const device::PipelineLimits& pipeline_limits(gpu::Kernel k) const { return device_->pipeline_limits(k); }
    device::LaunchPlan lane_plan(gpu::Kernel k, uint64_t lanes) const { return device_->lane_plan(k, lanes); }
    device::LaunchPlan plan(gpu::Kernel k, const device::Problem& work) const { return device_->plan(k, work); }
    const device::Stager& stager() const { return device_->stager(); }
    // One operation on the backend's device (cuda::Device::Call).
    class Call : public cuda::Device::Call {
    public:
        Call(CudaBackend& backend, const char* stage) : cuda::Device::Call(*backend.device_, stage) {}
    };
    static size_t staged_size(size_t bytes) { return gpu::staged_size(bytes); }
    // Outside any Call: waits until the device is idle (a phase object's destructor).
    void drain() noexcept { device_->drain(); }

protected:
    gpu::Device& gpu_device() override { return *device_; }
    // The pool's free blocks go back to the driver (device_memory.h).
    void release_device_memory() override;

private:
    std::unique_ptr<cuda::Device> device_;
    DeviceInfo info_;
};

}  // namespace gpustark
