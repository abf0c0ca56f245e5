// The CUDA backend: host buffers are copied to reusable device buffers, the kernels run on one
// stream, and results are copied back before each call returns. Compiled by the host compiler;
// the kernels and their launchers are in the *.cu files beside this one (launch.h).
#include "cuda_backend.h"

#include <cuda_runtime_api.h>

#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

#include "../../core/ntt_tables.h"
#include "launch.h"

#ifndef GPUSTARK_CUDA_ARCHS
#define GPUSTARK_CUDA_ARCHS "unknown"
#endif

#define GS_CUDA_CHECK(call) ::gpustark::cuda::check((call), #call)

namespace gpustark {

namespace {

constexpr uint32_t kTargetWarpsPerBlock = 8;  // lane kernels: up to 8 warps per block
constexpr uint32_t kMaxLogBlock = 27;         // no NTT here is longer than 2^27

uint32_t round_down(uint32_t value, uint32_t multiple) {
    return multiple == 0 ? value : value / multiple * multiple;
}

const void* kernel_address(CudaKernel k) {
    if (const void* f = cuda::poseidon2_kernel(k)) return f;
    if (const void* f = cuda::merkle_kernel(k)) return f;
    if (const void* f = cuda::ntt_kernel(k)) return f;
    return cuda::pow_kernel(k);
}

bool is_power_of_two(size_t x) { return x != 0 && (x & (x - 1)) == 0; }

uint32_t log2_exact(size_t x) {
    uint32_t log = 0;
    while ((size_t(1) << log) < x) ++log;
    return log;
}

}  // namespace

const char* cuda_kernel_name(CudaKernel kernel) {
    switch (kernel) {
        case CudaKernel::Poseidon2Permute: return "poseidon2_permute";
        case CudaKernel::HashRows: return "hash_rows";
        case CudaKernel::Compress: return "compress";
        case CudaKernel::MerkleLeaves: return "merkle_leaves";
        case CudaKernel::MerkleCompress: return "merkle_compress";
        case CudaKernel::NttBitReverse: return "ntt_bit_reverse";
        case CudaKernel::NttStage: return "ntt_stage";
        case CudaKernel::NttScale: return "ntt_scale";
        case CudaKernel::NttBlock: return "ntt_block";
        case CudaKernel::PowGrind: return "pow_grind";
        default: return "unknown";
    }
}

CudaLaunchPlan plan_cuda_launches(const CudaLimits& limits) {
    CudaLaunchPlan plan;
    uint32_t warp = std::max<uint32_t>(limits.warp_size, 1);
    for (int k = 0; k < kCudaKernelCount; ++k) {
        uint32_t cap = limits.max_threads_per_block;
        if (limits.kernel_max_threads[k] != 0) cap = std::min(cap, limits.kernel_max_threads[k]);
        uint32_t threads = round_down(std::min(cap, kTargetWarpsPerBlock * warp), warp);
        plan.block_threads[k] = std::max<uint32_t>(threads != 0 ? threads : cap, 1);
    }

    size_t static_shared = limits.ntt_block_static_shared;
    size_t available = limits.shared_mem_per_block > static_shared ? limits.shared_mem_per_block - static_shared : 0;
    uint32_t log_block = 0;
    while (log_block < kMaxLogBlock && (size_t(4) << (log_block + 1)) <= available) ++log_block;
    if ((size_t(4) << log_block) > available) log_block = 0;  // not even one word of scratch
    if (log_block >= 1) {
        uint32_t cap = limits.max_threads_per_block;
        uint32_t kernel_cap = limits.kernel_max_threads[static_cast<int>(CudaKernel::NttBlock)];
        if (kernel_cap != 0) cap = std::min(cap, kernel_cap);
        uint32_t butterflies = 1u << (log_block - 1);
        uint32_t threads = std::min(cap, butterflies);
        if (threads >= warp) threads = round_down(threads, warp);
        plan.ntt_log_block = log_block;
        plan.ntt_block_threads = std::max<uint32_t>(threads, 1);
        plan.ntt_scratch_bytes = size_t(4) << log_block;
    }
    return plan;
}

CudaBackend::CudaBackend(int device) : device_(device) {
    GS_CUDA_CHECK(cudaSetDevice(device_));
    cudaDeviceProp prop{};
    GS_CUDA_CHECK(cudaGetDeviceProperties(&prop, device_));
    std::string sm = std::to_string(prop.major) + "." + std::to_string(prop.minor);

    CudaLimits limits;
    limits.max_threads_per_block = static_cast<uint32_t>(prop.maxThreadsPerBlock);
    limits.shared_mem_per_block = prop.sharedMemPerBlock;
    limits.warp_size = static_cast<uint32_t>(prop.warpSize);
    int kernel_regs[kCudaKernelCount] = {};
    for (int k = 0; k < kCudaKernelCount; ++k) {
        CudaKernel kernel = static_cast<CudaKernel>(k);
        cudaFuncAttributes attr{};
        cudaError_t err = cudaFuncGetAttributes(&attr, kernel_address(kernel));
        if (err != cudaSuccess) {
            cudaGetLastError();
            throw std::runtime_error(std::string("cudaFuncGetAttributes(") + cuda_kernel_name(kernel) +
                                     ") failed: " + cudaGetErrorString(err) + " (device " + prop.name +
                                     ", compute capability " + sm + "; built for CUDA architectures " +
                                     GPUSTARK_CUDA_ARCHS + ")");
        }
        limits.kernel_max_threads[k] = static_cast<uint32_t>(attr.maxThreadsPerBlock);
        kernel_regs[k] = attr.numRegs;
        if (kernel == CudaKernel::NttBlock) limits.ntt_block_static_shared = attr.sharedSizeBytes;
    }
    plan_ = plan_cuda_launches(limits);

    wave_lanes_ = uint64_t(prop.multiProcessorCount) * uint64_t(prop.maxThreadsPerMultiProcessor);
    uint32_t grind_block = block(CudaKernel::PowGrind);
    wave_lanes_ = std::max<uint64_t>((wave_lanes_ + grind_block - 1) / grind_block * grind_block, grind_block);

    cudaStream_t stream = nullptr;
    GS_CUDA_CHECK(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking));
    stream_ = stream;

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
    m["shared_mem_per_block"] = std::to_string(prop.sharedMemPerBlock);
    m["warp_size"] = std::to_string(prop.warpSize);
    m["cuda_runtime"] = version(runtime_version);
    m["cuda_driver"] = version(driver_version);
    m["built_architectures"] = GPUSTARK_CUDA_ARCHS;
    m["ntt_log_block"] = std::to_string(plan_.ntt_log_block);
    m["ntt_block_threads"] = std::to_string(plan_.ntt_block_threads);
    m["ntt_scratch_bytes"] = std::to_string(plan_.ntt_scratch_bytes);
    for (int k = 0; k < kCudaKernelCount; ++k) {
        std::string name = cuda_kernel_name(static_cast<CudaKernel>(k));
        m["kernel." + name + ".max_threads_per_block"] = std::to_string(limits.kernel_max_threads[k]);
        m["kernel." + name + ".registers"] = std::to_string(kernel_regs[k]);
        m["kernel." + name + ".block_threads"] = std::to_string(plan_.block_threads[k]);
    }
}

CudaBackend::~CudaBackend() {
    // Errors are ignored: at process exit the runtime may already be unloading.
    cudaSetDevice(device_);
    for (uint32_t* p : slots_)
        if (p) cudaFree(p);
    for (auto& entry : twiddle_cache_) cudaFree(entry.second);
    if (scale_ptr_) cudaFree(scale_ptr_);
    if (stream_) cudaStreamDestroy(stream_);
    cudaGetLastError();
}

DeviceInfo CudaBackend::info() const { return info_; }

void CudaBackend::activate() const { GS_CUDA_CHECK(cudaSetDevice(device_)); }

void CudaBackend::synchronize() { GS_CUDA_CHECK(cudaStreamSynchronize(stream_)); }

uint32_t* CudaBackend::slot(Slot s, size_t words) {
    words = std::max<size_t>(words, 1);
    if (slot_words_[s] < words) {
        if (slots_[s]) {
            GS_CUDA_CHECK(cudaFree(slots_[s]));
            slots_[s] = nullptr;
            slot_words_[s] = 0;
        }
        void* p = nullptr;
        GS_CUDA_CHECK(cudaMalloc(&p, words * sizeof(uint32_t)));
        slots_[s] = static_cast<uint32_t*>(p);
        slot_words_[s] = words;
    }
    return slots_[s];
}

const uint32_t* CudaBackend::twiddles(uint32_t log_n, bool inverse) {
    auto key = std::make_pair(log_n, inverse);
    auto found = twiddle_cache_.find(key);
    if (found != twiddle_cache_.end()) return found->second;
    std::vector<uint32_t> host = ntt_twiddles(log_n, inverse);
    void* p = nullptr;
    GS_CUDA_CHECK(cudaMalloc(&p, std::max<size_t>(host.size(), 1) * sizeof(uint32_t)));
    uint32_t* dev = static_cast<uint32_t*>(p);
    try {
        GS_CUDA_CHECK(cudaMemcpy(dev, host.data(), host.size() * sizeof(uint32_t), cudaMemcpyHostToDevice));
    } catch (...) {
        cudaFree(dev);
        throw;
    }
    twiddle_cache_[key] = dev;
    return dev;
}

const uint32_t* CudaBackend::scale_factors(uint32_t log_n, bool inverse, uint32_t shift, bool* any) {
    uint32_t key[3] = {log_n, inverse ? 1u : 0u, shift};
    if (!(scale_valid_ && std::equal(key, key + 3, scale_key_))) {
        scale_valid_ = false;
        std::vector<uint32_t> host = ntt_scale_factors(log_n, inverse, shift);
        scale_any_ = !host.empty();
        if (scale_any_) {
            if (scale_words_ < host.size()) {
                if (scale_ptr_) GS_CUDA_CHECK(cudaFree(scale_ptr_));
                scale_ptr_ = nullptr;
                scale_words_ = 0;
                void* p = nullptr;
                GS_CUDA_CHECK(cudaMalloc(&p, host.size() * sizeof(uint32_t)));
                scale_ptr_ = static_cast<uint32_t*>(p);
                scale_words_ = host.size();
            }
            GS_CUDA_CHECK(
                cudaMemcpy(scale_ptr_, host.data(), host.size() * sizeof(uint32_t), cudaMemcpyHostToDevice));
        }
        std::copy(key, key + 3, scale_key_);
        scale_valid_ = true;
    }
    *any = scale_any_;
    return scale_any_ ? scale_ptr_ : nullptr;
}

void CudaBackend::poseidon2_permute(uint32_t* states, size_t count) {
    if (count == 0) return;
    std::lock_guard<std::mutex> lock(mutex_);
    activate();
    size_t words = count * GS_P2_WIDTH;
    uint32_t* d = slot(kSlotA, words);
    GS_CUDA_CHECK(cudaMemcpyAsync(d, states, words * 4, cudaMemcpyHostToDevice, stream_));
    GS_CUDA_CHECK(cuda::launch_poseidon2_permute(d, count, block(CudaKernel::Poseidon2Permute), stream_));
    GS_CUDA_CHECK(cudaMemcpyAsync(states, d, words * 4, cudaMemcpyDeviceToHost, stream_));
    synchronize();
}

void CudaBackend::hash_rows(const uint32_t* matrix, size_t rows, uint32_t width, uint32_t* digests) {
    if (rows == 0) return;
    std::lock_guard<std::mutex> lock(mutex_);
    activate();
    size_t in_words = rows * size_t(width), out_words = rows * GS_DIGEST_WIDTH;
    uint32_t* d_matrix = slot(kSlotA, in_words);
    uint32_t* d_digests = slot(kSlotB, out_words);
    if (in_words) GS_CUDA_CHECK(cudaMemcpyAsync(d_matrix, matrix, in_words * 4, cudaMemcpyHostToDevice, stream_));
    GS_CUDA_CHECK(cuda::launch_hash_rows(d_matrix, rows, width, d_digests, block(CudaKernel::HashRows), stream_));
    GS_CUDA_CHECK(cudaMemcpyAsync(digests, d_digests, out_words * 4, cudaMemcpyDeviceToHost, stream_));
    synchronize();
}

void CudaBackend::compress(const uint32_t* left, const uint32_t* right, size_t count, uint32_t* out) {
    if (count == 0) return;
    std::lock_guard<std::mutex> lock(mutex_);
    activate();
    size_t words = count * GS_DIGEST_WIDTH;
    uint32_t* d_left = slot(kSlotA, words);
    uint32_t* d_right = slot(kSlotB, words);
    uint32_t* d_out = slot(kSlotC, words);
    GS_CUDA_CHECK(cudaMemcpyAsync(d_left, left, words * 4, cudaMemcpyHostToDevice, stream_));
    GS_CUDA_CHECK(cudaMemcpyAsync(d_right, right, words * 4, cudaMemcpyHostToDevice, stream_));
    GS_CUDA_CHECK(cuda::launch_compress(d_left, d_right, count, d_out, block(CudaKernel::Compress), stream_));
    GS_CUDA_CHECK(cudaMemcpyAsync(out, d_out, words * 4, cudaMemcpyDeviceToHost, stream_));
    synchronize();
}

void CudaBackend::ntt(uint32_t* data, NttShape shape, bool inverse, uint32_t shift) {
    // n = 1: the transform, 1/n and shift^0 are all the identity.
    if (shape.log_n == 0 || shape.batch == 0) return;
    if (shape.log_n > kMaxLogBlock) throw std::invalid_argument("cuda ntt: log_n must be <= 27");
    uint64_t n = uint64_t(1) << shape.log_n;
    uint64_t words = n * shape.batch;
    if (words > 0x100000000ull)
        throw std::invalid_argument("cuda ntt: n * batch = " + std::to_string(words) +
                                    " exceeds the 2^32 elements the kernels index");
    std::lock_guard<std::mutex> lock(mutex_);
    activate();

    NttParams p{};
    p.log_n = shape.log_n;
    p.batch = shape.batch;
    p.row_stride = shape.batch;  // row-major: element (row, col) at row * batch + col
    p.col_stride = 1;
    const uint32_t* d_twiddles = twiddles(shape.log_n, inverse);
    bool scale = false;
    const uint32_t* d_factors = scale_factors(shape.log_n, inverse, shift, &scale);

    uint32_t* d = slot(kSlotA, words);
    GS_CUDA_CHECK(cudaMemcpyAsync(d, data, words * 4, cudaMemcpyHostToDevice, stream_));
    if (scale && !inverse)
        GS_CUDA_CHECK(cuda::launch_ntt_scale(d, d_factors, p, block(CudaKernel::NttScale), stream_));
    GS_CUDA_CHECK(cuda::launch_ntt_bit_reverse(d, p, block(CudaKernel::NttBitReverse), stream_));

    uint32_t first_stage = 0;
    uint32_t log_block = std::min(plan_.ntt_log_block, shape.log_n);
    if (log_block >= 1) {
        p.log_block = log_block;
        uint32_t threads = std::min(plan_.ntt_block_threads, 1u << (log_block - 1));
        GS_CUDA_CHECK(cuda::launch_ntt_block(d, d_twiddles, p, threads, size_t(4) << log_block, stream_));
        first_stage = log_block;
    }
    for (uint32_t stage = first_stage; stage < shape.log_n; ++stage) {
        p.stage = stage;
        GS_CUDA_CHECK(cuda::launch_ntt_stage(d, d_twiddles, p, block(CudaKernel::NttStage), stream_));
    }
    if (scale && inverse)
        GS_CUDA_CHECK(cuda::launch_ntt_scale(d, d_factors, p, block(CudaKernel::NttScale), stream_));
    GS_CUDA_CHECK(cudaMemcpyAsync(data, d, words * 4, cudaMemcpyDeviceToHost, stream_));
    synchronize();
}

MerkleTree CudaBackend::merkle_tree(const uint32_t* matrix, size_t rows, uint32_t width, uint32_t log_group) {
    if (!is_power_of_two(rows)) throw std::invalid_argument("cuda merkle_tree: rows must be a power of two");
    uint32_t log_rows = log2_exact(rows);
    if (log_group > log_rows) throw std::invalid_argument("cuda merkle_tree: log_group exceeds log2(rows)");
    if (uint64_t(rows) * GS_DIGEST_WIDTH > 0xffffffffull)
        throw std::invalid_argument("cuda merkle_tree: rows * 8 must fit in 32 bits");

    MerkleTree tree;
    tree.matrix.assign(matrix, matrix + rows * size_t(width));
    tree.rows = rows;
    tree.width = width;
    tree.log_group = log_group;

    // All levels in one device buffer: level k (rows >> k digests) follows levels 0..k-1.
    std::vector<size_t> offsets(log_rows + 1);
    size_t total = 0;
    for (uint32_t k = 0; k <= log_rows; ++k) {
        offsets[k] = total;
        total += (rows >> k) * GS_DIGEST_WIDTH;
    }

    std::lock_guard<std::mutex> lock(mutex_);
    activate();
    size_t in_words = rows * size_t(width);
    uint32_t* d_matrix = slot(kSlotA, in_words);
    uint32_t* d_levels = slot(kSlotB, total);
    if (in_words) GS_CUDA_CHECK(cudaMemcpyAsync(d_matrix, matrix, in_words * 4, cudaMemcpyHostToDevice, stream_));
    MerkleParams p{};
    p.width = width;
    GS_CUDA_CHECK(
        cuda::launch_merkle_leaves(d_matrix, rows, p, d_levels, block(CudaKernel::MerkleLeaves), stream_));
    size_t query_stride = rows >> log_group;
    for (uint32_t k = 0; k < log_rows; ++k) {
        p.child_stride = static_cast<uint32_t>(k < log_group ? query_stride : 1);
        GS_CUDA_CHECK(cuda::launch_merkle_compress(d_levels + offsets[k], rows >> (k + 1), p, d_levels + offsets[k + 1],
                                                   block(CudaKernel::MerkleCompress), stream_));
    }
    tree.levels.resize(log_rows + 1);
    for (uint32_t k = 0; k <= log_rows; ++k) {
        std::vector<uint32_t>& level = tree.levels[k];
        level.resize((rows >> k) * GS_DIGEST_WIDTH);
        GS_CUDA_CHECK(cudaMemcpyAsync(level.data(), d_levels + offsets[k], level.size() * 4, cudaMemcpyDeviceToHost,
                                      stream_));
    }
    synchronize();
    return tree;
}

uint32_t CudaBackend::grind(const PowParams& params) {
    std::lock_guard<std::mutex> lock(mutex_);
    activate();
    // About four times the expected number of trials, so one window usually holds a hit; at
    // least one wave of resident threads and at most 64, in whole waves.
    uint64_t want = uint64_t(4) << std::min<uint32_t>(params.bits, 40);
    uint64_t window = std::min(std::max(want, wave_lanes_), wave_lanes_ * 64);
    window = (window + wave_lanes_ - 1) / wave_lanes_ * wave_lanes_;

    uint32_t* d_best = slot(kSlotResult, 1);
    GS_CUDA_CHECK(cudaMemsetAsync(d_best, 0xff, sizeof(uint32_t), stream_));
    PowParams p = params;
    for (uint64_t first = 0; first < GS_P; first += window) {
        uint64_t lanes = std::min<uint64_t>(window, GS_P - first);
        p.first_witness = static_cast<uint32_t>(first);
        GS_CUDA_CHECK(cuda::launch_pow_grind(p, lanes, d_best, block(CudaKernel::PowGrind), stream_));
        uint32_t best = 0xffffffffu;
        GS_CUDA_CHECK(cudaMemcpyAsync(&best, d_best, sizeof(uint32_t), cudaMemcpyDeviceToHost, stream_));
        synchronize();
        if (best != 0xffffffffu) return best;
    }
    throw std::runtime_error("cuda grind: no witness in [0, p) passes " + std::to_string(params.bits) + " bits");
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
