// The gpu::Device of the Metal backend (gpu/device.h): operations are MetalBackend::Calls,
// buffers are its shared-storage buffers (so an upload is one host copy and a download reads the
// buffer itself once the GPU is done), and launches go to the metal/*.metal function named by
// gpu::kernel_name, its Params struct bound as the last argument. Plain C++, over metal::Device.
#pragma once
#include <memory>
#include <vector>

#include "../gpu/device.h"
#include "metal_device.h"

namespace gpustark {

class MetalBackend;

namespace metal {

class PhaseDevice final : public gpu::Device {
public:
    explicit PhaseDevice(MetalBackend& backend) : backend_(backend) {}
    // A buffer the backend allocated itself, handed to a shared phase.
    static gpu::Buffer adopt(BufferPtr buffer);

    // Unified memory: a buffer is the host's memory too, so nothing is staged, an upload is one
    // host copy and a download is the buffer itself once the GPU is done with it.
    void reserve_staging(size_t) override {}
    // The buffer itself (counted as the call's d2h_bytes: what the host reads back).
    const void* download(const gpu::Buffer& src, size_t bytes) override;
    // Gathered on the host by finish() (the GPU may still write the rows until then), into host
    // memory kept until the next operation opens.
    const void* download_rows(const gpu::Buffer& src, size_t pitch, size_t row_bytes, size_t rows) override;
    // A host copy once the GPU is done (a wait when work is queued).
    void copy(const gpu::Buffer& dst, const gpu::Buffer& src, size_t bytes) override;
    void upload(const gpu::Buffer& dst, const void* host, size_t bytes) override;
    bool shares_host_memory() const override { return true; }
    // A new buffer filled on the host.
    gpu::Buffer upload_table(const void* host, size_t bytes) override;
    // A caller's array that lives in one of the backend's buffers (gpustark.metal) is bound in place.
    // And a copy hold_traces made (MetalOptions::hold_trace_copies), which holds_copy names.
    gpu::Buffer held(const void* host, size_t bytes) override;
    bool holds_copy(const void* host, size_t bytes) override;
    // MetalBackend::release_traces, before the copies go: the hooks (gpu/device.h).
    void before_traces_released() { run_traces_released_hooks(); }
    gpu::Buffer allocate(size_t bytes) override;
    // Nothing to wait for: a command buffer keeps the buffers it binds until it has completed.
    void drain() noexcept override {}

    std::unique_ptr<Scope> open(const char* stage) override;
    void commit() override;
    void finish(const char* reason) override;
    // Grid-stride plans (MetalBackend::stride_plan), but one thread per lane for the primitives'
    // kernels, which skip the lanes beyond their count instead of looping; the Params struct is
    // bound as the last buffer index with setBytes.
    device::LaunchPlan lane_plan(gpu::Kernel k, uint64_t lanes) override;
    device::LaunchPlan plan(gpu::Kernel k, const device::Problem& work) override;
    // The backend's options (max_lane_group, reduce_groups), grid-stride groups up to
    // MetalBackend::kMaxStrideGroups, and its slot scratch (kSlotScratchBytes).
    gpu::LaunchCaps launch_caps() override;
    const device::DeviceLimits& limits() const override;
    device::PipelineLimits kernel_limits(gpu::Kernel k) override;
    // Windows within MetalOptions' grind_min_window and grind_max_window, one thread per witness.
    uint64_t grind_window(uint64_t want) override;
    device::LaunchPlan grind_plan(uint64_t lanes) override;
    void dispatch_raw(gpu::Kernel k, const device::LaunchPlan& plan, uint64_t bytes, const gpu::Buffer* buffers,
                      size_t count, const void* params, size_t params_bytes) override;
    // A host memset: the buffer is the host's memory, and no enqueued work uses it yet.
    void fill_zero(const gpu::Buffer& dst, size_t bytes) override;

private:
    // A download_rows gather waiting for finish().
    struct Gather {
        const char* src;
        size_t pitch, row_bytes, rows;
        char* dst;
    };

    MetalBackend& backend_;
    std::vector<Gather> gathers_;
    std::vector<std::unique_ptr<char[]>> gathered_;  // the operation's gathered rows
};

}  // namespace metal
}  // namespace gpustark
