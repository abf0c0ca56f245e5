// The small device interface the phases of this folder are written against, implemented once per
// GPU API (cuda::Device over a CUDA stream, metal::PhaseDevice over metal::Device). A phase takes
// the same steps on every GPU; only what this interface hides differs:
//
//     gpu::Call call(dev, "fraction_tree");              // lock, stage, counters (one operation)
//     gpu::Buffer p = dev.allocate(bytes);                // device memory, counted
//     dev.reserve_staging(gpu::staged_size(bytes));       // once per call, before its first copy
//     dev.upload(p, host, bytes);                         // host -> device (may be reused at once)
//     dev.dispatch(Kernel::GkrLayer, dev.lane_plan(Kernel::GkrLayer, n), bytes, {p, q}, params);
//     const void* out = dev.download(p, bytes);           // valid after finish()
//     call.finish("read the root");                       // the one host wait ... or call.commit()
//
// Every operation of one device is ordered (one CUDA stream; Metal command buffers in order on one
// queue), so a call that only commits is done before a later call's kernels or copies run.
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <mutex>
#include <type_traits>

#include "../../core/device/launch_plan.h"
#include "../../core/merkle_tree.h"
#include "kernel_id.h"

struct DagBaseSumsParams;  // kernels/dag/dag_lanes.h

namespace gpustark {

struct DagProgram;  // core/dag_program.h

namespace gpu {

// An AIR's constraint DAG compiled for one device, in the device's own form (Device::compiled_dag).
struct CompiledDag {
    virtual ~CompiledDag() = default;
};

// Device memory, or a view into it: `owner` keeps the allocation alive (a Metal launch binds the
// owner; CUDA frees it, stream-ordered, with the last reference), `base` is the allocation's
// device address (on unified memory also the host's) and `offset` the view's start in bytes.
// An empty Buffer (no base) is "none".
struct Buffer {
    std::shared_ptr<void> owner;
    void* base = nullptr;
    size_t offset = 0;

    explicit operator bool() const { return base != nullptr; }
    template <typename T>
    T* as() const { return reinterpret_cast<T*>(static_cast<char*>(base) + offset); }
    // The view `bytes` further on.
    Buffer at(size_t bytes) const { return {owner, base, offset + bytes}; }
    // The view at element i of a T array.
    template <typename T>
    Buffer at_element(size_t i) const { return at(i * sizeof(T)); }
};

// How a committed tree's store makes its matrix again when it does not keep it (phases.h,
// keep_merkle_tree): enqueues the matrix into new device memory inside the open operation, before
// its staged copies, and returns it. With `beside`, the making itself is enqueued beside the
// device's queue (Device::Beside), after whatever it reads is ready on the queue.
using MatrixSource = std::function<Buffer(bool beside)>;

// Where a committed matrix keeps its rows: row i at row i, or at its bit reversal (a codeword as
// the forward NTT leaves it without a bit-reversal pass: gpu_merkle.cpp's encode_in_place).
enum class RowOrder { Natural, BitReversed };

// The size a copy takes in the pinned staging of a device that stages (copies start aligned).
constexpr size_t kStagingAlign = 256;
constexpr size_t staged_size(size_t bytes) { return (bytes + kStagingAlign - 1) / kStagingAlign * kStagingAlign; }

class NttTables;  // gpu_ntt_tables.h

// The backend's caps on the launches a phase plans itself (Device::plan): the same limits on
// every GPU, with values that differ per device.
struct LaunchCaps {
    uint32_t max_lane_group = 0;      // the largest group of any lane kernel
    uint64_t reduce_groups = 0;       // groups of a round reduction, whose per-group sums the host adds
    uint64_t scratch_groups = 0;      // groups of a grid-stride kernel with per-thread scratch
    uint64_t slot_scratch_bytes = 0;  // per-thread slot scratch of one DAG launch: fewer groups beyond it
    uint64_t round0_block_elements = 0;  // values round 0 gathers per block (its buffers' size)
};

class Device {
public:
    Device();
    virtual ~Device();

    // ---- one operation (see Call) ----
    // Takes the device's lock, opens stage `stage`; the returned scope closes it and adds the
    // operation's command buffers, kernels, syncs and copied bytes to the innermost span.
    class Scope {
    public:
        virtual ~Scope() = default;
    };
    virtual std::unique_ptr<Scope> open(const char* stage) = 0;
    // Ends the operation's batch of kernels without waiting.
    virtual void commit() = 0;
    // The host is about to read: waits for everything enqueued so far (counted as one sync).
    virtual void finish(const char* reason) = 0;
    // Outside any operation: waits until the device is idle, errors ignored. For a phase object's
    // destructor before it frees memory queued kernels may use (a no-op where the device keeps
    // buffers alive until their kernels have run).
    virtual void drain() noexcept = 0;

    // ---- work beside the queue ----
    // Inside one operation, the work enqueued while a Beside lives may run beside the work
    // enqueued before and after it (CUDA: on a second stream of lower priority, started after
    // everything enqueued so far); join_beside() then orders the work enqueued after it after
    // that work, without a host wait. Memory allocated beside is allocated and freed in that
    // work's order. A device without a second queue (the default) enqueues it in order.
    class Beside {
    public:
        explicit Beside(Device& device) : device_(device) { device_.begin_beside(); }
        ~Beside() { device_.end_beside(); }
        Beside(const Beside&) = delete;
        Beside& operator=(const Beside&) = delete;

    private:
        Device& device_;
    };
    virtual void join_beside() {}
    // Whether work beside can run at the same time as the queue (else there is no point in
    // starting it early: it would only hold its memory longer).
    virtual bool runs_beside() const { return false; }

    // ---- memory ----
    // `bytes` of device memory (contents unspecified), counted in device_memory(); allocate inside
    // an operation.
    virtual Buffer allocate(size_t bytes) = 0;
    // The device's own copy of host memory it already holds (a held trace, a caller's buffer on
    // unified memory), or an empty Buffer: then the phase copies the data itself.
    virtual Buffer held(const void* host, size_t bytes) = 0;
    // Whether held(host, bytes) is a copy hold_traces made, kept until release_traces (which runs
    // the hooks below first), rather than a caller's own array, which may change at any time.
    virtual bool holds_copy(const void* host, size_t bytes) = 0;
    // Room for the operation's copies: the larger of its upload and download totals, each the sum
    // of staged_size() of its copies. Once per operation, before its first copy; called again
    // after a finish(), it starts the copies over (a loop that reads one word per wait).
    virtual void reserve_staging(size_t bytes) = 0;
    // Host -> device; the host memory may be reused as soon as this returns. Only into memory no
    // queued kernel still uses (Metal copies at once, from the host).
    virtual void upload(const Buffer& dst, const void* host, size_t bytes) = 0;
    // Device -> host: the returned copy (or, on unified memory, the memory itself) is valid after
    // finish() and until the operation ends.
    virtual const void* download(const Buffer& src, size_t bytes) = 0;
    // Zeros `bytes` at dst, ordered before later kernels. Only on memory no enqueued work still
    // uses (Metal clears it from the host at once; CUDA on the stream).
    virtual void fill_zero(const Buffer& dst, size_t bytes) = 0;
    // Device -> device, ordered after the work enqueued before it (CUDA: on the stream; Metal: a
    // host copy after a wait).
    virtual void copy(const Buffer& dst, const Buffer& src, size_t bytes) = 0;
    // New memory holding a copy of `bytes` of host memory, complete on return and kept as long as
    // the Buffer, for tables kept between operations (the NTT's): no staging. Inside an
    // operation, before its staged copies.
    virtual Buffer upload_table(const void* host, size_t bytes) = 0;
    // Whether device memory is the host's (unified memory): a caller's array that held() finds is
    // then read and written in place, and a download is the memory itself.
    virtual bool shares_host_memory() const = 0;
    // The NTT's twiddle and scale tables kept on this device between operations (gpu_ntt.cpp).
    NttTables& ntt_tables() { return *ntt_tables_; }
    // Drops them (the device's release of kept memory, and its destructor before it stops).
    void release_ntt_tables();

    // ---- held traces ----
    // A phase object that dropped what it made from the held traces (Backend::hold_traces) and
    // reads it later registers a hook: the device's release_traces runs every hook first, outside
    // any operation, so that it is made again while the traces are still there. The owner forgets
    // its hook before it goes.
    void on_traces_released(const void* owner, std::function<void()> hook);
    void forget_traces_released(const void* owner);

    // Device -> host: `rows` pieces of row_bytes, pitch bytes apart on the device (entry i of
    // every table), packed into row_bytes * rows bytes; valid after finish(), as download's.
    virtual const void* download_rows(const Buffer& src, size_t pitch, size_t row_bytes, size_t rows) = 0;

    // ---- kernels ----
    // The plan of a grid-stride lane kernel over `lanes` lanes, from the device's and kernel's
    // limits (core/device/launch_plan.h) under the backend's own caps.
    virtual device::LaunchPlan lane_plan(Kernel k, uint64_t lanes) = 0;
    // The plan of any launch of kernel k for `work` (a reduction's scratch per group, its caps
    // from launch_caps()) under the device's and the kernel's limits.
    virtual device::LaunchPlan plan(Kernel k, const device::Problem& work) = 0;
    virtual LaunchCaps launch_caps() = 0;
    // The limits the planner reads: the device's and kernel k's own (the block NTT's plan,
    // core/device_ntt_plan.h: CUDA's shared memory, Metal's threadgroup memory).
    virtual const device::DeviceLimits& limits() const = 0;
    virtual device::PipelineLimits kernel_limits(Kernel k) = 0;
    // The proof-of-work grinder's windows (gpu_grind.cpp): the witnesses of one window for `want`
    // expected trials, and the plan of one window of `lanes` witnesses. CUDA runs one wave of
    // resident threads that stride over a window of whole waves; Metal one thread per witness.
    virtual uint64_t grind_window(uint64_t want) = 0;
    virtual device::LaunchPlan grind_plan(uint64_t lanes) = 0;
    // One launch, counted by the stage: `buffers` are the kernel's buffer arguments in order, then
    // `params` (its Params struct, shared by host and kernel) as the last argument.
    template <typename Params>
    void dispatch(Kernel k, const device::LaunchPlan& plan, uint64_t bytes, std::initializer_list<Buffer> buffers,
                  const Params& params) {
        static_assert(std::is_trivially_copyable<Params>::value, "kernel params are copied byte for byte");
        dispatch_raw(k, plan, bytes, buffers.begin(), buffers.size(), &params, sizeof(Params));
    }
    // `bytes`: what the launch reads plus writes, for the command buffer budget.
    virtual void dispatch_raw(Kernel k, const device::LaunchPlan& plan, uint64_t bytes, const Buffer* buffers,
                              size_t count, const void* params, size_t params_bytes) = 0;

    // ---- programs compiled at run time ----
    // `program` compiled for this device (core/dag_source.h: the AIR's own straight-line code),
    // or null: the device compiles nothing (the default), compiling is switched off, or it failed.
    // The phases then run the interpreter. The first call for an AIR may take seconds; devices
    // keep what they compiled.
    virtual std::shared_ptr<const CompiledDag> compiled_dag(const DagProgram& program);
    // Round 0's base sums by a compiled program, as Kernel::DagBaseSums with the same params over
    // Montgomery-form points; buffers (weights, constants, local, next, out). Counted by the stage.
    virtual void dispatch_compiled_base_sums(const CompiledDag& dag, uint64_t bytes, std::initializer_list<Buffer> buffers,
                                             const DagBaseSumsParams& params);

protected:
    virtual void begin_beside() {}
    virtual void end_beside() noexcept {}
    // For release_traces, before the held copies go.
    void run_traces_released_hooks();

private:
    std::unique_ptr<NttTables> ntt_tables_;
    std::mutex hooks_mutex_;
    std::map<const void*, std::function<void()>> release_hooks_;
};

// One operation on a device, for its scope: the lock, the stage and the counters.
class Call {
public:
    Call(Device& device, const char* stage) : device_(device), scope_(device.open(stage)) {}
    Call(const Call&) = delete;
    Call& operator=(const Call&) = delete;
    void commit() { device_.commit(); }
    void finish(const char* reason) { device_.finish(reason); }

private:
    Device& device_;
    std::unique_ptr<Device::Scope> scope_;
};

}  // namespace gpu
}  // namespace gpustark
