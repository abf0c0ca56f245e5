// Round 0's gather (core/round0_sums.h): a block of a trace's chunks, column by column, into the
// layout of a column-major batched size-N NTT per (column, chunk), which the DAG reads as it is.
// Lane = one value; a grid-stride loop around the lane body of kernels/constraints/round0_gather.h,
// taking the Params struct and the buffers in the order metal/round0.metal's entry takes them.
#include "../../kernels/constraints/round0_gather.h"
#include "launch.h"

namespace {

using gpustark::cuda::first_lane;
using gpustark::cuda::lane_stride;

// Element (c, x, a) of the block of chunks [first, first + count): row (N (first + x) + a + shift)
// mod h of the trace, column c < width; then, with selectors, is_first, is_last, is_transition.
__global__ void round0_gather_kernel(const u32* __restrict__ trace, u32* __restrict__ out, Round0GatherParams p) {
    for (uint64_t lane = first_lane(); lane < p.lanes; lane += lane_stride())
        round0_gather_lane(lane, trace, p.width, p.log_height, p.l_skip, p.first, p.count, p.shift, p.cols, out);
}

}  // namespace

namespace gpustark {
namespace cuda {

const void* round0_kernel(gpu::Kernel kernel) {
    switch (kernel) {
        case gpu::Kernel::Round0Gather: return reinterpret_cast<const void*>(&round0_gather_kernel);
        default: return nullptr;
    }
}

cudaError_t launch_round0_entry(gpu::Kernel kernel, const device::LaunchPlan& plan, const KernelArgs& a,
                                cudaStream_t stream) {
    if (kernel == gpu::Kernel::Round0Gather) {
        const Round0GatherParams* p = a.params_as<Round0GatherParams>();
        if (!p || a.count != 2) return cudaErrorInvalidValue;
        if (p->lanes == 0) return cudaSuccess;
        return launch_planned(round0_gather_kernel, plan, 0, stream, a.buffer<const u32>(0), a.buffer<u32>(1), *p);
    }
    return cudaErrorInvalidDeviceFunction;
}

}  // namespace cuda
}  // namespace gpustark
