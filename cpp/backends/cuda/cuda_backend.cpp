// The CUDA backend's primitives: host buffers are copied through the device's pinned staging to
// its reusable device buffers, the kernels run on its one stream, and results are copied back
// after the one host wait of each call. Compiled by the host compiler; the device is
// cuda_device.cpp, the kernels and their launchers the *.cu files beside this one (launch.h).
#include "cuda_backend.h"

#include <cuda_runtime_api.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "../../core/device_ntt_plan.h"
#include "../../core/ntt_tables.h"
#include "../../core/parallel.h"
#include "../gpu/phases.h"
#include "device_buffer.h"
#include "device_memory.h"
#include "launch.h"

namespace gpustark {

namespace {

constexpr uint32_t kMaxLogN = 27;                    // no NTT here is longer than 2^27
constexpr size_t kCopyPiece = size_t(4) << 20;       // host copies go in parallel pieces of 4 MiB
// The largest lane count a lane kernel is planned for in info(): a typical big launch.
constexpr uint64_t kInfoLanes = uint64_t(1) << 24;

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

}  // namespace

// ---- construction ----

CudaBackend::CudaBackend(int device) : device_(std::make_unique<cuda::Device>(device)) {
    cuda::Device::BackendSteps steps;
    steps.commit_message = [this](const void* message, size_t message_rows, uint32_t width, uint32_t log_rows,
                                  uint32_t log_group) {
        return commit_message(message, message_rows, width, log_rows, log_group);
    };
    device_->set_backend_steps(std::move(steps));
    cudaDeviceProp prop{};
    GS_CUDA_CHECK(cudaGetDeviceProperties(&prop, device));
    const std::string sm = std::to_string(prop.major) + "." + std::to_string(prop.minor);

    // Plan once here so that limits the planner rejects make the backend unavailable with a
    // reason instead of failing on the first call; info() reports these plans.
    device::LaunchPlan info_plans[gpu::kKernelCount];
    device::NttBlockPlan ntt_block{};
    std::string ntt_block_note;
    try {
        for (int k = 0; k < gpu::kKernelCount; ++k)
            if (static_cast<gpu::Kernel>(k) != gpu::Kernel::NttBlock)
                info_plans[k] = device_->lane_plan(static_cast<gpu::Kernel>(k), kInfoLanes);
        // One block size for every grind window, and a window of whole waves of resident
        // threads: the occupancy API says how many such blocks fit one SM at once.
        grind_group_ = device_->lane_plan(gpu::Kernel::PowGrind, uint64_t(1) << 32).group;
        device::DeviceLimits resident = device_->limits();
        int blocks_per_sm = 0;
        if (cudaOccupancyMaxActiveBlocksPerMultiprocessor(&blocks_per_sm, cuda::kernel_address(gpu::Kernel::PowGrind),
                                                          static_cast<int>(grind_group_), 0) == cudaSuccess &&
            blocks_per_sm > 0)
            resident.max_threads_per_core =
                std::min<uint32_t>(resident.max_threads_per_core, uint32_t(blocks_per_sm) * grind_group_);
        else
            cudaGetLastError();
        grind_wave_ = device::resident_threads(resident, grind_group_);
        if (grind_wave_ == 0) grind_wave_ = uint64_t(grind_group_) * std::max<uint32_t>(device_->limits().core_count, 1);
    } catch (const std::invalid_argument& e) {
        throw std::runtime_error(std::string("cuda launch plan on ") + prop.name + ": " + e.what());
    }
    try {
        ntt_block = device::plan_ntt_block(device_->limits(), device_->pipeline_limits(gpu::Kernel::NttBlock), kMaxLogN, 1);
    } catch (const std::invalid_argument& e) {
        ntt_block_note = e.what();  // every NTT then runs per-stage kernels only
    }

    int runtime_version = 0, driver_version = 0;
    cudaRuntimeGetVersion(&runtime_version);
    cudaDriverGetVersion(&driver_version);
    auto version = [](int v) { return std::to_string(v / 1000) + "." + std::to_string(v % 1000 / 10); };

    info_.backend = "cuda";
    info_.name = prop.name;
    auto& m = info_.limits;
    m["device_index"] = std::to_string(device);
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
        m["kernel." + name + ".max_threads_per_block"] = std::to_string(device_->pipeline_limits(gpu::Kernel(k)).max_total_threads);
        m["kernel." + name + ".static_shared_bytes"] = std::to_string(device_->pipeline_limits(gpu::Kernel(k)).static_scratch_bytes);
        m["kernel." + name + ".registers"] = std::to_string(device_->registers(gpu::Kernel(k)));
        // The block of a large launch (2^24 lanes; the block NTT's own plan for 2^27 rows).
        m["kernel." + name + ".block_threads"] = std::to_string(
            static_cast<gpu::Kernel>(k) == gpu::Kernel::NttBlock ? ntt_block.lanes : info_plans[k].group);
    }
}

CudaBackend::~CudaBackend() {
    // The device waits for its stream before it frees; the scale table goes first.
    device_->drain();
    free_kept_memory();
}

DeviceInfo CudaBackend::info() const { return info_; }

// ---- primitives ----

void CudaBackend::poseidon2_permute(uint32_t* states, size_t count) {
    if (count == 0) return;
    Call call(*this, "poseidon2_permute");
    size_t bytes = count * GS_P2_WIDTH * sizeof(uint32_t);
    device_->reserve_staging(staged_size(bytes));
    uint32_t* d = device_->slot(cuda::Device::kSlotA, count * GS_P2_WIDTH);
    device_->upload(d, states, bytes);
    device::LaunchPlan plan = lane_plan(gpu::Kernel::Poseidon2Permute, count);
    device_->dispatch(gpu::Kernel::Poseidon2Permute, plan, 2 * bytes,
             [&] { return cuda::launch_poseidon2_permute(d, count, plan, device_->stream()); });
    const void* out = device_->download(d, bytes);
    device_->finish("copy back");
    host_copy(states, out, bytes);
}

void CudaBackend::hash_rows(const uint32_t* matrix, size_t rows, uint32_t width, uint32_t* digests) {
    if (rows == 0) return;
    Call call(*this, "hash_rows");
    size_t in_bytes = rows * size_t(width) * sizeof(uint32_t), out_bytes = rows * GS_DIGEST_WIDTH * sizeof(uint32_t);
    device_->reserve_staging(std::max(staged_size(in_bytes), staged_size(out_bytes)));
    uint32_t* d_matrix = device_->slot(cuda::Device::kSlotA, rows * size_t(width));
    uint32_t* d_digests = device_->slot(cuda::Device::kSlotB, rows * GS_DIGEST_WIDTH);
    device_->upload(d_matrix, matrix, in_bytes);
    device::LaunchPlan plan = lane_plan(gpu::Kernel::HashRows, rows);
    device_->dispatch(gpu::Kernel::HashRows, plan, in_bytes + out_bytes,
             [&] { return cuda::launch_hash_rows(d_matrix, rows, width, d_digests, plan, device_->stream()); });
    const void* out = device_->download(d_digests, out_bytes);
    device_->finish("copy back");
    host_copy(digests, out, out_bytes);
}

void CudaBackend::compress(const uint32_t* left, const uint32_t* right, size_t count, uint32_t* out) {
    if (count == 0) return;
    Call call(*this, "compress");
    size_t words = count * GS_DIGEST_WIDTH, bytes = words * sizeof(uint32_t);
    device_->reserve_staging(2 * staged_size(bytes));
    uint32_t* d_left = device_->slot(cuda::Device::kSlotA, words);
    uint32_t* d_right = device_->slot(cuda::Device::kSlotB, words);
    uint32_t* d_out = device_->slot(cuda::Device::kSlotC, words);
    device_->upload(d_left, left, bytes);
    device_->upload(d_right, right, bytes);
    device::LaunchPlan plan = lane_plan(gpu::Kernel::Compress, count);
    device_->dispatch(gpu::Kernel::Compress, plan, 3 * bytes,
             [&] { return cuda::launch_compress(d_left, d_right, count, d_out, plan, device_->stream()); });
    const void* staged = device_->download(d_out, bytes);
    device_->finish("copy back");
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
    const uint32_t* d_twiddles = device_->twiddles(shape.log_n, inverse);
    device_->reserve_staging(staged_size(bytes) + staged_size(scale_host.size() * 4));
    uint32_t* d = device_->slot(cuda::Device::kSlotA, words);
    if (!scale_host.empty() && scale_words_ < scale_host.size()) {
        scale_valid_ = false;
        GS_CUDA_CHECK(cuda::counted_free(scale_ptr_, scale_words_ * sizeof(uint32_t), device_->allocation_stream()));
        scale_ptr_ = nullptr;
        scale_words_ = 0;
        void* raw = nullptr;
        GS_CUDA_CHECK(cuda::counted_malloc(&raw, scale_host.size() * sizeof(uint32_t), device_->allocation_stream()));
        scale_ptr_ = static_cast<uint32_t*>(raw);
        scale_words_ = scale_host.size();
    }
    if (!scale_hit) {
        scale_valid_ = false;
        if (!scale_host.empty()) device_->upload(scale_ptr_, scale_host.data(), scale_host.size() * sizeof(uint32_t));
        scale_any_ = !scale_host.empty();
        std::copy(scale_key, scale_key + 3, scale_key_);
        scale_valid_ = true;
    }
    device_->upload(d, data, bytes);
    ntt_on_device(d, shape, inverse, d_twiddles, scale_any_ ? scale_ptr_ : nullptr);
    const void* out = device_->download(d, bytes);
    device_->finish("copy back");
    host_copy(data, out, bytes);
}

void CudaBackend::ntt_on_device(uint32_t* d, NttShape shape, bool inverse, const uint32_t* twiddles,
                                const uint32_t* factors) {
    if (shape.log_n == 0 || shape.batch == 0) return;
    const uint64_t words = (uint64_t(1) << shape.log_n) * shape.batch, bytes = words * sizeof(uint32_t);
    // Block passes in shared memory, each as many stages as fit a block (core/device_ntt_plan.h);
    // a transform that fits one block (round 0's size-2^l_skip ones) is that one kernel.
    const DeviceNttPlan ntt =
        plan_device_ntt(device_->limits(), pipeline_limits(gpu::Kernel::NttBlock), shape, inverse, factors != nullptr);
    auto block_pass = [&](size_t i, const uint32_t* pass_factors) {
        const NttParams p = ntt.pass_params(i);
        const device::NttBlockPlan& block = ntt.passes[i].block;
        device_->dispatch(gpu::Kernel::NttBlock, device::as_launch_plan(block), 2 * bytes,
                 [&] { return cuda::launch_ntt_block(d, twiddles, pass_factors, p, block, device_->stream()); });
    };
    if (ntt.single_pass) return block_pass(0, factors);
    NttParams p = ntt.params;
    const uint64_t elements = cuda::ntt_lanes(p, gpu::Kernel::NttScale);
    auto scale_pass = [&] {
        device::LaunchPlan plan = lane_plan(gpu::Kernel::NttScale, elements);
        device_->dispatch(gpu::Kernel::NttScale, plan, 3 * bytes,
                 [&] { return cuda::launch_ntt_scale(d, factors, p, plan, device_->stream()); });
    };
    if (factors && !inverse) scale_pass();
    {
        device::LaunchPlan plan = lane_plan(gpu::Kernel::NttBitReverse, elements);
        device_->dispatch(gpu::Kernel::NttBitReverse, plan, 2 * bytes,
                 [&] { return cuda::launch_ntt_bit_reverse(d, p, plan, device_->stream()); });
    }
    for (size_t i = 0; i < ntt.passes.size(); ++i) block_pass(i, nullptr);
    if (ntt.passes.empty()) {
        device::LaunchPlan plan = lane_plan(gpu::Kernel::NttStage, cuda::ntt_lanes(p, gpu::Kernel::NttStage));
        for (uint32_t stage = 0; stage < shape.log_n; ++stage) {
            p.stage = stage;
            device_->dispatch(gpu::Kernel::NttStage, plan, 2 * bytes,
                     [&] { return cuda::launch_ntt_stage(d, twiddles, p, plan, device_->stream()); });
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
        device_->dispatch(gpu::Kernel::MerkleLeaves, plan, rows * size_t(width) * 4 + rows * 32,
                 [&] { return cuda::launch_merkle_leaves(d_matrix, rows, p, d_levels, plan, device_->stream()); });
    }
    size_t query_stride = rows >> log_group;
    for (uint32_t k = 0; k < log_rows; ++k) {
        p.child_stride = static_cast<uint32_t>(k < log_group ? query_stride : 1);
        uint64_t nodes = rows >> (k + 1);
        device::LaunchPlan plan = lane_plan(gpu::Kernel::MerkleCompress, nodes);
        device_->dispatch(gpu::Kernel::MerkleCompress, plan, nodes * 96, [&] {
            return cuda::launch_merkle_compress(d_levels + offsets[k], nodes, p, d_levels + offsets[k + 1], plan,
                                                device_->stream());
        });
    }
}

MerkleTree CudaBackend::keep_tree(cuda::DeviceBuffer matrix, cuda::DeviceBuffer levels, size_t rows, uint32_t width,
                                  uint32_t log_group, const std::vector<size_t>& offsets) {
    return gpu::keep_merkle_tree(*device_, cuda::Device::adopt(std::move(matrix)), cuda::Device::adopt(std::move(levels)),
                                 rows, width, log_group, offsets);
}

MerkleTree CudaBackend::merkle_tree(const uint32_t* matrix, size_t rows, uint32_t width, uint32_t log_group) {
    check_device_tree_shape(rows, log_group, "cuda merkle_tree");
    const std::vector<size_t> offsets = merkle_level_offsets(rows, log2_exact(rows));
    const size_t total = offsets.back(), in_words = rows * size_t(width);
    Call call(*this, "merkle_tree");
    cuda::DeviceBuffer d_matrix(in_words * 4), d_levels(total * 4);
    device_->reserve_staging(std::max(staged_size(in_words * 4), staged_size(GS_DIGEST_WIDTH * 4)));
    device_->upload(d_matrix.data(), matrix, in_words * 4);
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
    const uint32_t* twiddles = device_->twiddles(log_rows, false);
    cuda::DeviceBuffer d_code(rows * size_t(width) * 4);
    device_->reserve_staging(std::max(staged_size(in_words * 4), staged_size(GS_DIGEST_WIDTH * 4)));
    device_->upload(d_code.data(), message, in_words * 4);
    return commit_codeword(std::move(d_code), message_rows, width, log_rows, log_group, twiddles);
}

MerkleTree CudaBackend::commit_message(const void* message, size_t message_rows, uint32_t width, uint32_t log_rows,
                                       uint32_t log_group) {
    const uint32_t* twiddles = device_twiddles(log_rows, false);  // before the staged copies
    cuda::DeviceBuffer code((size_t(1) << log_rows) * width * sizeof(uint32_t));
    device_->reserve_staging(staged_size(GS_DIGEST_WIDTH * 4));
    GS_CUDA_CHECK(cudaMemcpyAsync(code.data(), message, message_rows * width * sizeof(uint32_t),
                                  cudaMemcpyDeviceToDevice, device_->stream()));
    return commit_codeword(std::move(code), message_rows, width, log_rows, log_group, twiddles);
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
    GS_CUDA_CHECK(cudaMemsetAsync(code.as<uint32_t>() + in_words, 0, (words - in_words) * 4, device_->stream()));
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

    device_->reserve_staging(gpu::kStagingAlign);
    uint32_t* d_best = device_->slot(cuda::Device::kSlotResult, 1);
    GS_CUDA_CHECK(cudaMemsetAsync(d_best, 0xff, sizeof(uint32_t), device_->stream()));
    PowParams p = params;
    for (uint64_t first = 0; first < GS_P; first += window) {
        uint64_t lanes = std::min<uint64_t>(window, GS_P - first);
        p.first_witness = static_cast<uint32_t>(first);
        device::Problem work;
        work.items = lanes;
        work.max_group_threads = grind_group_;
        work.max_groups = std::max<uint64_t>(grind_wave_ / grind_group_, 1);
        device::LaunchPlan plan = device::plan(device_->limits(), pipeline_limits(gpu::Kernel::PowGrind), work);
        device_->dispatch(gpu::Kernel::PowGrind, plan, 0,
                 [&] { return cuda::launch_pow_grind(p, lanes, d_best, plan, device_->stream()); });
        device_->rewind_downloads();  // each window reads the same word
        const uint32_t* staged = static_cast<const uint32_t*>(device_->download(d_best, sizeof(uint32_t)));
        device_->finish("grind window result");
        uint32_t best = *staged;
        if (best != 0xffffffffu) return best;
    }
    throw std::runtime_error("cuda grind: no witness in [0, p) passes " + std::to_string(params.bits) + " bits");
}

std::unique_ptr<EfTables> CudaBackend::ef_tables(const Ef* values, size_t count, size_t length) {
    return gpu::ef_tables(*device_, values, count, length);
}

int CudaBackend::free_kept_memory() {
    int first = device_->free_kept_memory();
    const int err = int(cuda::counted_free(scale_ptr_, scale_words_ * sizeof(uint32_t), device_->allocation_stream()));
    if (first == int(cudaSuccess)) first = err;
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
    if (device_->allocation_stream()) cuda::trim_pool(device_->allocation_stream());  // the pool's free blocks to the driver
}

void CudaBackend::dag_base_sums(const DagBinding& dag, const DagBasePoints& points, DagSums* out) {
    gpu::dag_base_sums(*device_, dag, points, out);
}

std::unique_ptr<FractionTree> CudaBackend::fraction_tree(const Ef* p, const Ef* q, size_t leaves) {
    return gpu::fraction_tree(*device_, p, q, leaves);
}

StackedCommit CudaBackend::commit_stacked(const StackedLayout& layout, const std::vector<TraceView>& traces,
                                          uint32_t log_blowup, uint32_t k) {
    if (!gpu::stacked_commit_on_device(layout)) return host_commit_stacked(*this, layout, traces, log_blowup, k);
    return gpu::commit_stacked(*device_, layout, traces, log_blowup, k);
}

std::unique_ptr<StackedMatrix> CudaBackend::stacked_matrix(std::vector<uint32_t> matrix, std::vector<uint32_t> message,
                                                           size_t height, uint32_t width, uint32_t l_skip) {
    return gpu::stacked_matrix(*device_, matrix, message, height, width, l_skip);
}

std::unique_ptr<EfTables> CudaBackend::trace_tables(const TraceTablesInput& in) {
    return gpu::trace_tables(*device_, in);
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
