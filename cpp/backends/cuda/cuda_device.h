// cuda::Device: one NVIDIA GPU as the phases see it (gpu/device.h), split out of CudaBackend so
// that the backend holds only what is CUDA's own. The device owns the stream, the memory pool's
// allocation stream, the pinned staging, the held traces, the Stager with its counters and the
// lock (the NTT tables are gpu::Device's); its limits feed the planner (core/device/).
//
//     cuda::Device::Call call(device, "ef_tables.fold");    // lock, device, stage, counters
//     cuda::DeviceBuffer more(bytes);                       // device_buffer.h; before the copies
//     call.reserve_staging(gpu::staged_size(in) + ...);
//     call.upload(d_in, host_in, in);
//     call.dispatch(gpu::Kernel::X, plan, bytes, [&] { return int(cuda::launch_x(..., call.stream())); });
//     const void* out = call.download(d_out, n);            // pinned; valid after finish()
//     call.finish("round sums");                            // the one host wait
//     ... or, with nothing to read back: call.commit();     // the kernels run on; no wait
//
// Every piece of device work is ordered on the one stream, so an operation that does not wait (a
// fold) is finished before any later operation's kernels or copies run. The pinned staging is
// shared by every call: a call that copied through it waits before it ends (the destructor waits
// if the call did not), so the next call may refill it.
//
// Plain C++ (no CUDA headers): cuda_backend.h includes it, and plain C++ includes that.
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

#include "../../core/backend.h"
#include "../../core/device/launch_plan.h"
#include "../../core/device/stager.h"
#include "../gpu/device.h"
#include "memory_account.h"

struct CUstream_st;  // cudaStream_t is CUstream_st*
struct CUevent_st;   // cudaEvent_t is CUevent_st*

namespace gpustark {

// The caller's cap on the block of every lane kernel (Problem::max_group_threads): eight warps,
// so that several blocks share an SM and a block's registers stay small; the planner may pick
// fewer threads (a register-heavy kernel, or a problem too small to reach every SM).
constexpr uint32_t kCudaMaxLaneGroup = 256;

// Counters of one operation (stage), reported on the innermost open span under gpu::CallCounters'
// names (gpu/call_counters.h). Per call, with K kernels:
//   poseidon2_permute, hash_rows, compress: 1 command buffer, K = 1, 1 sync;
//   ntt: 1 command buffer, 1 sync, K = 1 (bit reverse) + 1 (block NTT, when planned)
//        + (log_n - log_block) stages + 1 (scale: forward with shift != 1, or inverse);
//        K = 1 when the block holds the whole transform (the reversal and scale fused into it);
//   merkle_tree: 1 command buffer, 1 sync, K = 1 (leaves) + log2(rows) compress levels;
//   grind: per window tried (usually 1): 1 command buffer, K = 1, 1 sync.
// Sumcheck tables (gpu/gpu_ef_tables.cpp), one stage per operation, named ef_tables.<operation>:
//   ef_tables (the upload), read, table: no kernel; one host wait for the copy, counted as a
//        sync only when it also waits for kernels (a fold or add_eq_powers before it);
//   fold: 1 command buffer, K = 1, no sync (the next read or round waits);
//   add_eq_powers (all of a WHIR round's points): 1 command buffer, K = 1, 1 sync (the call waits
//        for its staged upload of the points as it ends);
//   pair_product_round, fraction_round: 1 command buffer, K = 1, 1 sync.
// The CUDA stager has no dispatch or byte budget (commits submit nothing), so a call never
// splits into more command buffers. h2d_bytes / d2h_bytes count the bytes copied each way.

// The device side of the Stager on CUDA. A launch starts as soon as it is on the stream, so there
// is nothing to open or submit: begin and commit do nothing and one "command buffer" is one batch
// of stream work between two host waits. encode runs the launch function (which enqueues on the
// stream and throws on a launch error); wait is cudaStreamSynchronize.
class CudaSink : public device::CommandSink {
public:
    explicit CudaSink(CUstream_st* stream) : stream_(stream) {}
    void begin() override {}
    void encode(const device::Dispatch& d, const device::EncodeFn& fn) override;
    void commit() override {}
    void wait() override;

private:
    CUstream_st* stream_;
};

namespace cuda {

class DeviceBuffer;
struct HeldTraces;  // cuda_held_traces.h

class Device final : public gpu::Device {
public:
    // Opens CUDA device `index`: its limits, each kernel's own (cudaFuncGetAttributes), a stream
    // and the memory pool. Throws std::runtime_error naming the device when a kernel cannot be
    // read (built for other architectures) or the planner rejects the limits.
    explicit Device(int index);
    ~Device() override;
    Device(const Device&) = delete;
    Device& operator=(const Device&) = delete;

    int index() const { return index_; }
    const device::DeviceLimits& limits() const override { return limits_; }
    device::PipelineLimits kernel_limits(gpu::Kernel k) override { return pipeline_limits(k); }
    const device::PipelineLimits& pipeline_limits(gpu::Kernel k) const { return pipelines_[static_cast<int>(k)]; }
    int registers(gpu::Kernel k) const { return registers_[static_cast<int>(k)]; }
    // The plan of any launch of kernel k under k's limits, and of a lane kernel over `lanes` lanes.
    device::LaunchPlan plan(gpu::Kernel k, const device::Problem& work) override;
    device::LaunchPlan lane_plan(gpu::Kernel k, uint64_t lanes) override;
    // kCudaMaxLaneGroup; one wave of resident blocks of it for the reductions and the DAG's
    // scratch-bound launches; kSlotScratchBytes of slot scratch.
    gpu::LaunchCaps launch_caps() override;
    // Cumulative counters per stage since construction. Read it only while no call is running.
    const device::Stager& stager() const { return *stager_; }
    CUstream_st* stream() const { return stream_; }

    // One operation: takes the device's lock for its lifetime (one call at a time), makes the
    // device current and opens the stage. On leaving, closes the stage and adds the call's
    // command buffers, kernels, syncs and copied bytes to the innermost open span
    // (CudaCallCounters); after an exception, first lets the stream drain.
    class Call {
    public:
        Call(Device& device, const char* stage);
        ~Call();
        Call(const Call&) = delete;
        Call& operator=(const Call&) = delete;

        CUstream_st* stream() const { return d_.stream_; }
        void reserve_staging(size_t bytes) { d_.reserve_staging(bytes); }
        void upload(void* device_dst, const void* host_src, size_t bytes) { d_.upload(device_dst, host_src, bytes); }
        const void* download(const void* device_src, size_t bytes) { return d_.download(device_src, bytes); }
        // `rows` pieces of row_bytes, pitch bytes apart on the device (a column of a row-major
        // matrix, entry i of every table), packed into row_bytes * rows bytes of staging.
        const void* download_rows(const void* device_src, size_t pitch, size_t row_bytes, size_t rows) {
            return d_.download_rows(device_src, pitch, row_bytes, rows);
        }
        void dispatch(gpu::Kernel k, const device::LaunchPlan& plan, uint64_t bytes, const std::function<int()>& launch) {
            d_.dispatch(k, plan, bytes, launch);
        }
        void commit() { d_.commit(); }
        void finish(const char* reason) { d_.finish(reason); }

    private:
        Device& d_;
        std::lock_guard<std::mutex> lock_;
        device::StageCounters before_;
        int exceptions_;
        CUstream_st* saved_allocation_stream_;  // the thread's allocation stream before the call
        cuda::MemoryAccount* saved_allocation_account_;  // and its account
    };

    // ---- inside a Call ----
    // Pinned staging for the call: the larger of its upload and its download totals, each the sum
    // of gpu::staged_size() of its copies. Once per call, before its first copy.
    void reserve_staging(size_t bytes) override;
    // Host -> pinned (pieces copied in parallel) -> device, asynchronously (host_src may be reused).
    void upload(void* device_dst, const void* host_src, size_t bytes);
    // Device -> pinned, asynchronously; the returned pinned copy is valid after finish().
    const void* download(const void* device_src, size_t bytes);
    const void* download_rows(const void* device_src, size_t pitch, size_t row_bytes, size_t rows);
    // One kernel launch through the stager (counted); `launch` enqueues it on stream() and returns
    // its cudaError_t as an int; an error throws std::runtime_error naming the kernel.
    void dispatch(gpu::Kernel k, const device::LaunchPlan& plan, uint64_t bytes, const std::function<int()>& launch);
    using gpu::Device::dispatch;
    void commit() override;
    // The host wait before reading downloads: waits for every kernel and copy enqueued so far.
    void finish(const char* reason) override;
    // The grinder's geometry: one block size for every window, and the threads of one wave of
    // such blocks resident at once (the occupancy API's blocks per SM).
    uint32_t grind_group() const { return grind_group_; }
    uint64_t grind_wave() const { return grind_wave_; }

    // ---- outside a Call ----
    // Waits, under the lock, until everything on the stream has finished; errors are ignored.
    void drain() noexcept override;
    // hold_traces' copies (Backend::hold_traces): each trace up once, found by host pointer and
    // size until release_traces; held_trace is for use inside a Call (nullptr: not held).
    void hold_traces(const std::vector<TraceView>& traces);
    // Page-locked host memory for traces (Backend::trace_host_memory): hold_traces copies such a
    // trace with one asynchronous copy on the stream, not through the staging, and does not wait.
    std::shared_ptr<void> page_locked(size_t bytes);
    void release_traces();
    const uint32_t* held_trace(const uint32_t* host, size_t bytes) const;
    // Every cudaMalloc is counted (device_memory.h); the pool's free blocks are the cached bytes.
    DeviceMemory memory() const;
    void reset_memory_peak();
    // The stream allocations are ordered on (null without memory pools: cudaMalloc / cudaFree).
    CUstream_st* allocation_stream() const { return allocation_stream_; }

    // ---- gpu::Device, for the phases of cpp/backends/gpu ----
    std::unique_ptr<Scope> open(const char* stage) override;
    gpu::Buffer allocate(size_t bytes) override;
    gpu::Buffer held(const void* host, size_t bytes) override;
    bool holds_copy(const void* host, size_t bytes) override { return held(host, bytes).base != nullptr; }
    void upload(const gpu::Buffer& dst, const void* host, size_t bytes) override;
    const void* download(const gpu::Buffer& src, size_t bytes) override;
    void dispatch_raw(gpu::Kernel k, const device::LaunchPlan& plan, uint64_t bytes, const gpu::Buffer* buffers,
                      size_t count, const void* params, size_t params_bytes) override;
    void fill_zero(const gpu::Buffer& dst, size_t bytes) override;
    const void* download_rows(const gpu::Buffer& src, size_t pitch, size_t row_bytes, size_t rows) override;
    // On the stream, after the work enqueued so far.
    void copy(const gpu::Buffer& dst, const gpu::Buffer& src, size_t bytes) override;
    // A pool allocation and a copy waited for at once (the host memory is pageable).
    gpu::Buffer upload_table(const void* host, size_t bytes) override;
    bool shares_host_memory() const override { return false; }
    // Work beside the queue (gpu::Device::Beside): on a second stream of the lowest priority
    // (the device's own stream has the highest), ordered by events.
    void join_beside() override;
    bool runs_beside() const override;
    // About `want` witnesses: whole blocks below one wave of resident grind threads, else whole
    // waves (at most 64), which one wave of blocks strides over.
    uint64_t grind_window(uint64_t want) override;
    device::LaunchPlan grind_plan(uint64_t lanes) override;
    // NVRTC's compile for this GPU's architecture (compiled_dag.h), kept for the process.
    std::shared_ptr<const gpu::CompiledDag> compiled_dag(const DagProgram& program) override;
    void dispatch_compiled_base_sums(const gpu::CompiledDag& dag, uint64_t bytes, std::initializer_list<gpu::Buffer> buffers,
                                     const DagBaseSumsParams& params) override;
    // A buffer allocated here, handed to a shared phase (which then owns it).
    static gpu::Buffer adopt(DeviceBuffer buffer);

protected:
    void begin_beside() override;
    void end_beside() noexcept override;

private:
    void activate() const;  // cudaSetDevice(index_)
    // Waits for the device's stream and, where there is one, the stream beside it.
    void synchronize_streams() noexcept;
    char* take_download_staging(size_t bytes);
    // After an error inside a call: let the stream drain so that no copy still reads or writes
    // the staging buffer when the next call reuses it.
    void recover() noexcept;
    // grind_group_ and grind_wave_ from the planner and the occupancy API.
    void plan_grind();

    int index_ = 0;
    int arch_ = 0;  // compute capability, major * 10 + minor
    CUstream_st* stream_ = nullptr;       // where work is enqueued: main_stream_, or side_stream_ beside
    CUstream_st* main_stream_ = nullptr;  // the device's own stream (highest priority)
    CUstream_st* side_stream_ = nullptr;  // work beside it (lowest priority), made on first use
    CUevent_st* side_start_ = nullptr;    // recorded on main_stream_ as beside work begins
    CUevent_st* side_done_ = nullptr;     // recorded on side_stream_ as it ends
    bool side_pending_ = false;           // side_done_ not yet waited for by main_stream_
    int side_depth_ = 0;                  // open Besides
    int side_priority_ = 0;               // the device's lowest stream priority
    // stream_ where the device has memory pools (allocations are then ordered on it and freed
    // memory stays in the pool, device_memory.h), else null (cudaMalloc / cudaFree).
    CUstream_st* allocation_stream_ = nullptr;
    cuda::MemoryAccount memory_account_;  // what this instance's buffers hold (device_memory.h)
    device::DeviceLimits limits_;
    device::PipelineLimits pipelines_[gpu::kKernelCount];
    int registers_[gpu::kKernelCount] = {};
    size_t max_pitch_ = 0;  // cudaDeviceProp::memPitch: the largest pitch of a 2D copy

    std::unique_ptr<CudaSink> sink_;
    std::unique_ptr<device::Stager> stager_;

    std::unique_ptr<HeldTraces> held_;
    std::mutex mutex_;  // one call at a time: the stream, the stager and the buffers are shared
    uint32_t grind_group_ = 0;
    uint64_t grind_wave_ = 0;

    char* staging_ = nullptr;   // pinned
    size_t staging_bytes_ = 0;
    size_t staging_in_ = 0;     // next upload region
    size_t staging_out_ = 0;    // next download region
    uint64_t h2d_bytes_ = 0;    // this call's copies
    uint64_t d2h_bytes_ = 0;
    bool staging_busy_ = false; // copies through the staging not yet waited for
};

}  // namespace cuda
}  // namespace gpustark
