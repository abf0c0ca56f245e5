// NTT entry points: bit reversal, one radix-2 stage, a per-row scale (one lane per element or
// butterfly), and the block NTT (one thread block per 2^log_block rows of one column, with
// dynamic shared-memory scratch).
#include "../../kernels/ntt/ntt_block.h"
#include "launch.h"

namespace {

__device__ __forceinline__ uint64_t global_lane() {
    return static_cast<uint64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
}

__global__ void ntt_bit_reverse_kernel(u32* data, uint64_t lanes, NttParams p) {
    uint64_t lane = global_lane();
    if (lane >= lanes) return;
    ntt_bit_reverse_body(static_cast<u32>(lane), data, p);
}

__global__ void ntt_stage_kernel(u32* data, const u32* twiddles, uint64_t lanes, NttParams p) {
    uint64_t lane = global_lane();
    if (lane >= lanes) return;
    ntt_stage_body(static_cast<u32>(lane), data, twiddles, p);
}

__global__ void ntt_scale_kernel(u32* data, const u32* factors, uint64_t lanes, NttParams p) {
    uint64_t lane = global_lane();
    if (lane >= lanes) return;
    ntt_scale_body(static_cast<u32>(lane), data, factors, p);
}

// Every thread of the block reaches the barriers in the body: no early return here.
__global__ void ntt_block_kernel(u32* data, const u32* twiddles, NttParams p) {
    extern __shared__ u32 ntt_scratch[];
    ntt_block_body(threadIdx.x, blockIdx.x, blockDim.x, ntt_scratch, data, twiddles, p);
}

// Lanes of a pass over n * batch (or n/2 * batch) elements; 0 when indices would not fit the
// bodies' u32 arithmetic.
uint64_t element_lanes(const NttParams& p, bool half) {
    uint64_t lanes = (uint64_t(1) << p.log_n) * p.batch;
    if (lanes > 0x100000000ull) return 0;
    return half ? lanes / 2 : lanes;
}

}  // namespace

namespace gpustark {
namespace cuda {

const void* ntt_kernel(CudaKernel kernel) {
    switch (kernel) {
        case CudaKernel::NttBitReverse: return reinterpret_cast<const void*>(&ntt_bit_reverse_kernel);
        case CudaKernel::NttStage: return reinterpret_cast<const void*>(&ntt_stage_kernel);
        case CudaKernel::NttScale: return reinterpret_cast<const void*>(&ntt_scale_kernel);
        case CudaKernel::NttBlock: return reinterpret_cast<const void*>(&ntt_block_kernel);
        default: return nullptr;
    }
}

cudaError_t launch_ntt_bit_reverse(uint32_t* data, NttParams p, uint32_t block, cudaStream_t stream) {
    uint64_t lanes = element_lanes(p, false);
    if (lanes == 0) return p.batch == 0 ? cudaSuccess : cudaErrorInvalidValue;
    unsigned int blocks = 0;
    if (!lane_grid(lanes, block, &blocks)) return cudaErrorInvalidConfiguration;
    ntt_bit_reverse_kernel<<<blocks, block, 0, stream>>>(data, lanes, p);
    return cudaGetLastError();
}

cudaError_t launch_ntt_stage(uint32_t* data, const uint32_t* twiddles, NttParams p, uint32_t block,
                             cudaStream_t stream) {
    if (p.log_n == 0 || p.stage >= p.log_n) return cudaErrorInvalidValue;
    uint64_t lanes = element_lanes(p, true);
    if (lanes == 0) return p.batch == 0 ? cudaSuccess : cudaErrorInvalidValue;
    unsigned int blocks = 0;
    if (!lane_grid(lanes, block, &blocks)) return cudaErrorInvalidConfiguration;
    ntt_stage_kernel<<<blocks, block, 0, stream>>>(data, twiddles, lanes, p);
    return cudaGetLastError();
}

cudaError_t launch_ntt_scale(uint32_t* data, const uint32_t* factors, NttParams p, uint32_t block,
                             cudaStream_t stream) {
    uint64_t lanes = element_lanes(p, false);
    if (lanes == 0) return p.batch == 0 ? cudaSuccess : cudaErrorInvalidValue;
    unsigned int blocks = 0;
    if (!lane_grid(lanes, block, &blocks)) return cudaErrorInvalidConfiguration;
    ntt_scale_kernel<<<blocks, block, 0, stream>>>(data, factors, lanes, p);
    return cudaGetLastError();
}

cudaError_t launch_ntt_block(uint32_t* data, const uint32_t* twiddles, NttParams p, uint32_t threads,
                             size_t scratch_bytes, cudaStream_t stream) {
    if (p.log_block == 0 || p.log_block > p.log_n) return cudaErrorInvalidValue;
    if (scratch_bytes < (size_t(4) << p.log_block) || threads == 0) return cudaErrorInvalidConfiguration;
    if (element_lanes(p, false) == 0) return p.batch == 0 ? cudaSuccess : cudaErrorInvalidValue;
    uint64_t groups = (uint64_t(1) << (p.log_n - p.log_block)) * p.batch;
    if (groups > 0x7fffffffull) return cudaErrorInvalidConfiguration;
    ntt_block_kernel<<<static_cast<unsigned int>(groups), threads, scratch_bytes, stream>>>(data, twiddles, p);
    return cudaGetLastError();
}

}  // namespace cuda
}  // namespace gpustark
