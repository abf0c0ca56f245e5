// NTT entry points: bit reversal, one radix-2 stage, a per-row scale (one lane per element or
// butterfly, in grid-stride loops: launch.h), and the block NTT (one thread block per
// 2^log_block rows of a run of columns, 2^stage rows apart, with dynamic shared-memory scratch).
#include "../../kernels/ntt/ntt_block.h"
#include "launch.h"

namespace {

using gpustark::cuda::first_lane;
using gpustark::cuda::lane_stride;

__global__ void ntt_bit_reverse_kernel(u32* data, uint64_t lanes, NttParams p) {
    for (uint64_t lane = first_lane(); lane < lanes; lane += lane_stride())
        ntt_bit_reverse_body(static_cast<u32>(lane), data, p);
}

__global__ void ntt_stage_kernel(u32* data, const u32* twiddles, uint64_t lanes, NttParams p) {
    for (uint64_t lane = first_lane(); lane < lanes; lane += lane_stride())
        ntt_stage_body(static_cast<u32>(lane), data, twiddles, p);
}

__global__ void ntt_scale_kernel(u32* data, const u32* factors, uint64_t lanes, NttParams p) {
    for (uint64_t lane = first_lane(); lane < lanes; lane += lane_stride())
        ntt_scale_body(static_cast<u32>(lane), data, factors, p);
}

// Every thread of the block reaches the barriers in the body: no early return here.
__global__ void ntt_block_kernel(u32* data, const u32* twiddles, const u32* factors, NttParams p) {
    extern __shared__ u32 ntt_scratch[];
    ntt_block_body(threadIdx.x, blockIdx.x, blockDim.x, ntt_scratch, data, twiddles, factors, p);
}

}  // namespace

namespace gpustark {
namespace cuda {

const void* ntt_kernel(gpu::Kernel kernel) {
    switch (kernel) {
        case gpu::Kernel::NttBitReverse: return reinterpret_cast<const void*>(&ntt_bit_reverse_kernel);
        case gpu::Kernel::NttStage: return reinterpret_cast<const void*>(&ntt_stage_kernel);
        case gpu::Kernel::NttScale: return reinterpret_cast<const void*>(&ntt_scale_kernel);
        case gpu::Kernel::NttBlock: return reinterpret_cast<const void*>(&ntt_block_kernel);
        default: return nullptr;
    }
}

// Lanes of a pass over n * batch elements (n/2 * batch butterflies for a stage); 0 when the
// indices would not fit the bodies' u32 arithmetic.
uint64_t ntt_lanes(const NttParams& p, gpu::Kernel kernel) {
    if (p.log_n > 31) return 0;
    uint64_t lanes = (uint64_t(1) << p.log_n) * p.batch;
    if (lanes > 0x100000000ull) return 0;
    return kernel == gpu::Kernel::NttStage ? lanes / 2 : lanes;
}

cudaError_t launch_ntt_bit_reverse(uint32_t* data, NttParams p, const device::LaunchPlan& plan, cudaStream_t stream) {
    uint64_t lanes = ntt_lanes(p, gpu::Kernel::NttBitReverse);
    if (lanes == 0) return p.batch == 0 ? cudaSuccess : cudaErrorInvalidValue;
    return launch_planned(ntt_bit_reverse_kernel, plan, 0, stream, data, lanes, p);
}

cudaError_t launch_ntt_stage(uint32_t* data, const uint32_t* twiddles, NttParams p, const device::LaunchPlan& plan,
                             cudaStream_t stream) {
    if (p.log_n == 0 || p.stage >= p.log_n) return cudaErrorInvalidValue;
    uint64_t lanes = ntt_lanes(p, gpu::Kernel::NttStage);
    if (lanes == 0) return p.batch == 0 ? cudaSuccess : cudaErrorInvalidValue;
    return launch_planned(ntt_stage_kernel, plan, 0, stream, data, twiddles, lanes, p);
}

cudaError_t launch_ntt_scale(uint32_t* data, const uint32_t* factors, NttParams p, const device::LaunchPlan& plan,
                             cudaStream_t stream) {
    uint64_t lanes = ntt_lanes(p, gpu::Kernel::NttScale);
    if (lanes == 0) return p.batch == 0 ? cudaSuccess : cudaErrorInvalidValue;
    return launch_planned(ntt_scale_kernel, plan, 0, stream, data, factors, lanes, p);
}

cudaError_t launch_ntt_block(uint32_t* data, const uint32_t* twiddles, const uint32_t* factors, NttParams p,
                             const device::NttBlockPlan& plan, cudaStream_t stream) {
    if (plan.log_block == 0 || plan.log_block != p.log_block || p.stage + p.log_block > p.log_n)
        return cudaErrorInvalidValue;
    // Fused passes need the whole transform in the block (and the factors to scale by).
    if (p.fused != 0 && (p.log_block != p.log_n || p.stage != 0 ||
                         ((p.fused & (GS_NTT_FUSE_SCALE_IN | GS_NTT_FUSE_SCALE_OUT)) != 0 && factors == nullptr)))
        return cudaErrorInvalidValue;
    const uint64_t width = p.block_columns > 1 ? p.block_columns : 1;  // ntt_block_width, on the host
    if (plan.columns != width || plan.scratch_bytes < (uint64_t(4) << p.log_block) * width || plan.lanes == 0 ||
        plan.lanes > 1024)
        return cudaErrorInvalidConfiguration;
    if (ntt_lanes(p, gpu::Kernel::NttBlock) == 0) return p.batch == 0 ? cudaSuccess : cudaErrorInvalidValue;
    const uint64_t groups = (uint64_t(1) << (p.log_n - p.log_block)) * ((p.batch + width - 1) / width);
    if (plan.groups != groups || groups > 0x7fffffffull) return cudaErrorInvalidConfiguration;
    ntt_block_kernel<<<static_cast<unsigned int>(groups), plan.lanes, static_cast<size_t>(plan.scratch_bytes),
                       stream>>>(data, twiddles, factors, p);
    return cudaGetLastError();
}

}  // namespace cuda
}  // namespace gpustark
