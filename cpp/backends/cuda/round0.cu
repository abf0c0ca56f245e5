// Round 0's gather (core/round0_sums.h): a trace's rows into the (N, count * cols) layout of a
// batched size-N NTT per (chunk, column), on the device, and the transpose of a block into the
// column-by-column layout the DAG reads. Lane = one value; grid-stride loops around the lane
// bodies of kernels/constraints/round0_gather.h (which metal/round0.metal wraps too).
#include "../../kernels/constraints/round0_gather.h"
#include "launch.h"

namespace {

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

// Lane = one value of the transposed block.
__global__ void round0_transpose_kernel(const u32* __restrict__ in, uint64_t rows, uint64_t cols, u32* __restrict__ out,
                                        uint64_t lanes) {
    for (uint64_t lane = first_lane(); lane < lanes; lane += lane_stride()) round0_transpose_lane(lane, in, rows, cols, out);
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

cudaError_t launch_round0_gather(const u32* trace, u32 width, u32 log_height, u32 l_skip, uint64_t first,
                                 uint64_t count, uint64_t shift, bool selectors, u32* out,
                                 const device::LaunchPlan& plan, cudaStream_t stream) {
    const u32 cols = width + (selectors ? 3 : 0);
    const uint64_t lanes = (uint64_t(1) << l_skip) * count * cols;
    if (lanes == 0) return cudaSuccess;
    return launch_planned(round0_gather_kernel, plan, 0, stream, trace, width, log_height, l_skip, first, count, shift,
                          cols, out, lanes);
}

cudaError_t launch_round0_transpose(const u32* in, uint64_t rows, uint64_t cols, u32* out,
                                    const device::LaunchPlan& plan, cudaStream_t stream) {
    if (rows == 0 || cols == 0) return cudaSuccess;
    return launch_planned(round0_transpose_kernel, plan, 0, stream, in, rows, cols, out, rows * cols);
}

}  // namespace cuda
}  // namespace gpustark
