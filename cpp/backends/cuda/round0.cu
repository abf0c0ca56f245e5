// Round 0's gather (core/round0_sums.h): a trace's rows into the (N, count * cols) layout of a
// batched size-N NTT per (chunk, column), on the device. Lane = one gathered value.
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
    const uint64_t height_mask = (uint64_t(1) << log_height) - 1, n = uint64_t(1) << l_skip;
    for (uint64_t lane = first_lane(); lane < lanes; lane += lane_stride()) {
        const uint64_t point = lane / cols, c = lane % cols;
        const uint64_t a = point / count, x = point % count;
        const uint64_t row = (n * (first + x) + a + shift) & height_mask;
        u32 v;
        if (c < width) v = trace[row * width + c];
        else if (c == width) v = row == 0;
        else if (c == width + 1) v = row == height_mask;
        else v = row != height_mask;
        out[lane] = v;
    }
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
