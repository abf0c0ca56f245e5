// The CUDA backend: every Backend primitive on one NVIDIA GPU, through the shared kernel bodies
// of cpp/kernels/ compiled as CUDA (the thin __global__ entry points live in *.cu beside this).
//
// This header stays free of CUDA headers so that plain C++ translation units (builtin.cpp) can
// include it; cuda_backend.cpp holds everything that talks to the CUDA runtime.
#pragma once
#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <utility>

#include "../../core/backend.h"

struct CUstream_st;  // cudaStream_t is CUstream_st*

namespace gpustark {

// Registers the backend `cuda`. Its factory throws std::runtime_error("no CUDA device: ...") when
// the runtime finds no usable device, which marks the backend unavailable with that reason.
void register_cuda_backend();

// The kernels the backend launches, for per-kernel limits and block sizes.
enum class CudaKernel : int {
    Poseidon2Permute,
    HashRows,
    Compress,
    MerkleLeaves,
    MerkleCompress,
    NttBitReverse,
    NttStage,
    NttScale,
    NttBlock,
    PowGrind,
    Count
};
constexpr int kCudaKernelCount = static_cast<int>(CudaKernel::Count);
const char* cuda_kernel_name(CudaKernel kernel);

// What the launch planner reads: cudaDeviceProp and cudaFuncGetAttributes values.
struct CudaLimits {
    uint32_t max_threads_per_block = 0;  // cudaDeviceProp::maxThreadsPerBlock
    size_t shared_mem_per_block = 0;     // cudaDeviceProp::sharedMemPerBlock
    uint32_t warp_size = 0;              // cudaDeviceProp::warpSize
    uint32_t kernel_max_threads[kCudaKernelCount] = {};  // cudaFuncAttributes::maxThreadsPerBlock
    size_t ntt_block_static_shared = 0;  // cudaFuncAttributes::sharedSizeBytes of the block NTT
};

struct CudaLaunchPlan {
    uint32_t block_threads[kCudaKernelCount] = {};  // threads per block of each one-lane-per-thread kernel
    uint32_t ntt_log_block = 0;      // stages run in shared memory by the block NTT; 0 = none
    uint32_t ntt_block_threads = 0;  // threads per block of the block NTT (for 2^ntt_log_block rows)
    size_t ntt_scratch_bytes = 0;    // dynamic shared memory of the block NTT: 4 << ntt_log_block
};

// Pure: block sizes and the block-NTT size from the device and per-kernel limits.
//  - lane kernels: the largest multiple of the warp size <= min(device, kernel, 8 warps);
//  - block NTT: the largest log_block with 4 << log_block bytes of scratch <= the shared memory
//    left per block next to the kernel's static shared memory, and as many threads as the
//    kernel allows (a multiple of the warp size) up to 2^(log_block - 1), one per butterfly.
CudaLaunchPlan plan_cuda_launches(const CudaLimits& limits);

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

    const CudaLaunchPlan& plan() const { return plan_; }

private:
    // Device buffers reused across calls, grown on demand (one per role within a call).
    enum Slot { kSlotA, kSlotB, kSlotC, kSlotResult, kSlotCount };
    uint32_t* slot(Slot s, size_t words);
    const uint32_t* twiddles(uint32_t log_n, bool inverse);
    const uint32_t* scale_factors(uint32_t log_n, bool inverse, uint32_t shift, bool* any);
    void activate() const;   // cudaSetDevice(device_)
    void synchronize();      // cudaStreamSynchronize(stream_)
    uint32_t block(CudaKernel k) const { return plan_.block_threads[static_cast<int>(k)]; }

    int device_ = 0;
    CUstream_st* stream_ = nullptr;
    CudaLaunchPlan plan_;
    DeviceInfo info_;
    uint64_t grind_window_ = 0;  // witnesses tested per grind launch (a whole number of waves)
    uint64_t wave_lanes_ = 0;    // SMs x resident threads per SM

    std::mutex mutex_;  // one call at a time: the stream and the buffers are shared
    uint32_t* slots_[kSlotCount] = {};
    size_t slot_words_[kSlotCount] = {};
    std::map<std::pair<uint32_t, bool>, uint32_t*> twiddle_cache_;
    // One cached scale table: (log_n, inverse, shift) -> factors.
    uint32_t* scale_ptr_ = nullptr;
    size_t scale_words_ = 0;
    bool scale_valid_ = false;
    bool scale_any_ = false;
    uint32_t scale_key_[3] = {};
};

}  // namespace gpustark
