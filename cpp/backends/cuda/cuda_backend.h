// The CUDA backend: every Backend primitive on one NVIDIA GPU, through the shared kernel bodies
// of cpp/kernels/ compiled as CUDA (the thin __global__ entry points live in *.cu beside this).
//
// Launch geometry comes from the shared planner (core/device/launch_plan.h): DeviceLimits from
// cudaDeviceProp, one PipelineLimits per kernel from cudaFuncGetAttributes. Work is staged through
// the shared Stager (core/device/stager.h) with a CudaSink, so each primitive call is one stage
// with command-buffer / kernel / sync counters, and the host waits only where it reads results.
//
// This header stays free of CUDA headers so that plain C++ translation units (builtin.cpp) can
// include it; cuda_backend.cpp holds everything that talks to the CUDA runtime.
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
#include "../gpu/kernel_id.h"

struct CUstream_st;  // cudaStream_t is CUstream_st*

namespace gpustark {
namespace cuda {
struct HeldTraces;  // cuda_held_traces.cpp
class DeviceBuffer;
class Device;       // cuda_device.h: the gpu::Device the shared phases run on
}  // namespace cuda
}  // namespace gpustark

namespace gpustark {

// Registers the backend `cuda`. Its factory throws std::runtime_error("no CUDA device: ...") when
// the runtime finds no usable device, which marks the backend unavailable with that reason.
void register_cuda_backend();


// The caller's cap on the block of every lane kernel (Problem::max_group_threads): eight warps,
// so that several blocks share an SM and a block's registers stay small; the planner may pick
// fewer threads (a register-heavy kernel, or a problem too small to reach every SM).
constexpr uint32_t kCudaMaxLaneGroup = 256;

// The device side of the Stager on CUDA. A launch starts as soon as it is on the stream, so there
// is nothing to open or submit: begin and commit do nothing and one "command buffer" is one batch
// of stream work between two host waits. encode runs the launch function (which enqueues on the
// backend's stream and throws on a launch error); wait is cudaStreamSynchronize.
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

// Counters of one primitive call (stage), reported on the innermost open span with
// spans::count under these names. Per call, with K kernels (the dispatch_stage line agrees):
//   poseidon2_permute, hash_rows, compress: 1 command buffer, K = 1, 1 sync;
//   ntt: 1 command buffer, 1 sync, K = 1 (bit reverse) + 1 (block NTT, when planned)
//        + (log_n - log_block) stages + 1 (scale: forward with shift != 1, or inverse);
//        K = 1 when the block holds the whole transform (the reversal and scale fused into it);
//   merkle_tree: 1 command buffer, 1 sync, K = 1 (leaves) + log2(rows) compress levels;
//   grind: per window tried (usually 1): 1 command buffer, K = 1, 1 sync.
// Sumcheck tables (cuda_ef_tables.h), one stage per operation, named ef_tables.<operation>:
//   ef_tables (the upload), read, table: no kernel; one host wait for the copy, counted as a
//        sync only when it also waits for kernels (a fold or add_eq_powers before it);
//   fold, add_eq_powers: 1 command buffer, K = 1, no sync (the next read or round waits);
//   pair_product_round, fraction_round: 1 command buffer, K = 1, 1 sync.
// The CUDA stager has no dispatch or byte budget (commits submit nothing), so a call never
// splits into more command buffers. h2d_bytes / d2h_bytes count the bytes copied each way.
struct CudaCallCounters {
    static constexpr const char* kCommandBuffers = "command_buffer_count";
    static constexpr const char* kKernels = "kernel_count";
    static constexpr const char* kSyncs = "sync_count";
    static constexpr const char* kHostToDevice = "h2d_bytes";
    static constexpr const char* kDeviceToHost = "d2h_bytes";
};

class CudaBackend : public Backend {
public:
    explicit CudaBackend(int device);
    ~CudaBackend() override;
    CudaBackend(const CudaBackend&) = delete;
    CudaBackend& operator=(const CudaBackend&) = delete;

    DeviceInfo info() const override;
    void poseidon2_permute(uint32_t* states, size_t count) override;
    void hash_rows(const uint32_t* matrix, size_t rows, uint32_t width, uint32_t* digests) override;
    void compress(const uint32_t* left, const uint32_t* right, size_t count, uint32_t* out) override;
    void ntt(uint32_t* data, NttShape shape, bool inverse, uint32_t shift) override;
    MerkleTree merkle_tree(const uint32_t* matrix, size_t rows, uint32_t width, uint32_t log_group) override;
    uint32_t grind(const PowParams& params) override;
    // The codeword computed and hashed in one call; it stays on the device with its tree, and
    // openings read only their rows (gpu/gpu_merkle_store.cpp).
    MerkleTree encode_and_commit(const uint32_t* message, size_t message_rows, uint32_t width, uint32_t log_rows,
                                 uint32_t log_group) override;
    // Tables in device memory until the object is destroyed (cuda_ef_tables.h); it must not
    // outlive this backend.
    std::unique_ptr<EfTables> ef_tables(const Ef* values, size_t count, size_t length) override;
    // The proof's traces copied up once and kept until release_traces (cuda_held_traces.cpp).
    void hold_traces(const std::vector<TraceView>& traces) override;
    void release_traces() override;
    // The device copy of a held trace (host pointer and size as held), or nullptr: then the
    // caller copies the trace itself. For use inside a Call.
    const uint32_t* held_trace(const uint32_t* host, size_t bytes) const;
    // Every cudaMalloc of the backend is counted (device_memory.h).
    DeviceMemory device_memory() const override;
    void reset_device_memory_peak() override;
    // Frees the scratch slots, twiddle and scale tables, then trims the pool (device_memory.h).
    void release_cached_memory() override;
    // The DAG's sums at host points, evaluated on the device (cuda_dag.h).
    void dag_base_sums(const DagBinding& dag, const DagBasePoints& points, DagSums* out) override;

    // The limits the planner reads, and the plan of one lane-kernel launch over `lanes` lanes.
    const device::DeviceLimits& device_limits() const { return limits_; }
    const device::PipelineLimits& pipeline_limits(gpu::Kernel k) const { return pipelines_[static_cast<int>(k)]; }
    device::LaunchPlan lane_plan(gpu::Kernel k, uint64_t lanes) const;
    // The plan of any launch of kernel k (scratch per block, a cap on the grid, ...) under k's limits.
    device::LaunchPlan plan(gpu::Kernel k, const device::Problem& work) const;
    // Cumulative counters per primitive stage ("ntt", "merkle_tree", ...) since construction.
    // Not synchronised: read it only while no call is running.
    const device::Stager& stager() const { return *stager_; }

    // ---- phase objects ----
    // A phase object keeps device memory across calls (EfTables; later the constraint DAG) and
    // runs each of its operations as one Call, the same unit as a primitive call:
    //
    //     CudaBackend::Call call(backend, "ef_tables.fold");   // lock, device, stage, counters
    //     cuda::DeviceBuffer more(bytes);                      // device_buffer.h; before the copies
    //     call.reserve_staging(CudaBackend::staged_size(in) + ...);
    //     call.upload(d_in, host_in, in);
    //     call.dispatch(gpu::Kernel::X, plan, bytes, [&] { return int(cuda::launch_x(..., call.stream())); });
    //     const void* out = call.download(d_out, n);           // pinned; valid after finish()
    //     call.finish("round sums");                           // the one host wait
    //     ... or, with nothing to read back: call.commit();    // the kernels run on; no wait
    //
    // Every piece of device work is ordered on the backend's one stream, so an operation that
    // does not wait (a fold) is finished before any later operation's kernels or copies run.
    // The pinned staging buffer is shared by every call: a call that copied through it waits
    // before it ends (the destructor waits if the call did not), so the next call may refill it.
    class Call {
    public:
        // Takes the backend's lock for the call's lifetime (one call at a time on the backend),
        // makes its device current and opens the stage `stage`. On leaving, closes the stage and
        // adds the call's command buffers, kernels, syncs and copied bytes to the innermost open
        // span (CudaCallCounters); after an exception, first lets the stream drain.
        Call(CudaBackend& backend, const char* stage);
        ~Call();
        Call(const Call&) = delete;
        Call& operator=(const Call&) = delete;

        // The backend's stream (a cudaStream_t), for launchers.
        CUstream_st* stream() const { return b_.stream_; }
        // Pinned staging for this call: the larger of its upload and its download totals, each
        // the sum of staged_size() of its copies. Once per call, before its first copy.
        void reserve_staging(size_t bytes) { b_.reserve_staging(bytes); }
        // Host -> device through the staging, asynchronously (host_src may be reused at once).
        void upload(void* device_dst, const void* host_src, size_t bytes) { b_.upload(device_dst, host_src, bytes); }
        // Device -> pinned staging, asynchronously; the returned copy is valid after finish().
        const void* download(const void* device_src, size_t bytes) { return b_.download(device_src, bytes); }
        // `rows` pieces of row_bytes, pitch bytes apart on the device (a column of a row-major
        // matrix, entry i of every table), packed into row_bytes * rows bytes of staging.
        const void* download_rows(const void* device_src, size_t pitch, size_t row_bytes, size_t rows) {
            return b_.download_rows(device_src, pitch, row_bytes, rows);
        }
        // One kernel launch through the stager (counted); `launch` enqueues it on stream() and
        // returns its cudaError_t as an int; an error throws std::runtime_error naming the kernel.
        void dispatch(gpu::Kernel k, const device::LaunchPlan& plan, uint64_t bytes, const std::function<int()>& launch) {
            b_.dispatch(k, plan, bytes, launch);
        }
        // Ends the call's batch of kernels without waiting (one command buffer per operation).
        void commit();
        // The host wait before reading downloads: waits for every kernel and copy enqueued so far.
        void finish(const char* reason) { b_.finish(reason); }

    private:
        CudaBackend& b_;
        std::lock_guard<std::mutex> lock_;
        device::StageCounters before_;
        int exceptions_;
        CUstream_st* saved_allocation_stream_;  // the thread's allocation stream before the call
    };
    // Device-resident NTTs for phase objects, inside a Call. device_twiddles: the twiddles of a
    // size-2^log_n transform, cached on the device for the backend's life (uploaded
    // synchronously when missing: call it before the Call's staged copies). ntt_on_device:
    // enqueues the transform of `shape` at `data` (device memory) in place; `factors` is the
    // ntt_scale_factors table in device memory, or nullptr when it would be empty (forward, shift 1).
    const uint32_t* device_twiddles(uint32_t log_n, bool inverse);
    void ntt_on_device(uint32_t* data, NttShape shape, bool inverse, const uint32_t* twiddles, const uint32_t* factors);
    // Inside a Call, after its reserve_staging (which must hold the root's 32 bytes): the
    // codeword whose message is already in device memory (the first message_rows rows of `code`,
    // 2^log_rows x width words, written by work already enqueued), committed as encode_and_commit
    // commits: the call's one wait is for the root. For tables whose codeword never leaves the
    // device (EfTables::commit_table, cuda_ef_tables.cpp, which defines it).
    MerkleTree commit_device_message(cuda::DeviceBuffer code, size_t message_rows, uint32_t width, uint32_t log_rows,
                                     uint32_t log_group);
    // The fraction tree built and kept on the device (gpu/gpu_fraction_tree.cpp).
    std::unique_ptr<FractionTree> fraction_tree(const Ef* p, const Ef* q, size_t leaves) override;
    // One trace's tables at r_0 built on the device (gpu/gpu_trace_tables.cpp).
    std::unique_ptr<EfTables> trace_tables(const TraceTablesInput& in) override;
    // Round 0's sums over one trace on the device (cuda_round0.cpp).
    Round0Sums round0_sums(const Round0Trace& trace) override;
    // The stacked commitment on the device: the traces go up once, and the matrix, message,
    // codeword and tree stay there for the openings (cuda_stacked_matrix.cpp).
    StackedCommit commit_stacked(const StackedLayout& layout, const std::vector<TraceView>& traces, uint32_t log_blowup,
                                 uint32_t k) override;
    // A stacked matrix and message from the host, uploaded once (cuda_stacked_matrix.cpp).
    std::unique_ptr<StackedMatrix> stacked_matrix(std::vector<uint32_t> matrix, std::vector<uint32_t> message,
                                                  size_t height, uint32_t width, uint32_t l_skip) override;

    // The size a copy takes in the staging (copies start at aligned offsets).
    static size_t staged_size(size_t bytes);
    // Waits, under the lock, until everything on the stream has finished; errors are ignored.
    // For a phase object's destructor, before it frees device memory that queued kernels use.
    // Not inside a Call (the lock is not recursive).
    void drain() noexcept;

private:
    // Device buffers reused across calls, grown on demand (one per role within a call).
    enum Slot { kSlotA, kSlotB, kSlotC, kSlotResult, kSlotCount };
    uint32_t* slot(Slot s, size_t words);
    // Frees what the backend keeps between calls, rebuilt on demand: the scratch slots, the
    // twiddle tables and the NTT scale table (no phase object holds any of them). Every one is
    // freed and forgotten; returns the first error (a cudaError_t, as launches return theirs).
    int free_kept_memory();
    void activate() const;  // cudaSetDevice(device_)

    // Pinned host staging: one cudaMallocHost buffer, grown on demand and reused by every call.
    // A call reserves the larger of its upload and download totals (staged_size of each copy)
    // before its first copy; uploads take successive regions from the start, and downloads take
    // successive regions from the start again: on the one stream every upload has finished before
    // any kernel runs, and every download starts after the kernels.
    void reserve_staging(size_t bytes);
    // Host -> pinned (pieces copied in parallel) -> device, asynchronously on the stream.
    void upload(void* device_dst, const void* host_src, size_t bytes);
    // Device -> pinned, asynchronously; the returned pinned copy is valid after finish().
    // The next download region of the reserved staging (counted as device-to-host bytes).
    char* take_download_staging(size_t bytes);
    const void* download(const void* device_src, size_t bytes);
    const void* download_rows(const void* device_src, size_t pitch, size_t row_bytes, size_t rows);
    // The one host wait of a call (or of a grind window): Stager::sync.
    void finish(const char* reason);
    // After an error inside a call: let the stream drain so that no copy still reads or writes
    // the staging buffer when the next call reuses it.
    void recover() noexcept;

    // The Merkle kernels over a device matrix into d_levels (level k at offsets[k]).
    void merkle_on_device(const uint32_t* d_matrix, size_t rows, uint32_t width, uint32_t log_group, uint32_t* d_levels,
                          const std::vector<size_t>& offsets);
    // Inside a Call: the codeword whose first message_rows rows `code` already holds (enqueued),
    // zero below, transformed and committed (twiddles: device_twiddles(log_rows, false)).
    MerkleTree commit_codeword(cuda::DeviceBuffer code, size_t message_rows, uint32_t width, uint32_t log_rows,
                               uint32_t log_group, const uint32_t* twiddles);
    // Ends a tree call: waits for the root and keeps the matrix and levels on the device
    // (gpu/gpu_merkle_store.cpp).
    MerkleTree keep_tree(cuda::DeviceBuffer matrix, cuda::DeviceBuffer levels, size_t rows, uint32_t width,
                         uint32_t log_group, const std::vector<size_t>& offsets);

    // Encodes one kernel launch through the stager; `launch` enqueues it and returns its status.
    void dispatch(gpu::Kernel k, const device::LaunchPlan& plan, uint64_t bytes,
                  const std::function<int()>& launch);

    int device_ = 0;
    CUstream_st* stream_ = nullptr;
    // stream_ where the device has memory pools (allocations are then ordered on it and freed
    // memory stays in the pool, device_memory.h), else null (cudaMalloc / cudaFree).
    CUstream_st* allocation_stream_ = nullptr;
    DeviceInfo info_;
    device::DeviceLimits limits_;
    device::PipelineLimits pipelines_[gpu::kKernelCount];
    uint32_t grind_group_ = 0;  // threads per grind block
    uint64_t grind_wave_ = 0;   // grind threads resident at once on the device (whole blocks)
    size_t max_pitch_ = 0;      // cudaDeviceProp::memPitch: the largest pitch of a 2D copy

    std::unique_ptr<CudaSink> sink_;
    std::unique_ptr<device::Stager> stager_;

    std::unique_ptr<cuda::HeldTraces> held_;  // hold_traces' copies
    std::unique_ptr<cuda::Device> phase_device_;  // the shared phases' view of this backend
    std::mutex mutex_;  // one call at a time: the stream, the stager and the buffers are shared
    uint32_t* slots_[kSlotCount] = {};
    size_t slot_words_[kSlotCount] = {};
    std::map<std::pair<uint32_t, bool>, uint32_t*> twiddle_cache_;
    std::map<std::pair<uint32_t, bool>, size_t> twiddle_bytes_;
    // One cached scale table: (log_n, inverse, shift) -> factors.
    uint32_t* scale_ptr_ = nullptr;
    size_t scale_words_ = 0;
    bool scale_valid_ = false;
    bool scale_any_ = false;
    uint32_t scale_key_[3] = {};

    char* staging_ = nullptr;   // pinned
    size_t staging_bytes_ = 0;
    size_t staging_in_ = 0;     // next upload region
    size_t staging_out_ = 0;    // next download region
    uint64_t h2d_bytes_ = 0;    // this call's copies
    uint64_t d2h_bytes_ = 0;
    bool staging_busy_ = false; // copies through the staging not yet waited for
};

}  // namespace gpustark
