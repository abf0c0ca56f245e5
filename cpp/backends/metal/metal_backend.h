// The Metal backend: the Backend interface in plain C++ over metal::Device (metal_device.h), so
// that all of it compiles and is tested on Linux against a fake device; device.mm is the only
// Objective-C++.
//
// Buffers are MTLBuffers in shared storage (unified memory): an "upload" is one host copy into the
// buffer the kernel reads, and a pointer that already lies in one of the backend's buffers (a numpy
// view from gpustark.metal) is bound in place with no copy at all. Launch geometry comes from the
// shared planner (core/device/launch_plan.h) fed with the device's limits and each pipeline's own
// (maxTotalThreadsPerThreadgroup, threadExecutionWidth, staticThreadgroupMemoryLength). Work goes
// through the shared Stager with the device as its CommandSink: many dispatches per command
// buffer, a commit when the budget is reached, and a host wait only where the host reads.
//
// On the device: the primitives, trace_tables, the fraction tree, commit_stacked and
// stacked_matrix (gpu::GpuBackend, cpp/backends/gpu/, shared with CUDA), the sumcheck tables,
// the DAG round and dag_base_sums (gpu/gpu_ef_tables.cpp, gpu/gpu_dag.cpp), round0_sums fused per
// block of chunks (gpu/gpu_round0.cpp). No Backend method is a host composition any more;
// info() reports an empty "host_phases" (docs/metal.md).
#pragma once
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "../../core/backend.h"
#include "../../core/device/launch_plan.h"
#include "../../core/device/stager.h"
#include "../gpu/gpu_backend.h"
#include "../gpu/kernel_id.h"
#include "../gpu/primitives.h"
#include "metal_device.h"
#include "shared_buffers.h"

namespace gpustark {
namespace metal {
class PhaseDevice;  // metal_phase_device.h: the gpu::Device the shared phases run on
}  // namespace metal

// Registers the backend `metal` over the system's default device (metal_register.cpp, built on
// Apple platforms only). Its factory throws when there is no Metal device or the kernel library
// cannot be loaded, which marks the backend unavailable with that reason.
void register_metal_backend();

// Each call (stage) adds its counters to the innermost open span under gpu::CallCounters' names
// (gpu/call_counters.h), as CUDA's do. h2d_bytes / d2h_bytes count host copies into and out of
// shared buffers (0 when the caller's memory is already a Metal buffer).

struct MetalOptions {
    // The commit budget: a command buffer is committed after this many dispatches or bytes.
    device::StagerOptions stager;
    // The caller's cap on the threadgroup of every lane kernel (the planner may pick fewer: a
    // pipeline's maxTotalThreadsPerThreadgroup, or a small problem).
    uint32_t max_lane_group = 256;
    // Witnesses tried per grind dispatch: about four times the expected number, within these.
    uint64_t grind_min_window = uint64_t(1) << 16;
    uint64_t grind_max_window = uint64_t(1) << 24;
    // The round reductions (sumcheck rounds, the DAG round) write one set of sums per threadgroup;
    // at most this many threadgroups, whose threads loop over the lanes, for the host to add.
    uint64_t reduce_groups = 1024;
    // round0_sums gathers blocks of chunks of at most this many values (N x chunks x (width + 3)),
    // at least one chunk per block; the sums of several blocks come back after one wait.
    uint64_t round0_block_elements = uint64_t(1) << 24;
    // hold_traces copies each trace into a buffer of its own until release_traces, as CUDA does.
    // Off by default: on unified memory the copy costs as much as the stacked matrix it lets the
    // commitment drop. The fake device's tests turn it on so that the held-trace paths of the
    // shared phases run on Linux.
    bool hold_trace_copies = false;
};

class MetalBackend final : public gpu::GpuBackend {
public:
    static constexpr uint32_t kMaxLogN = gpu::kMaxLogN;

    // Reads the pipeline of every primitive kernel and plans one launch of each, so that a library
    // without a kernel, or limits the planner rejects, make the backend unavailable with a reason
    // instead of failing on the first call.
    explicit MetalBackend(std::unique_ptr<metal::Device> device, MetalOptions options = {});
    ~MetalBackend() override;
    MetalBackend(const MetalBackend&) = delete;
    MetalBackend& operator=(const MetalBackend&) = delete;

    DeviceInfo info() const override;
    // The Backend methods whose data-parallel work still runs partly on the host (the core's host
    // compositions over this backend's primitives), as info() reports them: none now.
    static const std::vector<std::string>& host_phases();

    // Every buffer the backend allocated, including those handed out by new_buffer.
    DeviceMemory device_memory() const override;
    void reset_device_memory_peak() override;
    // Copies of the traces (options().hold_trace_copies; otherwise nothing), found by held().
    void hold_traces(const std::vector<TraceView>& traces) override;
    void release_traces() override;

    // A zero-filled buffer in shared storage for the caller (gpustark.metal): a primitive handed
    // memory inside it binds it in place.
    metal::BufferPtr new_buffer(size_t bytes);
    // Whether [p, p + bytes) lies in one of the backend's live buffers.
    bool holds(const void* p, size_t bytes) const;

    const device::DeviceLimits& device_limits() const { return limits_; }
    // The pipeline limits of `kernel` (read from the device once, then cached), by id or by the
    // Metal function's name (what the device reports in a launch).
    device::PipelineLimits pipeline_limits(gpu::Kernel kernel);
    device::PipelineLimits pipeline_limits(const std::string& kernel);
    // The plan of a lane kernel (one thread per lane) over `lanes` lanes.
    device::LaunchPlan lane_plan(gpu::Kernel kernel, uint64_t lanes);
    // Cumulative counters per stage since construction. Read it only while no call is running.
    const device::Stager& stager() const { return *stager_; }
    const MetalOptions& options() const { return options_; }

    // ---- for the phase objects (metal_phase_device.cpp) ----
    //
    // One operation is one Call, as on CUDA: the backend's lock, one stage of the stager, and the
    // call's counters added to the innermost span when it ends. After an exception the call waits
    // for whatever it committed (errors ignored), so the next call starts from an idle device.
    //
    //     MetalBackend::Call call(backend, "ef_tables.fold");
    //     backend.dispatch("sumcheck_fold", {Arg::of(in), Arg::of(out), Arg::value(params)},
    //                      backend.stride_plan("sumcheck_fold", lanes), bytes);
    //     backend.commit();            // or finish("why") before the host reads a buffer
    //
    // Every queue's command buffers run in order and buffers are hazard-tracked, so an operation
    // that only commits is finished before a later one's kernels run; the host waits (finish) before
    // it reads or rewrites a buffer the GPU may still use.
    class Call {
    public:
        Call(MetalBackend& backend, const char* stage);
        ~Call();

    private:
        MetalBackend& b_;
        std::lock_guard<std::mutex> lock_;  // also makes a Call neither copyable nor movable
        device::StageCounters before_;
        int exceptions_;
    };

    // A fresh buffer in shared storage (at least 16 bytes), contents unspecified, counted in
    // device_memory().
    metal::BufferPtr allocate(size_t bytes);
    // A host copy into shared memory, in parallel pieces, counted as the call's h2d_bytes.
    void copy_in(void* dst, const void* src, size_t bytes);
    // The plan of `kernel` for `work` under the device's and the kernel's own limits.
    device::LaunchPlan plan(gpu::Kernel kernel, const device::Problem& work);
    // The plan of a grid-stride kernel (the phase kernels loop over their lanes): groups of up to
    // the lane cap, at most max_groups of them (0: kMaxStrideGroups).
    device::LaunchPlan stride_plan(gpu::Kernel kernel, uint64_t lanes, uint64_t max_groups = 0);
    // One dispatch through the stager, checked against the kernel's limits first (metal_launch.h).
    void dispatch(gpu::Kernel kernel, std::vector<metal::Arg> args, const device::LaunchPlan& plan,
                  uint64_t bytes);
    // Ends the call's command buffer without waiting.
    void commit();
    // The host is about to read: commit, wait, and check every command buffer (Stager::sync).
    void finish(const char* reason);

    static constexpr uint64_t kMaxStrideGroups = uint64_t(1) << 20;
    // Slot scratch of one DAG launch (unified memory: shared with everything else on the machine),
    // the cap PhaseDevice::launch_caps gives the DAG's launches (gpu/gpu_dag.cpp).
    static constexpr uint64_t kSlotScratchBytes = uint64_t(256) << 20;

protected:
    gpu::Device& gpu_device() override;

private:
    friend class metal::PhaseDevice;  // finds held buffers in buffers_ and held_copies_


    std::unique_ptr<metal::Device> device_;
    std::unique_ptr<metal::PhaseDevice> phase_device_;
    MetalOptions options_;
    device::DeviceLimits limits_;
    DeviceInfo info_;
    std::unique_ptr<device::Stager> stager_;
    metal::SharedBuffers buffers_;
    std::map<const void*, std::pair<size_t, metal::BufferPtr>> held_copies_;  // host pointer -> (bytes, copy)
    std::map<std::string, device::PipelineLimits> pipelines_;

    std::mutex mutex_;  // one call at a time: the device and the stager are shared
    uint64_t h2d_bytes_ = 0;  // this call's host copies
    uint64_t d2h_bytes_ = 0;
};

}  // namespace gpustark
