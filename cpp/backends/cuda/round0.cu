// Round 0's gather (core/round0_sums.h): a trace's rows into the (N, count * cols) layout of a
// batched size-N NTT per (chunk, column), on the device, and the transpose of a block into the
// column-by-column layout the DAG reads. Lane = one value; grid-stride loops around the lane
// bodies of kernels/constraints/round0_gather.h, taking the Params structs and the buffers in the
// order metal/round0.metal's entries take them.
#include "../../kernels/constraints/round0_gather.h"
#include "launch.h"

namespace {

using gpustark::cuda::first_lane;
using gpustark::cuda::lane_stride;

// Element (a, x, c) of the block of chunks [first, first + count): row (N (first + x) + a + shift)
// mod h of the trace, column c < width; then, with selectors, is_first, is_last, is_transition.
__global__ void round0_gather_kernel(const u32* __restrict__ trace, u32* __restrict__ out, Round0GatherParams p) {
    for (uint64_t lane = first_lane(); lane < p.lanes; lane += lane_stride())
        round0_gather_lane(lane, trace, p.width, p.log_height, p.l_skip, p.first, p.count, p.shift, p.cols, out);
}

// Lane = one value of the transposed block.
__global__ void round0_transpose_kernel(const u32* __restrict__ in, u32* __restrict__ out, Round0TransposeParams p) {
    for (uint64_t lane = first_lane(); lane < p.lanes; lane += lane_stride())
        round0_transpose_lane(lane, in, p.rows, p.cols, out);
}

}  // namespace

namespace gpustark {
namespace cuda {

const void* round0_kernel(gpu::Kernel kernel) {
    switch (kernel) {
        case gpu::Kernel::Round0Gather: return reinterpret_cast<const void*>(&round0_gather_kernel);
        case gpu::Kernel::Round0Transpose: return reinterpret_cast<const void*>(&round0_transpose_kernel);
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
    if (kernel == gpu::Kernel::Round0Transpose) {
        const Round0TransposeParams* p = a.params_as<Round0TransposeParams>();
        if (!p || a.count != 2) return cudaErrorInvalidValue;
        if (p->lanes == 0) return cudaSuccess;
        return launch_planned(round0_transpose_kernel, plan, 0, stream, a.buffer<const u32>(0), a.buffer<u32>(1), *p);
    }
    return cudaErrorInvalidDeviceFunction;
}

}  // namespace cuda
}  // namespace gpustark
