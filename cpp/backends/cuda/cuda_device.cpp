#include "cuda_device.h"

#include <cuda_runtime_api.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <stdexcept>
#include <string>
#include <unordered_set>
#include <utility>

#include "../../core/env_flags.h"
#include "../../core/parallel.h"
#include "../gpu/call_counters.h"
#include "cuda_held_traces.h"
#include "device_buffer.h"
#include "device_memory.h"
#include "compiled_dag.h"
#include "launch.h"
#include "../../kernels/dag/dag_lanes.h"

namespace gpustark {

namespace {

constexpr size_t kStagingGranule = size_t(2) << 20;  // pinned allocations: whole 2 MiB
constexpr size_t kCopyPiece = size_t(4) << 20;       // host copies go in parallel pieces of 4 MiB
constexpr size_t kMaxBufferArgs = 8;                 // buffer arguments of one shared-convention launch
// A wave of blocks when the device does not say how many are resident.
constexpr uint64_t kFallbackWaveGroups = 1024;
// Slot scratch per DAG launch: the grid shrinks (grid-stride loops take the rest) so that
// slots x threads values fit. 512 MiB keeps a resident wave of an H100 for programs of up to
// ~480 extension-field slots, and fewer threads only when a program is larger.
constexpr uint64_t kSlotScratchBytes = uint64_t(512) << 20;
// Values round 0 gathers per block (each of its four block buffers holds this many words): 256 per
// resident thread, a power of two, at least 2^22 (2^26 on an H100 or H200). Smaller blocks hold
// less memory but run slower: each DAG launch then has too few points to fill the device
// (docs/benchmarks.md, 2026-12-06: round 0 took 23.4 ms in blocks of 2^25, 21.4 in 2^26).
// GPUSTARK_ROUND0_BLOCK_ELEMENTS=N sets it instead (for tuning; read when a phase asks).
uint64_t round0_block_elements(uint64_t resident_threads) {
    if (const char* v = std::getenv("GPUSTARK_ROUND0_BLOCK_ELEMENTS"); v && *v) {
        char* end = nullptr;
        const unsigned long long n = std::strtoull(v, &end, 10);
        if (*end != '\0' || n == 0)
            throw std::invalid_argument(std::string("GPUSTARK_ROUND0_BLOCK_ELEMENTS: expected a positive integer, found '") +
                                        v + "'");
        return n;
    }
    uint64_t elements = uint64_t(1) << 22;
    while (elements * 2 <= resident_threads * 256) elements *= 2;
    return elements;
}

void log_line(const std::string& line) { std::fprintf(stderr, "gpustark debug: %s\n", line.c_str()); }

}  // namespace

// ---- CudaSink ----

void CudaSink::encode(const device::Dispatch&, const device::EncodeFn& fn) {
    if (fn) fn();
}

void CudaSink::wait() { GS_CUDA_CHECK(cudaStreamSynchronize(stream_)); }

namespace cuda {

// ---- the device ----

const void* kernel_address(gpu::Kernel k) {
    if (const void* f = poseidon2_kernel(k)) return f;
    if (const void* f = merkle_kernel(k)) return f;
    if (const void* f = ntt_kernel(k)) return f;
    if (const void* f = pow_kernel(k)) return f;
    if (const void* f = sumcheck_kernel(k)) return f;
    if (const void* f = whir_kernel(k)) return f;
    if (const void* f = dag_kernel(k)) return f;
    if (const void* f = round0_kernel(k)) return f;
    if (const void* f = trace_tables_kernel_address(k)) return f;
    if (const void* f = fraction_tree_kernel(k)) return f;
    return stacked_kernel(k);
}

Device::Device(int index) : index_(index) {
    GS_CUDA_CHECK(cudaSetDevice(index_));
    cudaDeviceProp prop{};
    GS_CUDA_CHECK(cudaGetDeviceProperties(&prop, index_));
    std::string sm = std::to_string(prop.major) + "." + std::to_string(prop.minor);

    limits_.max_threads_per_group = static_cast<uint32_t>(prop.maxThreadsPerBlock);
    limits_.simd_width = static_cast<uint32_t>(prop.warpSize);
    // Without cudaFuncAttributeMaxDynamicSharedMemorySize (no kernel opts in), a block gets
    // sharedMemPerBlock (48 KiB) of static plus dynamic shared memory.
    limits_.max_group_scratch_bytes = prop.sharedMemPerBlock;
    limits_.core_count = static_cast<uint32_t>(prop.multiProcessorCount);
    limits_.max_threads_per_core = static_cast<uint32_t>(prop.maxThreadsPerMultiProcessor);
    limits_.max_groups = static_cast<uint64_t>(prop.maxGridSize[0]);
    max_pitch_ = prop.memPitch;
    arch_ = prop.major * 10 + prop.minor;

    for (int k = 0; k < gpu::kKernelCount; ++k) {
        gpu::Kernel kernel = static_cast<gpu::Kernel>(k);
        cudaFuncAttributes attr{};
        cudaError_t err = cudaFuncGetAttributes(&attr, kernel_address(kernel));
        if (err != cudaSuccess) {
            cudaGetLastError();
            throw std::runtime_error(std::string("cudaFuncGetAttributes(") + gpu::kernel_name(kernel) +
                                     ") failed: " + cudaGetErrorString(err) + " (device " + prop.name +
                                     ", compute capability " + sm + "; built for CUDA architectures " +
                                     GPUSTARK_CUDA_ARCHS + ")");
        }
        pipelines_[k].max_total_threads = static_cast<uint32_t>(attr.maxThreadsPerBlock);
        pipelines_[k].static_scratch_bytes = attr.sharedSizeBytes;
        pipelines_[k].thread_execution_width = 0;  // the device's warp size
        registers_[k] = attr.numRegs;
    }

    // The highest priority: work beside it (begin_beside) takes the lowest, so that a phase's
    // short kernels are scheduled first while long work beside fills what they leave idle.
    int least_priority = 0, greatest_priority = 0;
    GS_CUDA_CHECK(cudaDeviceGetStreamPriorityRange(&least_priority, &greatest_priority));
    cudaStream_t stream = nullptr;
    GS_CUDA_CHECK(cudaStreamCreateWithPriority(&stream, cudaStreamNonBlocking, greatest_priority));
    stream_ = main_stream_ = stream;
    side_priority_ = least_priority;
    if (keep_freed_memory_in_pool(index_)) allocation_stream_ = stream_;
    sink_ = std::make_unique<CudaSink>(stream_);
    device::StagerOptions options;
    options.max_dispatches = 0;  // a CUDA commit submits nothing: no budget, one buffer per wait
    options.max_bytes = 0;
    options.log = log_line;
    stager_ = std::make_unique<device::Stager>(*sink_, options);
    try {
        plan_grind();
    } catch (const std::invalid_argument& e) {
        throw std::runtime_error(std::string("cuda launch plan on ") + prop.name + ": " + e.what());
    }
}

void Device::plan_grind() {
    grind_group_ = lane_plan(gpu::Kernel::PowGrind, uint64_t(1) << 32).group;
    device::DeviceLimits resident = limits_;
    int blocks_per_sm = 0;
    if (cudaOccupancyMaxActiveBlocksPerMultiprocessor(&blocks_per_sm, kernel_address(gpu::Kernel::PowGrind),
                                                      static_cast<int>(grind_group_), 0) == cudaSuccess &&
        blocks_per_sm > 0)
        resident.max_threads_per_core =
            std::min<uint32_t>(resident.max_threads_per_core, uint32_t(blocks_per_sm) * grind_group_);
    else
        cudaGetLastError();
    grind_wave_ = device::resident_threads(resident, grind_group_);
    if (grind_wave_ == 0) grind_wave_ = uint64_t(grind_group_) * std::max<uint32_t>(limits_.core_count, 1);
}

// Windows of about the expected trials: a grind of few bits (WHIR's 5-bit folding grinds) runs
// one block and is done, where a whole wave of resident threads would each run a permutation first;
// a large window is whole waves, which the grid strides over until a hit.
uint64_t Device::grind_window(uint64_t want) {
    const uint64_t window = std::min(std::max<uint64_t>(want, grind_group_), grind_wave_ * 64);
    const uint64_t unit = window < grind_wave_ ? grind_group_ : grind_wave_;
    return (window + unit - 1) / unit * unit;
}

device::LaunchPlan Device::grind_plan(uint64_t lanes) {
    device::Problem work;
    work.items = lanes;
    work.max_group_threads = grind_group_;
    work.max_groups = std::max<uint64_t>(grind_wave_ / grind_group_, 1);
    return plan(gpu::Kernel::PowGrind, work);
}

Device::~Device() {
    // Errors are ignored: at process exit the runtime may already be unloading.
    cudaSetDevice(index_);
    synchronize_streams();
    held_.reset();
    release_ntt_tables();
    if (allocation_stream_) trim_pool(allocation_stream_);  // the pool's cached blocks go back to the driver
    if (staging_) cudaFreeHost(staging_);
    if (side_start_) cudaEventDestroy(side_start_);
    if (side_done_) cudaEventDestroy(side_done_);
    if (side_stream_) cudaStreamDestroy(side_stream_);
    if (main_stream_) cudaStreamDestroy(main_stream_);
    cudaGetLastError();
}

void Device::synchronize_streams() noexcept {
    if (main_stream_) cudaStreamSynchronize(main_stream_);
    if (side_stream_) cudaStreamSynchronize(side_stream_);
    side_pending_ = false;
}

// ---- work beside the queue ----

// GPUSTARK_BESIDE=0: no second stream (phases then do not start such work early either).
bool Device::runs_beside() const { return !env_switched_off("GPUSTARK_BESIDE"); }

void Device::begin_beside() {
    if (!runs_beside()) return;  // in order, on the one stream
    if (!side_stream_) {
        cudaStream_t side = nullptr;
        GS_CUDA_CHECK(cudaStreamCreateWithPriority(&side, cudaStreamNonBlocking, side_priority_));
        side_stream_ = side;
        cudaEvent_t start = nullptr, done = nullptr;
        GS_CUDA_CHECK(cudaEventCreateWithFlags(&start, cudaEventDisableTiming));
        side_start_ = start;
        GS_CUDA_CHECK(cudaEventCreateWithFlags(&done, cudaEventDisableTiming));
        side_done_ = done;
    }
    if (side_depth_++ > 0) return;  // already beside
    GS_CUDA_CHECK(cudaEventRecord(side_start_, main_stream_));
    GS_CUDA_CHECK(cudaStreamWaitEvent(side_stream_, side_start_, 0));
    stream_ = side_stream_;
    // Buffers made beside are ordered, and freed, on the side stream (device_buffer.h).
    if (allocation_stream_) cuda::t_allocation_stream = side_stream_;
}

void Device::end_beside() noexcept {
    if (side_depth_ == 0 || --side_depth_ > 0) return;  // (depth 0: beside is switched off)
    stream_ = main_stream_;
    if (allocation_stream_) cuda::t_allocation_stream = allocation_stream_;
    if (cudaEventRecord(side_done_, side_stream_) == cudaSuccess) {
        side_pending_ = true;
    } else {  // nothing beside can then be waited for by event: wait for it here
        cudaGetLastError();
        cudaStreamSynchronize(side_stream_);
    }
}

void Device::join_beside() {
    if (!side_pending_) return;
    GS_CUDA_CHECK(cudaStreamWaitEvent(main_stream_, side_done_, 0));
    side_pending_ = false;
}

device::LaunchPlan Device::lane_plan(gpu::Kernel k, uint64_t lanes) {
    device::Problem work;
    work.items = lanes;
    work.max_group_threads = kCudaMaxLaneGroup;
    return plan(k, work);
}

device::LaunchPlan Device::plan(gpu::Kernel k, const device::Problem& work) {
    return device::plan(limits_, pipeline_limits(k), work);
}

gpu::LaunchCaps Device::launch_caps() {
    // One wave of resident blocks: enough to fill the device, few enough that the host adds only
    // a few thousand partial sums.
    const uint64_t threads = device::resident_threads(limits_, kCudaMaxLaneGroup);
    gpu::LaunchCaps caps;
    caps.max_lane_group = kCudaMaxLaneGroup;
    caps.reduce_groups = threads == 0 ? kFallbackWaveGroups : std::max<uint64_t>(threads / kCudaMaxLaneGroup, 1);
    caps.scratch_groups = caps.reduce_groups;
    caps.slot_scratch_bytes = kSlotScratchBytes;
    caps.round0_block_elements = round0_block_elements(threads);
    return caps;
}

void Device::activate() const { GS_CUDA_CHECK(cudaSetDevice(index_)); }

// ---- one call ----

Device::Call::Call(Device& device, const char* stage)
    : d_(device), lock_(device.mutex_), before_(device.stager_->totals()),
      exceptions_(std::uncaught_exceptions()), saved_allocation_stream_(cuda::t_allocation_stream),
      saved_allocation_account_(cuda::t_allocation_account) {
    d_.activate();
    cuda::t_allocation_stream = d_.allocation_stream_;  // the call's DeviceBuffers are ordered on its stream
    cuda::t_allocation_account = &d_.memory_account_;   // and counted as this instance's
    d_.h2d_bytes_ = 0;
    d_.d2h_bytes_ = 0;
    d_.stager_->begin_stage(stage);
}

Device::Call::~Call() {
    if (std::uncaught_exceptions() > exceptions_) {
        d_.recover();
    } else if (d_.staging_busy_) {
        // A call that copied through the staging and returned without waiting: wait here, so
        // that the next call can refill the staging while no copy still reads it.
        try {
            d_.finish("staged copies at the end of the call");
        } catch (...) {
            d_.recover();
        }
    }
    try {
        d_.stager_->end_stage();
        gpu::count_call(before_, d_.stager_->totals(), d_.h2d_bytes_, d_.d2h_bytes_);
    } catch (...) {
        // Reporting must not turn a finished call (or an exception in flight) into a crash.
    }
    cuda::t_allocation_stream = saved_allocation_stream_;
    cuda::t_allocation_account = saved_allocation_account_;
}

void Device::drain() noexcept {
    std::lock_guard<std::mutex> lock(mutex_);
    cudaSetDevice(index_);
    // The main stream only: work beside it is waited for by whoever joins it (a phase object
    // that frees what that work reads joins it first, so the wait here covers it).
    if (main_stream_) cudaStreamSynchronize(main_stream_);
    cudaGetLastError();
}

void Device::commit() { stager_->commit(); }

// ---- staging ----

void Device::reserve_staging(size_t bytes) {
    staging_in_ = 0;
    staging_out_ = 0;
    if (bytes <= staging_bytes_) return;
    // Grow by at least a quarter so that slowly growing calls do not reallocate every time
    // (pinning is slow); nothing is in flight here (every call ends with a wait, or recover()).
    size_t want = std::max(bytes, staging_bytes_ + staging_bytes_ / 4);
    want = (want + kStagingGranule - 1) / kStagingGranule * kStagingGranule;
    if (staging_) {
        GS_CUDA_CHECK(cudaFreeHost(staging_));
        staging_ = nullptr;
        staging_bytes_ = 0;
    }
    void* p = nullptr;
    GS_CUDA_CHECK(cudaMallocHost(&p, want));
    staging_ = static_cast<char*>(p);
    staging_bytes_ = want;
}

void Device::upload(void* device_dst, const void* host_src, size_t bytes) {
    if (bytes == 0) return;
    if (staging_in_ + bytes > staging_bytes_) throw std::logic_error("cuda staging: upload beyond the reservation");
    char* pinned = staging_ + staging_in_;
    staging_in_ += gpu::staged_size(bytes);
    h2d_bytes_ += bytes;
    staging_busy_ = true;
    size_t pieces = (bytes + kCopyPiece - 1) / kCopyPiece;
    auto copy = [&](size_t begin, size_t end) {
        // Piece by piece, so the DMA of one piece overlaps the host copy of the next.
        for (size_t i = begin; i < end; ++i) {
            size_t lo = i * kCopyPiece, n = std::min(bytes - lo, kCopyPiece);
            std::memcpy(pinned + lo, static_cast<const char*>(host_src) + lo, n);
            GS_CUDA_CHECK(cudaMemcpyAsync(static_cast<char*>(device_dst) + lo, pinned + lo, n,
                                          cudaMemcpyHostToDevice, stream_));
        }
    };
    if (pieces <= 1) {
        copy(0, pieces);
        return;
    }
    // Worker threads enqueue their pieces themselves; the current device is per thread.
    parallel_for(pieces, 1, [&](size_t begin, size_t end) {
        GS_CUDA_CHECK(cudaSetDevice(index_));
        copy(begin, end);
    });
}

char* Device::take_download_staging(size_t bytes) {
    if (staging_out_ + bytes > staging_bytes_)
        throw std::logic_error("cuda staging: download beyond the reservation");
    char* pinned = staging_ + staging_out_;
    staging_out_ += gpu::staged_size(bytes);
    d2h_bytes_ += bytes;
    staging_busy_ = true;
    return pinned;
}

const void* Device::download(const void* device_src, size_t bytes) {
    char* pinned = take_download_staging(bytes);
    if (bytes) GS_CUDA_CHECK(cudaMemcpyAsync(pinned, device_src, bytes, cudaMemcpyDeviceToHost, stream_));
    return pinned;
}

const void* Device::download_rows(const void* device_src, size_t pitch, size_t row_bytes, size_t rows) {
    size_t bytes = row_bytes * rows;
    if (rows <= 1 || pitch == row_bytes) return download(device_src, bytes);
    if (pitch < row_bytes) throw std::logic_error("cuda download_rows: rows overlap (pitch < row_bytes)");
    char* pinned = take_download_staging(bytes);
    if (pitch <= max_pitch_) {
        GS_CUDA_CHECK(cudaMemcpy2DAsync(pinned, row_bytes, device_src, pitch, row_bytes, rows, cudaMemcpyDeviceToHost,
                                        stream_));
    } else {
        // cudaMemcpy2D refuses pitches beyond the device's limit: one copy per row.
        for (size_t r = 0; r < rows; ++r)
            GS_CUDA_CHECK(cudaMemcpyAsync(pinned + r * row_bytes, static_cast<const char*>(device_src) + r * pitch,
                                          row_bytes, cudaMemcpyDeviceToHost, stream_));
    }
    return pinned;
}

void Device::finish(const char* reason) {
    uint64_t syncs = stager_->totals().sync_count;
    stager_->sync(reason);
    // Stager::sync waits only when a kernel was committed since the last wait; every call
    // dispatches one before it reads, but copies alone must still be waited for.
    if (stager_->totals().sync_count == syncs) GS_CUDA_CHECK(cudaStreamSynchronize(stream_));
    staging_busy_ = false;
}

void Device::recover() noexcept {
    synchronize_streams();
    cudaGetLastError();
    staging_busy_ = false;
    try {
        stager_->sync("recover after error");
    } catch (...) {
    }
    cudaGetLastError();
}

void Device::dispatch(gpu::Kernel k, const device::LaunchPlan& plan, uint64_t bytes,
                           const std::function<int()>& launch) {
    const char* name = gpu::kernel_name(k);
    stager_->dispatch({name, plan, bytes}, [&] {
        cudaError_t err = static_cast<cudaError_t>(launch());
        if (err != cudaSuccess) cuda::check(err, (std::string("launch of ") + name).c_str());
    });
}

// ---- kept between calls ----

DeviceMemory Device::memory() const {
    DeviceMemory m;
    m.tracked = true;
    m.in_use_bytes = memory_account_.in_use.load();
    m.peak_bytes = memory_account_.peak.load();
    if (allocation_stream_) {
        activate();  // the pool is the current device's (its attributes are safe to read from any thread)
        m.cached_bytes = pool_cached_bytes();
    }
    return m;
}

void Device::reset_memory_peak() { memory_account_.peak.store(memory_account_.in_use.load()); }

// ---- held traces ----

namespace {
// Whether [p, p + bytes) starts and ends in page-locked host memory (cudaHostAlloc, cudaMallocHost
// or cudaHostRegister), which the copy engine reads directly.
bool is_page_locked(const void* p, size_t bytes) {
    for (const void* q : {p, static_cast<const void*>(static_cast<const char*>(p) + bytes - 1)}) {
        cudaPointerAttributes a{};
        if (cudaPointerGetAttributes(&a, q) != cudaSuccess) {
            cudaGetLastError();  // not an error of the device's: the pointer is plain host memory
            return false;
        }
        if (a.type != cudaMemoryTypeHost) return false;
    }
    return true;
}
}  // namespace

std::shared_ptr<void> Device::page_locked(size_t bytes) {
    activate();
    void* p = nullptr;
    // Portable: any device (and stream instance) of the process copies from it at full speed.
    GS_CUDA_CHECK(cudaHostAlloc(&p, std::max<size_t>(bytes, 1), cudaHostAllocPortable));
    return std::shared_ptr<void>(p, [](void* q) { cudaFreeHost(q); });
}

void Device::hold_traces(const std::vector<TraceView>& traces) {
    release_traces();
    auto held = std::make_unique<HeldTraces>();
    std::unordered_set<const uint32_t*> direct;  // page-locked: copied from where they are
    size_t staged = 0;
    activate();
    for (const TraceView& t : traces) {
        const size_t bytes = t.height * t.width * sizeof(uint32_t);
        if (bytes == 0 || held->copies.count(t.data)) continue;
        held->copies.emplace(t.data, std::make_pair(bytes, DeviceBuffer()));
        if (is_page_locked(t.data, bytes)) direct.insert(t.data);
        else staged += gpu::staged_size(bytes);
    }
    Call call(*this, "hold_traces");  // holds the lock until the copies are enqueued
    for (auto& [host, copy] : held->copies) copy.second = DeviceBuffer(copy.first);  // before the copies
    if (staged) call.reserve_staging(staged);
    for (auto& [host, copy] : held->copies) {
        if (!direct.count(host)) {
            call.upload(copy.second.data(), host, copy.first);
            continue;
        }
        // The kernels that read the copy queue behind it on the stream; release_traces waits
        // for the stream before the host memory may change.
        GS_CUDA_CHECK(cudaMemcpyAsync(copy.second.data(), host, copy.first, cudaMemcpyHostToDevice, stream_));
        h2d_bytes_ += copy.first;
    }
    if (staged) call.finish("traces held");  // the staging is reused by the next call
    held_ = std::move(held);
}

void Device::release_traces() {
    if (held_) run_traces_released_hooks();  // what was made from the traces and dropped, again
    std::lock_guard<std::mutex> lock(mutex_);
    cudaSetDevice(index_);
    synchronize_streams();  // no queued kernel still reads a copy
    cudaGetLastError();
    held_.reset();
}

const uint32_t* Device::held_trace(const uint32_t* host, size_t bytes) const {
    if (!held_) return nullptr;
    auto it = held_->copies.find(host);
    if (it == held_->copies.end() || it->second.first != bytes) return nullptr;
    return it->second.second.as<uint32_t>();
}

// ---- gpu::Device ----

namespace {
struct CallScope final : gpu::Device::Scope {
    CallScope(Device& device, const char* stage) : call(device, stage) {}
    Device::Call call;
};
}  // namespace

std::unique_ptr<gpu::Device::Scope> Device::open(const char* stage) { return std::make_unique<CallScope>(*this, stage); }

gpu::Buffer Device::adopt(DeviceBuffer buffer) {
    auto owner = std::make_shared<DeviceBuffer>(std::move(buffer));
    void* base = owner->data();
    return {std::move(owner), base, 0};
}

gpu::Buffer Device::allocate(size_t bytes) { return adopt(DeviceBuffer(bytes)); }

gpu::Buffer Device::held(const void* host, size_t bytes) {
    return {nullptr, const_cast<uint32_t*>(held_trace(static_cast<const uint32_t*>(host), bytes)), 0};
}

void Device::upload(const gpu::Buffer& dst, const void* host, size_t bytes) { upload(dst.as<void>(), host, bytes); }

const void* Device::download(const gpu::Buffer& src, size_t bytes) {
    return download(static_cast<const void*>(src.as<void>()), bytes);
}

void Device::dispatch_raw(gpu::Kernel k, const device::LaunchPlan& plan, uint64_t bytes, const gpu::Buffer* buffers,
                          size_t count, const void* params, size_t params_bytes) {
    if (count > kMaxBufferArgs) throw std::invalid_argument("cuda device: too many buffer arguments");
    void* pointers[kMaxBufferArgs] = {};
    for (size_t i = 0; i < count; ++i) pointers[i] = buffers[i].as<void>();
    const KernelArgs args{pointers, count, params, params_bytes};
    dispatch(k, plan, bytes, [&] { return int(launch_entry(k, plan, args, stream_)); });
}

std::shared_ptr<const gpu::CompiledDag> Device::compiled_dag(const DagProgram& program) {
    return compiled_dag_for(program, arch_, limits_.core_count);
}

void Device::dispatch_compiled_base_sums(const gpu::CompiledDag& dag, uint64_t bytes,
                                         std::initializer_list<gpu::Buffer> buffers, const DagBaseSumsParams& params) {
    const auto& compiled = dynamic_cast<const CompiledDag&>(dag);
    if (buffers.size() != 5) throw std::invalid_argument("dispatch_compiled_base_sums: expected 5 buffers");
    const void* pointers[5];
    size_t i = 0;
    for (const gpu::Buffer& b : buffers) pointers[i++] = b.as<void>();
    device::LaunchPlan plan;  // for the stage's counters: the first part's launch
    plan.group = kCompiledDagBlock;
    plan.grid = compiled.parts.empty() ? 0 : compiled.parts.front().grid;
    dispatch(gpu::Kernel::DagBaseSums, plan, bytes,
             [&] { return int(launch_compiled_base_sums(compiled, pointers, &params, sizeof params, stream_)); });
}

void Device::fill_zero(const gpu::Buffer& dst, size_t bytes) {
    if (bytes == 0) return;
    check(cudaMemsetAsync(dst.as<void>(), 0, bytes, stream_), "cudaMemsetAsync (fill_zero)");
}

const void* Device::download_rows(const gpu::Buffer& src, size_t pitch, size_t row_bytes, size_t rows) {
    return download_rows(static_cast<const void*>(src.as<void>()), pitch, row_bytes, rows);
}

void Device::copy(const gpu::Buffer& dst, const gpu::Buffer& src, size_t bytes) {
    if (bytes == 0) return;
    check(cudaMemcpyAsync(dst.as<void>(), src.as<void>(), bytes, cudaMemcpyDeviceToDevice, stream_),
          "cudaMemcpyAsync (device to device)");
}

gpu::Buffer Device::upload_table(const void* host, size_t bytes) {
    gpu::Buffer table = allocate(std::max<size_t>(bytes, sizeof(uint32_t)));
    // On the stream the allocation is ordered on, and waited for (host is pageable memory).
    if (bytes) GS_CUDA_CHECK(cudaMemcpyAsync(table.as<void>(), host, bytes, cudaMemcpyHostToDevice, stream_));
    GS_CUDA_CHECK(cudaStreamSynchronize(stream_));
    return table;
}

cudaError_t launch_entry(gpu::Kernel kernel, const device::LaunchPlan& plan, const KernelArgs& args,
                         cudaStream_t stream) {
    for (auto entry : {launch_poseidon2_entry, launch_merkle_entry, launch_ntt_entry, launch_pow_entry,
                       launch_trace_tables_entry, launch_fraction_tree_entry, launch_stacked_entry, launch_round0_entry,
                       launch_sumcheck_entry, launch_whir_entry, launch_dag_entry}) {
        const cudaError_t err = entry(kernel, plan, args, stream);
        if (err != cudaErrorInvalidDeviceFunction) return err;
    }
    return cudaErrorInvalidDeviceFunction;
}

}  // namespace cuda
}  // namespace gpustark
