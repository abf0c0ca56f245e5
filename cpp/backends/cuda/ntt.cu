// NTT entry points: bit reversal, one radix-2 stage, a per-row scale (one lane per element or
// butterfly, in grid-stride loops: launch.h), and the block NTT (one thread block per
// 2^log_block rows of a run of columns, 2^stage rows apart, with dynamic shared-memory scratch).
// Each takes the arguments of its Metal entry (metal/ntt.metal): buffers, then NttParams.
#include "../../kernels/ntt/ntt_block.h"
#include "launch.h"

static_assert(sizeof(NttParams) == 32, "NttParams layout is shared with MSL");

namespace {

using gpustark::cuda::first_lane;
using gpustark::cuda::lane_stride;

__global__ void ntt_bit_reverse_kernel(u32* data, uint64_t lanes, NttParams p) {
    for (uint64_t lane = first_lane(); lane < lanes; lane += lane_stride())
        ntt_bit_reverse_lane(static_cast<u32>(lane), data, p);
}

__global__ void ntt_stage_kernel(u32* data, const u32* twiddles, uint64_t lanes, NttParams p) {
    for (uint64_t lane = first_lane(); lane < lanes; lane += lane_stride())
        ntt_stage_lane(static_cast<u32>(lane), data, twiddles, p);
}

__global__ void ntt_scale_kernel(u32* data, const u32* factors, uint64_t lanes, NttParams p) {
    for (uint64_t lane = first_lane(); lane < lanes; lane += lane_stride())
        ntt_scale_lane(static_cast<u32>(lane), data, factors, p);
}

// Every thread of the block reaches the barriers in the body: no early return here.
__global__ void ntt_block_kernel(u32* data, const u32* twiddles, const u32* factors, NttParams p) {
    extern __shared__ u32 ntt_scratch[];
    ntt_block_lane(threadIdx.x, blockIdx.x, blockDim.x, ntt_scratch, data, twiddles, factors, p);
}

// Lanes of a pass over n * batch elements (n/2 * batch butterflies for a stage); 0 when the
// indices would not fit the bodies' u32 arithmetic.
uint64_t ntt_lanes(const NttParams& p, gpustark::gpu::Kernel kernel) {
    if (p.log_n > 31) return 0;
    uint64_t lanes = (uint64_t(1) << p.log_n) * p.batch;
    if (lanes > 0x100000000ull) return 0;
    return kernel == gpustark::gpu::Kernel::NttStage ? lanes / 2 : lanes;
}

// The block NTT's checks: the plan is plan_ntt_block's for p (one block per 2^log_block rows of
// block_columns columns, scratch for them), and a pass that fuses a bit reversal or a scale is the
// whole transform (GS_NTT_REVERSED_OUT may be on any pass).
cudaError_t check_ntt_block(const NttParams& p, const gpustark::device::LaunchPlan& plan, bool has_factors) {
    if (p.log_block == 0 || p.stage + p.log_block > p.log_n) return cudaErrorInvalidValue;
    const u32 fuses = p.fused & (GS_NTT_FUSE_BIT_REVERSE | GS_NTT_FUSE_SCALE_IN | GS_NTT_FUSE_SCALE_OUT);
    if (fuses != 0 && (p.log_block != p.log_n || p.stage != 0 ||
                       ((fuses & (GS_NTT_FUSE_SCALE_IN | GS_NTT_FUSE_SCALE_OUT)) != 0 && !has_factors)))
        return cudaErrorInvalidValue;
    const uint64_t width = p.block_columns > 1 ? p.block_columns : 1;  // ntt_block_width, on the host
    const uint64_t pitch = gpustark::device::ntt_block_scratch_pitch(width, p.col_stride != 1);
    const uint64_t groups = (uint64_t(1) << (p.log_n - p.log_block)) * ((p.batch + width - 1) / width);
    if (plan.scratch_bytes < (uint64_t(4) << p.log_block) * pitch || plan.grid != groups)
        return cudaErrorInvalidConfiguration;
    return cudaSuccess;
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

// (data; p) bit reverse, (data, twiddles; p) stage, (data, factors; p) scale,
// (data, twiddles, factors; p) block.
cudaError_t launch_ntt_entry(gpu::Kernel kernel, const device::LaunchPlan& plan, const KernelArgs& a,
                             cudaStream_t stream) {
    size_t buffers = 0;
    switch (kernel) {
        case gpu::Kernel::NttBitReverse: buffers = 1; break;
        case gpu::Kernel::NttStage:
        case gpu::Kernel::NttScale: buffers = 2; break;
        case gpu::Kernel::NttBlock: buffers = 3; break;
        default: return cudaErrorInvalidDeviceFunction;
    }
    const NttParams* p = a.params_as<NttParams>();
    if (!p || a.count != buffers) return cudaErrorInvalidValue;
    if (kernel == gpu::Kernel::NttStage && (p->log_n == 0 || p->stage >= p->log_n)) return cudaErrorInvalidValue;
    const uint64_t lanes = ntt_lanes(*p, kernel);
    if (lanes == 0) return p->batch == 0 ? cudaSuccess : cudaErrorInvalidValue;
    u32* data = a.buffer<u32>(0);
    switch (kernel) {
        case gpu::Kernel::NttBitReverse:
            return launch_planned(ntt_bit_reverse_kernel, plan, 0, stream, data, lanes, *p);
        case gpu::Kernel::NttStage:
            return launch_planned(ntt_stage_kernel, plan, 0, stream, data, a.buffer<const u32>(1), lanes, *p);
        case gpu::Kernel::NttScale:
            return launch_planned(ntt_scale_kernel, plan, 0, stream, data, a.buffer<const u32>(1), lanes, *p);
        default: {
            const cudaError_t err = check_ntt_block(*p, plan, a.buffer<const u32>(2) != nullptr);
            if (err != cudaSuccess) return err;
            return launch_planned(ntt_block_kernel, plan, static_cast<size_t>(plan.scratch_bytes), stream, data,
                                  a.buffer<const u32>(1), a.buffer<const u32>(2), *p);
        }
    }
}

}  // namespace cuda
}  // namespace gpustark
