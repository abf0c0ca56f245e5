// The CUDA backend: host buffers are copied through pinned staging to reusable device buffers,
// the kernels run on one stream, staged through the shared Stager, and results are copied back
// after the one host wait of each call. Compiled by the host compiler; the kernels and their
// launchers are in the *.cu files beside this one (launch.h).
#include "cuda_backend.h"

#include "../../core/device_ntt_plan.h"
#include "cuda_device.h"
#include "cuda_held_traces.h"
#include "../gpu/phases.h"
#include "device_buffer.h"

#include <cuda_runtime_api.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <exception>
#include <stdexcept>
#include <string>
#include <vector>

#include "../../core/ntt_tables.h"
#include "../../core/parallel.h"
#include "../../core/spans.h"
#include "cuda_ef_tables.h"
#include "cuda_dag.h"
#include "device_buffer.h"
#include "device_memory.h"
#include "launch.h"

#ifndef GPUSTARK_CUDA_ARCHS
#define GPUSTARK_CUDA_ARCHS "unknown"
#endif

#define GS_CUDA_CHECK(call) ::gpustark::cuda::check((call), #call)

namespace gpustark {

namespace {

constexpr uint32_t kMaxLogN = 27;                    // no NTT here is longer than 2^27
constexpr size_t kStagingAlign = 256;                // start of every staged copy
constexpr size_t kStagingGranule = size_t(2) << 20;  // pinned allocations: whole 2 MiB
constexpr size_t kCopyPiece = size_t(4) << 20;       // host copies go in parallel pieces of 4 MiB
// The largest lane count a lane kernel is planned for in info(): a typical big launch.
constexpr uint64_t kInfoLanes = uint64_t(1) << 24;

const void* kernel_address(gpu::Kernel k) {
    if (const void* f = cuda::poseidon2_kernel(k)) return f;
    if (const void* f = cuda::merkle_kernel(k)) return f;
    if (const void* f = cuda::ntt_kernel(k)) return f;
    if (const void* f = cuda::pow_kernel(k)) return f;
    if (const void* f = cuda::sumcheck_kernel(k)) return f;
    if (const void* f = cuda::dag_kernel(k)) return f;
    if (const void* f = cuda::round0_kernel(k)) return f;
    if (const void* f = cuda::trace_tables_kernel_address(k)) return f;
    if (const void* f = cuda::fraction_tree_kernel(k)) return f;
    return cuda::stacked_kernel(k);
}

uint32_t log2_exact(size_t x) {
    uint32_t log = 0;
    while ((size_t(1) << log) < x) ++log;
    return log;
}

// memcpy in pieces over the worker pool (inline when small or already inside a parallel_for).
void host_copy(void* dst, const void* src, size_t bytes) {
    if (bytes == 0) return;
    size_t pieces = (bytes + kCopyPiece - 1) / kCopyPiece;
    if (pieces <= 1) {
        std::memcpy(dst, src, bytes);
        return;
    }
    parallel_for(pieces, 1, [&](size_t begin, size_t end) {
        size_t lo = begin * kCopyPiece, hi = std::min(bytes, end * kCopyPiece);
        std::memcpy(static_cast<char*>(dst) + lo, static_cast<const char*>(src) + lo, hi - lo);
    });
}


void log_line(const std::string& line) { std::fprintf(stderr, "gpustark debug: %s\n", line.c_str()); }

}  // namespace

// ---- CudaSink ----

void CudaSink::encode(const device::Dispatch&, const device::EncodeFn& fn) {
    if (fn) fn();
}

void CudaSink::wait() { GS_CUDA_CHECK(cudaStreamSynchronize(stream_)); }

// ---- one call ----

CudaBackend::Call::Call(CudaBackend& backend, const char* stage)
    : b_(backend), lock_(backend.mutex_), before_(backend.stager_->totals()),
      exceptions_(std::uncaught_exceptions()), saved_allocation_stream_(cuda::t_allocation_stream) {
    b_.activate();
    cuda::t_allocation_stream = b_.allocation_stream_;  // the call's DeviceBuffers are ordered on its stream
    b_.h2d_bytes_ = 0;
    b_.d2h_bytes_ = 0;
    b_.stager_->begin_stage(stage);
}

CudaBackend::Call::~Call() {
    if (std::uncaught_exceptions() > exceptions_) {
        b_.recover();
    } else if (b_.staging_busy_) {
        // A call that copied through the staging and returned without waiting: wait here, so
        // that the next call can refill the staging while no copy still reads it.
        try {
            b_.finish("staged copies at the end of the call");
        } catch (...) {
            b_.recover();
        }
    }
    try {
        b_.stager_->end_stage();
        const device::StageCounters& now = b_.stager_->totals();
        spans::count(CudaCallCounters::kCommandBuffers,
                     int64_t(now.command_buffer_count - before_.command_buffer_count));
        spans::count(CudaCallCounters::kKernels, int64_t(now.kernel_count - before_.kernel_count));
        spans::count(CudaCallCounters::kSyncs, int64_t(now.sync_count - before_.sync_count));
        spans::count(CudaCallCounters::kHostToDevice, int64_t(b_.h2d_bytes_));
        spans::count(CudaCallCounters::kDeviceToHost, int64_t(b_.d2h_bytes_));
    } catch (...) {
        // Reporting must not turn a finished call (or an exception in flight) into a crash.
    }
    cuda::t_allocation_stream = saved_allocation_stream_;
}

void CudaBackend::Call::commit() { b_.stager_->commit(); }

void CudaBackend::drain() noexcept {
    std::lock_guard<std::mutex> lock(mutex_);
    cudaSetDevice(device_);
    if (stream_) cudaStreamSynchronize(stream_);
    cudaGetLastError();
}

// ---- construction and limits ----

CudaBackend::CudaBackend(int device) : device_(device), phase_device_(std::make_unique<cuda::Device>(*this)) {
    GS_CUDA_CHECK(cudaSetDevice(device_));
    cudaDeviceProp prop{};
    GS_CUDA_CHECK(cudaGetDeviceProperties(&prop, device_));
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

    int kernel_regs[gpu::kKernelCount] = {};
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
        kernel_regs[k] = attr.numRegs;
    }

    // Plan once here so that limits the planner rejects make the backend unavailable with a
    // reason instead of failing on the first call; info() reports these plans.
    device::LaunchPlan info_plans[gpu::kKernelCount];
    device::NttBlockPlan ntt_block{};
    std::string ntt_block_note;
    try {
        for (int k = 0; k < gpu::kKernelCount; ++k)
            if (static_cast<gpu::Kernel>(k) != gpu::Kernel::NttBlock)
                info_plans[k] = lane_plan(static_cast<gpu::Kernel>(k), kInfoLanes);
        // One block size for every grind window, and a window of whole waves of resident
        // threads: the occupancy API says how many such blocks fit one SM at once.
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
    } catch (const std::invalid_argument& e) {
        throw std::runtime_error(std::string("cuda launch plan on ") + prop.name + ": " + e.what());
    }
    try {
        ntt_block = device::plan_ntt_block(limits_, pipeline_limits(gpu::Kernel::NttBlock), kMaxLogN, 1);
    } catch (const std::invalid_argument& e) {
        ntt_block_note = e.what();  // every NTT then runs per-stage kernels only
    }

    cudaStream_t stream = nullptr;
    GS_CUDA_CHECK(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking));
    stream_ = stream;
    if (cuda::keep_freed_memory_in_pool(device_)) allocation_stream_ = stream_;
    sink_ = std::make_unique<CudaSink>(stream_);
    device::StagerOptions options;
    options.max_dispatches = 0;  // a CUDA commit submits nothing: no budget, one buffer per wait
    options.max_bytes = 0;
    options.log = log_line;
    stager_ = std::make_unique<device::Stager>(*sink_, options);

    int runtime_version = 0, driver_version = 0;
    cudaRuntimeGetVersion(&runtime_version);
    cudaDriverGetVersion(&driver_version);
    auto version = [](int v) { return std::to_string(v / 1000) + "." + std::to_string(v % 1000 / 10); };

    info_.backend = "cuda";
    info_.name = prop.name;
    auto& m = info_.limits;
    m["device_index"] = std::to_string(device_);
    m["compute_capability"] = sm;
    m["global_memory_bytes"] = std::to_string(prop.totalGlobalMem);
    m["multiprocessors"] = std::to_string(prop.multiProcessorCount);
    m["max_threads_per_multiprocessor"] = std::to_string(prop.maxThreadsPerMultiProcessor);
    m["max_threads_per_block"] = std::to_string(prop.maxThreadsPerBlock);
    m["max_grid_x"] = std::to_string(prop.maxGridSize[0]);
    m["shared_mem_per_block"] = std::to_string(prop.sharedMemPerBlock);
    m["warp_size"] = std::to_string(prop.warpSize);
    m["cuda_runtime"] = version(runtime_version);
    m["cuda_driver"] = version(driver_version);
    m["built_architectures"] = GPUSTARK_CUDA_ARCHS;
    m["lane_group_cap"] = std::to_string(kCudaMaxLaneGroup);
    m["ntt_log_block"] = std::to_string(ntt_block.log_block);
    m["ntt_block_threads"] = std::to_string(ntt_block.lanes);
    m["ntt_scratch_bytes"] = std::to_string(ntt_block.scratch_bytes);
    if (!ntt_block_note.empty()) m["ntt_block_unavailable"] = ntt_block_note;
    m["grind_block_threads"] = std::to_string(grind_group_);
    m["grind_wave_threads"] = std::to_string(grind_wave_);
    for (int k = 0; k < gpu::kKernelCount; ++k) {
        std::string name = gpu::kernel_name(static_cast<gpu::Kernel>(k));
        m["kernel." + name + ".max_threads_per_block"] = std::to_string(pipelines_[k].max_total_threads);
        m["kernel." + name + ".static_shared_bytes"] = std::to_string(pipelines_[k].static_scratch_bytes);
        m["kernel." + name + ".registers"] = std::to_string(kernel_regs[k]);
        // The block of a large launch (2^24 lanes; the block NTT's own plan for 2^27 rows).
        m["kernel." + name + ".block_threads"] = std::to_string(
            static_cast<gpu::Kernel>(k) == gpu::Kernel::NttBlock ? ntt_block.lanes : info_plans[k].group);
    }
}

CudaBackend::~CudaBackend() {
    // Errors are ignored: at process exit the runtime may already be unloading.
    cudaSetDevice(device_);
    if (stream_) cudaStreamSynchronize(stream_);
    held_.reset();
    free_kept_memory();
    if (allocation_stream_) cuda::trim_pool(allocation_stream_);  // the pool's cached blocks go back to the driver
    if (staging_) cudaFreeHost(staging_);
    if (stream_) cudaStreamDestroy(stream_);
    cudaGetLastError();
}

DeviceInfo CudaBackend::info() const { return info_; }

device::LaunchPlan CudaBackend::lane_plan(gpu::Kernel k, uint64_t lanes) const {
    device::Problem work;
    work.items = lanes;
    work.max_group_threads = kCudaMaxLaneGroup;
    return plan(k, work);
}

device::LaunchPlan CudaBackend::plan(gpu::Kernel k, const device::Problem& work) const {
    return device::plan(limits_, pipeline_limits(k), work);
}

void CudaBackend::activate() const { GS_CUDA_CHECK(cudaSetDevice(device_)); }

uint32_t* CudaBackend::slot(Slot s, size_t words) {
    words = std::max<size_t>(words, 1);
    if (slot_words_[s] < words) {
        if (slots_[s]) {
            GS_CUDA_CHECK(cuda::counted_free(slots_[s], slot_words_[s] * sizeof(uint32_t), allocation_stream_));
            slots_[s] = nullptr;
            slot_words_[s] = 0;
        }
        void* p = nullptr;
        GS_CUDA_CHECK(cuda::counted_malloc(&p, words * sizeof(uint32_t), allocation_stream_));
        slots_[s] = static_cast<uint32_t*>(p);
        slot_words_[s] = words;
    }
    return slots_[s];
}

// ---- staging ----

size_t CudaBackend::staged_size(size_t bytes) { return (bytes + kStagingAlign - 1) / kStagingAlign * kStagingAlign; }

void CudaBackend::reserve_staging(size_t bytes) {
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

void CudaBackend::upload(void* device_dst, const void* host_src, size_t bytes) {
    if (bytes == 0) return;
    if (staging_in_ + bytes > staging_bytes_) throw std::logic_error("cuda staging: upload beyond the reservation");
    char* pinned = staging_ + staging_in_;
    staging_in_ += staged_size(bytes);
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
        GS_CUDA_CHECK(cudaSetDevice(device_));
        copy(begin, end);
    });
}

char* CudaBackend::take_download_staging(size_t bytes) {
    if (staging_out_ + bytes > staging_bytes_)
        throw std::logic_error("cuda staging: download beyond the reservation");
    char* pinned = staging_ + staging_out_;
    staging_out_ += staged_size(bytes);
    d2h_bytes_ += bytes;
    staging_busy_ = true;
    return pinned;
}

const void* CudaBackend::download(const void* device_src, size_t bytes) {
    char* pinned = take_download_staging(bytes);
    if (bytes) GS_CUDA_CHECK(cudaMemcpyAsync(pinned, device_src, bytes, cudaMemcpyDeviceToHost, stream_));
    return pinned;
}

const void* CudaBackend::download_rows(const void* device_src, size_t pitch, size_t row_bytes, size_t rows) {
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

void CudaBackend::finish(const char* reason) {
    uint64_t syncs = stager_->totals().sync_count;
    stager_->sync(reason);
    // Stager::sync waits only when a kernel was committed since the last wait; every call
    // dispatches one before it reads, but copies alone must still be waited for.
    if (stager_->totals().sync_count == syncs) GS_CUDA_CHECK(cudaStreamSynchronize(stream_));
    staging_busy_ = false;
}

void CudaBackend::recover() noexcept {
    cudaStreamSynchronize(stream_);
    cudaGetLastError();
    staging_busy_ = false;
    try {
        stager_->sync("recover after error");
    } catch (...) {
    }
    cudaGetLastError();
}

void CudaBackend::dispatch(gpu::Kernel k, const device::LaunchPlan& plan, uint64_t bytes,
                           const std::function<int()>& launch) {
    const char* name = gpu::kernel_name(k);
    stager_->dispatch({name, plan, bytes}, [&] {
        cudaError_t err = static_cast<cudaError_t>(launch());
        if (err != cudaSuccess) cuda::check(err, (std::string("launch of ") + name).c_str());
    });
}

// ---- primitives ----

void CudaBackend::poseidon2_permute(uint32_t* states, size_t count) {
    if (count == 0) return;
    Call call(*this, "poseidon2_permute");
    size_t bytes = count * GS_P2_WIDTH * sizeof(uint32_t);
    reserve_staging(staged_size(bytes));
    uint32_t* d = slot(kSlotA, count * GS_P2_WIDTH);
    upload(d, states, bytes);
    device::LaunchPlan plan = lane_plan(gpu::Kernel::Poseidon2Permute, count);
    dispatch(gpu::Kernel::Poseidon2Permute, plan, 2 * bytes,
             [&] { return cuda::launch_poseidon2_permute(d, count, plan, stream_); });
    const void* out = download(d, bytes);
    finish("copy back");
    host_copy(states, out, bytes);
}

void CudaBackend::hash_rows(const uint32_t* matrix, size_t rows, uint32_t width, uint32_t* digests) {
    if (rows == 0) return;
    Call call(*this, "hash_rows");
    size_t in_bytes = rows * size_t(width) * sizeof(uint32_t), out_bytes = rows * GS_DIGEST_WIDTH * sizeof(uint32_t);
    reserve_staging(std::max(staged_size(in_bytes), staged_size(out_bytes)));
    uint32_t* d_matrix = slot(kSlotA, rows * size_t(width));
    uint32_t* d_digests = slot(kSlotB, rows * GS_DIGEST_WIDTH);
    upload(d_matrix, matrix, in_bytes);
    device::LaunchPlan plan = lane_plan(gpu::Kernel::HashRows, rows);
    dispatch(gpu::Kernel::HashRows, plan, in_bytes + out_bytes,
             [&] { return cuda::launch_hash_rows(d_matrix, rows, width, d_digests, plan, stream_); });
    const void* out = download(d_digests, out_bytes);
    finish("copy back");
    host_copy(digests, out, out_bytes);
}

void CudaBackend::compress(const uint32_t* left, const uint32_t* right, size_t count, uint32_t* out) {
    if (count == 0) return;
    Call call(*this, "compress");
    size_t words = count * GS_DIGEST_WIDTH, bytes = words * sizeof(uint32_t);
    reserve_staging(2 * staged_size(bytes));
    uint32_t* d_left = slot(kSlotA, words);
    uint32_t* d_right = slot(kSlotB, words);
    uint32_t* d_out = slot(kSlotC, words);
    upload(d_left, left, bytes);
    upload(d_right, right, bytes);
    device::LaunchPlan plan = lane_plan(gpu::Kernel::Compress, count);
    dispatch(gpu::Kernel::Compress, plan, 3 * bytes,
             [&] { return cuda::launch_compress(d_left, d_right, count, d_out, plan, stream_); });
    const void* staged = download(d_out, bytes);
    finish("copy back");
    host_copy(out, staged, bytes);
}

void CudaBackend::ntt(uint32_t* data, NttShape shape, bool inverse, uint32_t shift) {
    // n = 1: the transform, 1/n and shift^0 are all the identity.
    if (shape.log_n == 0 || shape.batch == 0) return;
    if (shape.log_n > kMaxLogN) throw std::invalid_argument("cuda ntt: log_n must be <= 27");
    uint64_t n = uint64_t(1) << shape.log_n;
    uint64_t words = n * shape.batch;
    if (words > 0x100000000ull)
        throw std::invalid_argument("cuda ntt: n * batch = " + std::to_string(words) +
                                    " exceeds the 2^32 elements the kernels index");
    Call call(*this, "ntt");
    size_t bytes = size_t(words) * sizeof(uint32_t);

    // The scale table (one cached (log_n, inverse, shift) entry) travels with the data through
    // the staging; twiddles come from the per-(log_n, inverse) device cache.
    uint32_t scale_key[3] = {shape.log_n, inverse ? 1u : 0u, shift};
    bool scale_hit = scale_valid_ && std::equal(scale_key, scale_key + 3, scale_key_);
    std::vector<uint32_t> scale_host;
    if (!scale_hit) scale_host = ntt_scale_factors(shape.log_n, inverse, shift);
    // Every device allocation before the first copy: cudaFree (growing a buffer) waits for the
    // whole device, which must not include this call's own copies.
    const uint32_t* d_twiddles = device_twiddles(shape.log_n, inverse);
    reserve_staging(staged_size(bytes) + staged_size(scale_host.size() * 4));
    uint32_t* d = slot(kSlotA, words);
    if (!scale_host.empty() && scale_words_ < scale_host.size()) {
        scale_valid_ = false;
        GS_CUDA_CHECK(cuda::counted_free(scale_ptr_, scale_words_ * sizeof(uint32_t), allocation_stream_));
        scale_ptr_ = nullptr;
        scale_words_ = 0;
        void* raw = nullptr;
        GS_CUDA_CHECK(cuda::counted_malloc(&raw, scale_host.size() * sizeof(uint32_t), allocation_stream_));
        scale_ptr_ = static_cast<uint32_t*>(raw);
        scale_words_ = scale_host.size();
    }
    if (!scale_hit) {
        scale_valid_ = false;
        if (!scale_host.empty()) upload(scale_ptr_, scale_host.data(), scale_host.size() * sizeof(uint32_t));
        scale_any_ = !scale_host.empty();
        std::copy(scale_key, scale_key + 3, scale_key_);
        scale_valid_ = true;
    }
    upload(d, data, bytes);
    ntt_on_device(d, shape, inverse, d_twiddles, scale_any_ ? scale_ptr_ : nullptr);
    const void* out = download(d, bytes);
    finish("copy back");
    host_copy(data, out, bytes);
}

const uint32_t* CudaBackend::device_twiddles(uint32_t log_n, bool inverse) {
    auto key = std::make_pair(log_n, inverse);
    auto cached = twiddle_cache_.find(key);
    if (cached != twiddle_cache_.end()) return cached->second;
    std::vector<uint32_t> host = ntt_twiddles(log_n, inverse);
    void* raw = nullptr;
    const size_t bytes = std::max<size_t>(host.size(), 1) * sizeof(uint32_t);
    GS_CUDA_CHECK(cuda::counted_malloc(&raw, bytes, allocation_stream_));
    // On the stream the allocation is ordered on, and waited for (host is pageable memory).
    cudaError_t err =
        cudaMemcpyAsync(raw, host.data(), host.size() * sizeof(uint32_t), cudaMemcpyHostToDevice, stream_);
    if (err == cudaSuccess) err = cudaStreamSynchronize(stream_);
    if (err != cudaSuccess) {
        cuda::counted_free(raw, bytes, allocation_stream_);
        GS_CUDA_CHECK(err);
    }
    twiddle_cache_[key] = static_cast<uint32_t*>(raw);
    twiddle_bytes_[key] = bytes;
    return static_cast<uint32_t*>(raw);
}

void CudaBackend::ntt_on_device(uint32_t* d, NttShape shape, bool inverse, const uint32_t* twiddles,
                                const uint32_t* factors) {
    if (shape.log_n == 0 || shape.batch == 0) return;
    const uint64_t words = (uint64_t(1) << shape.log_n) * shape.batch, bytes = words * sizeof(uint32_t);
    // Block passes in shared memory, each as many stages as fit a block (core/device_ntt_plan.h);
    // a transform that fits one block (round 0's size-2^l_skip ones) is that one kernel.
    const DeviceNttPlan ntt =
        plan_device_ntt(limits_, pipeline_limits(gpu::Kernel::NttBlock), shape, inverse, factors != nullptr);
    auto block_pass = [&](size_t i, const uint32_t* pass_factors) {
        const NttParams p = ntt.pass_params(i);
        const device::NttBlockPlan& block = ntt.passes[i].block;
        dispatch(gpu::Kernel::NttBlock, device::as_launch_plan(block), 2 * bytes,
                 [&] { return cuda::launch_ntt_block(d, twiddles, pass_factors, p, block, stream_); });
    };
    if (ntt.single_pass) return block_pass(0, factors);
    NttParams p = ntt.params;
    const uint64_t elements = cuda::ntt_lanes(p, gpu::Kernel::NttScale);
    auto scale_pass = [&] {
        device::LaunchPlan plan = lane_plan(gpu::Kernel::NttScale, elements);
        dispatch(gpu::Kernel::NttScale, plan, 3 * bytes,
                 [&] { return cuda::launch_ntt_scale(d, factors, p, plan, stream_); });
    };
    if (factors && !inverse) scale_pass();
    {
        device::LaunchPlan plan = lane_plan(gpu::Kernel::NttBitReverse, elements);
        dispatch(gpu::Kernel::NttBitReverse, plan, 2 * bytes,
                 [&] { return cuda::launch_ntt_bit_reverse(d, p, plan, stream_); });
    }
    for (size_t i = 0; i < ntt.passes.size(); ++i) block_pass(i, nullptr);
    if (ntt.passes.empty()) {
        device::LaunchPlan plan = lane_plan(gpu::Kernel::NttStage, cuda::ntt_lanes(p, gpu::Kernel::NttStage));
        for (uint32_t stage = 0; stage < shape.log_n; ++stage) {
            p.stage = stage;
            dispatch(gpu::Kernel::NttStage, plan, 2 * bytes,
                     [&] { return cuda::launch_ntt_stage(d, twiddles, p, plan, stream_); });
        }
    }
    if (factors && inverse) scale_pass();
}

void CudaBackend::merkle_on_device(const uint32_t* d_matrix, size_t rows, uint32_t width, uint32_t log_group,
                                   uint32_t* d_levels, const std::vector<size_t>& offsets) {
    const uint32_t log_rows = log2_exact(rows);
    MerkleParams p{};
    p.width = width;
    {
        device::LaunchPlan plan = lane_plan(gpu::Kernel::MerkleLeaves, rows);
        dispatch(gpu::Kernel::MerkleLeaves, plan, rows * size_t(width) * 4 + rows * 32,
                 [&] { return cuda::launch_merkle_leaves(d_matrix, rows, p, d_levels, plan, stream_); });
    }
    size_t query_stride = rows >> log_group;
    for (uint32_t k = 0; k < log_rows; ++k) {
        p.child_stride = static_cast<uint32_t>(k < log_group ? query_stride : 1);
        uint64_t nodes = rows >> (k + 1);
        device::LaunchPlan plan = lane_plan(gpu::Kernel::MerkleCompress, nodes);
        dispatch(gpu::Kernel::MerkleCompress, plan, nodes * 96, [&] {
            return cuda::launch_merkle_compress(d_levels + offsets[k], nodes, p, d_levels + offsets[k + 1], plan,
                                                stream_);
        });
    }
}

// The tree of a matrix and levels filled by the call's enqueued kernels: its root comes back (the
// call's one wait); the matrix and levels stay on the device, in the tree's store.
MerkleTree CudaBackend::keep_tree(cuda::DeviceBuffer matrix, cuda::DeviceBuffer levels, size_t rows, uint32_t width,
                                  uint32_t log_group, const std::vector<size_t>& offsets) {
    const uint32_t log_rows = log2_exact(rows);
    const uint32_t* root = static_cast<const uint32_t*>(
        download(levels.as<uint32_t>() + offsets[log_rows], GS_DIGEST_WIDTH * sizeof(uint32_t)));
    finish("merkle root");
    MerkleTree tree;
    tree.rows = rows;
    tree.width = width;
    tree.log_group = log_group;
    tree.root_digest.assign(root, root + GS_DIGEST_WIDTH);
    tree.store = gpu::merkle_store(*phase_device_, cuda::Device::adopt(std::move(matrix)),
                                   cuda::Device::adopt(std::move(levels)), rows, width, offsets);
    return tree;
}

MerkleTree CudaBackend::merkle_tree(const uint32_t* matrix, size_t rows, uint32_t width, uint32_t log_group) {
    check_device_tree_shape(rows, log_group, "cuda merkle_tree");
    const std::vector<size_t> offsets = merkle_level_offsets(rows, log2_exact(rows));
    const size_t total = offsets.back(), in_words = rows * size_t(width);
    Call call(*this, "merkle_tree");
    cuda::DeviceBuffer d_matrix(in_words * 4), d_levels(total * 4);
    reserve_staging(std::max(staged_size(in_words * 4), staged_size(GS_DIGEST_WIDTH * 4)));
    upload(d_matrix.data(), matrix, in_words * 4);
    merkle_on_device(d_matrix.as<uint32_t>(), rows, width, log_group, d_levels.as<uint32_t>(), offsets);
    return keep_tree(std::move(d_matrix), std::move(d_levels), rows, width, log_group, offsets);
}

MerkleTree CudaBackend::encode_and_commit(const uint32_t* message, size_t message_rows, uint32_t width,
                                          uint32_t log_rows, uint32_t log_group) {
    const size_t rows = size_t(1) << log_rows;
    if (log_rows > kMaxLogN || message_rows > rows)
        throw std::invalid_argument("cuda encode_and_commit: the message must fit 2^log_rows <= 2^27 rows");
    const size_t in_words = message_rows * size_t(width);
    Call call(*this, "encode_and_commit");
    const uint32_t* twiddles = device_twiddles(log_rows, false);
    cuda::DeviceBuffer d_code(rows * size_t(width) * 4);
    reserve_staging(std::max(staged_size(in_words * 4), staged_size(GS_DIGEST_WIDTH * 4)));
    upload(d_code.data(), message, in_words * 4);
    return commit_codeword(std::move(d_code), message_rows, width, log_rows, log_group, twiddles);
}

MerkleTree CudaBackend::commit_codeword(cuda::DeviceBuffer code, size_t message_rows, uint32_t width, uint32_t log_rows,
                                        uint32_t log_group, const uint32_t* twiddles) {
    const size_t rows = size_t(1) << log_rows;
    check_device_tree_shape(rows, log_group, "cuda encode_and_commit");
    if (uint64_t(rows) * width > 0x100000000ull)
        throw std::invalid_argument("cuda encode_and_commit: rows * width exceeds the 2^32 elements the kernels index");
    const std::vector<size_t> offsets = merkle_level_offsets(rows, log_rows);
    const size_t words = rows * size_t(width), in_words = message_rows * size_t(width);
    cuda::DeviceBuffer d_levels(offsets.back() * 4);
    // Rows beyond the message are zero: the codeword of a degree < message_rows polynomial.
    GS_CUDA_CHECK(cudaMemsetAsync(code.as<uint32_t>() + in_words, 0, (words - in_words) * 4, stream_));
    ntt_on_device(code.as<uint32_t>(), {log_rows, width}, false, twiddles, nullptr);
    merkle_on_device(code.as<uint32_t>(), rows, width, log_group, d_levels.as<uint32_t>(), offsets);
    return keep_tree(std::move(code), std::move(d_levels), rows, width, log_group, offsets);
}

uint32_t CudaBackend::grind(const PowParams& params) {
    Call call(*this, "grind");
    // About four times the expected number of trials, so one window usually holds a hit; at
    // least one wave of resident threads and at most 64, in whole waves. Each window is one
    // wave of blocks whose threads stride over it.
    uint64_t want = uint64_t(4) << std::min<uint32_t>(params.bits, 40);
    uint64_t window = std::min(std::max(want, grind_wave_), grind_wave_ * 64);
    window = (window + grind_wave_ - 1) / grind_wave_ * grind_wave_;

    reserve_staging(kStagingAlign);
    uint32_t* d_best = slot(kSlotResult, 1);
    GS_CUDA_CHECK(cudaMemsetAsync(d_best, 0xff, sizeof(uint32_t), stream_));
    PowParams p = params;
    for (uint64_t first = 0; first < GS_P; first += window) {
        uint64_t lanes = std::min<uint64_t>(window, GS_P - first);
        p.first_witness = static_cast<uint32_t>(first);
        device::Problem work;
        work.items = lanes;
        work.max_group_threads = grind_group_;
        work.max_groups = std::max<uint64_t>(grind_wave_ / grind_group_, 1);
        device::LaunchPlan plan = device::plan(limits_, pipeline_limits(gpu::Kernel::PowGrind), work);
        dispatch(gpu::Kernel::PowGrind, plan, 0,
                 [&] { return cuda::launch_pow_grind(p, lanes, d_best, plan, stream_); });
        staging_out_ = 0;  // each window reads the same word
        const uint32_t* staged = static_cast<const uint32_t*>(download(d_best, sizeof(uint32_t)));
        finish("grind window result");
        uint32_t best = *staged;
        if (best != 0xffffffffu) return best;
    }
    throw std::runtime_error("cuda grind: no witness in [0, p) passes " + std::to_string(params.bits) + " bits");
}

std::unique_ptr<EfTables> CudaBackend::ef_tables(const Ef* values, size_t count, size_t length) {
    return make_cuda_ef_tables(*this, values, count, length);
}

DeviceMemory CudaBackend::device_memory() const {
    DeviceMemory m;
    m.tracked = true;
    m.in_use_bytes = cuda::g_device_bytes_in_use.load();
    m.peak_bytes = cuda::g_device_bytes_peak.load();
    if (allocation_stream_) {
        activate();  // the pool is the current device's (its attributes are safe to read from any thread)
        m.cached_bytes = cuda::pool_cached_bytes();
    }
    return m;
}

void CudaBackend::reset_device_memory_peak() { cuda::g_device_bytes_peak.store(cuda::g_device_bytes_in_use.load()); }

int CudaBackend::free_kept_memory() {
    cudaError_t first = cudaSuccess;
    auto free_one = [&](void* ptr, size_t bytes) {
        const cudaError_t err = cuda::counted_free(ptr, bytes, allocation_stream_);
        if (first == cudaSuccess) first = err;
    };
    for (int s = 0; s < kSlotCount; ++s) {
        free_one(slots_[s], slot_words_[s] * sizeof(uint32_t));
        slots_[s] = nullptr;
        slot_words_[s] = 0;
    }
    for (auto& entry : twiddle_cache_) free_one(entry.second, twiddle_bytes_[entry.first]);
    twiddle_cache_.clear();
    twiddle_bytes_.clear();
    free_one(scale_ptr_, scale_words_ * sizeof(uint32_t));
    scale_ptr_ = nullptr;
    scale_words_ = 0;
    scale_valid_ = false;
    return first;
}

void CudaBackend::release_cached_memory() {
    Call call(*this, "release_cached_memory");
    // The frees are ordered after the queued work (cudaFree waits for the device without a pool),
    // and trim_pool waits for the stream before it trims.
    GS_CUDA_CHECK(static_cast<cudaError_t>(free_kept_memory()));
    if (allocation_stream_) cuda::trim_pool(allocation_stream_);  // the pool's free blocks to the driver
}

void CudaBackend::dag_base_sums(const DagBinding& dag, const DagBasePoints& points, DagSums* out) {
    cuda_dag_base_sums(*this, dag, points, out);
}

std::unique_ptr<FractionTree> CudaBackend::fraction_tree(const Ef* p, const Ef* q, size_t leaves) {
    return gpu::fraction_tree(*phase_device_, p, q, leaves);
}

std::unique_ptr<EfTables> CudaBackend::trace_tables(const TraceTablesInput& in) {
    return gpu::trace_tables(*phase_device_, in);
}

void register_cuda_backend() {
    register_backend("cuda", []() -> std::unique_ptr<Backend> {
        int count = 0;
        cudaError_t err = cudaGetDeviceCount(&count);
        if (err != cudaSuccess) {
            cudaGetLastError();
            throw std::runtime_error(std::string("no CUDA device: cudaGetDeviceCount failed: ") +
                                     cudaGetErrorString(err) + " (" + cudaGetErrorName(err) + ")");
        }
        if (count <= 0) throw std::runtime_error("no CUDA device: cudaGetDeviceCount returned 0");
        return std::make_unique<CudaBackend>(0);
    });
}

}  // namespace gpustark
