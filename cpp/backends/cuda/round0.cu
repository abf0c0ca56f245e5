// Round 0's gather (core/round0_sums.h): a trace's rows into the (N, count * cols) layout of a
// batched size-N NTT per (chunk, column), on the device. Lane = one gathered value; a grid-stride
// loop around the lane body of kernels/constraints/round0_gather.h (which metal/round0.metal wraps
// too).
#include "../../kernels/constraints/round0_gather.h"
#include "launch.h"

namespace {

using gpustark::CudaKernel;
using gpustark::cuda::first_lane;
using gpustark::cuda::lane_stride;

// Element (a, x, c) of the block of chunks [first, first + count): row (N (first + x) + a + shift)
// mod h of the trace, column c < width; then, with selectors, is_first, is_last, is_transition.
__global__ void round0_gather_kernel(const u32* __restrict__ trace, u32 width, u32 log_height, u32 l_skip,
                                     uint64_t first, uint64_t count, uint64_t shift, u32 cols,
                                     u32* __restrict__ out, uint64_t lanes) {
    for (uint64_t lane = first_lane(); lane < lanes; lane += lane_stride())
        round0_gather_lane(lane, trace, width, log_height, l_skip, first, count, shift, cols, out);
}

}  // namespace

namespace gpustark {
namespace cuda {

const void* round0_kernel(CudaKernel kernel) {
    return kernel == CudaKernel::Round0Gather ? reinterpret_cast<const void*>(&round0_gather_kernel) : nullptr;
}

cudaError_t launch_round0_gather(const u32* trace, u32 width, u32 log_height, u32 l_skip, uint64_t first,
                                 uint64_t count, uint64_t shift, bool selectors, u32* out,
                                 const device::LaunchPlan& plan, cudaStream_t stream) {
    const u32 cols = width + (selectors ? 3 : 0);
    const uint64_t lanes = (uint64_t(1) << l_skip) * count * cols;
    if (lanes == 0) return cudaSuccess;
    return launch_planned(round0_gather_kernel, plan, 0, stream, trace, width, log_height, l_skip, first, count, shift,
                          cols, out, lanes);
}

}  // namespace cuda
}  // namespace gpustark
