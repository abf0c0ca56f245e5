// Proof-of-work entry point: lane i tests witness first_witness + i and atomically lowers *best,
// in a grid-stride loop (launch.h; the grinder launches one wave of resident threads per window)
// that ends early once a smaller witness is known.
#include "../../kernels/pow/pow.h"
#include "launch.h"

namespace {

using gpustark::cuda::first_lane;
using gpustark::cuda::lane_stride;

// The grid strides over the window in order, so once a thread has lowered *best below this
// thread's next witness, no later witness can be the smallest: the thread stops there, and a
// window costs about as many trials as the hit needs rather than the whole window.
__global__ void pow_grind_kernel(PowParams p, uint64_t lanes, u32* best) {
    for (uint64_t lane = first_lane(); lane < lanes; lane += lane_stride()) {
        if (*static_cast<volatile const u32*>(best) < p.first_witness + static_cast<u32>(lane)) break;
        pow_grind_body(static_cast<u32>(lane), p, best);
    }
}

}  // namespace

namespace gpustark {
namespace cuda {

const void* pow_kernel(gpu::Kernel kernel) {
    return kernel == gpu::Kernel::PowGrind ? reinterpret_cast<const void*>(&pow_grind_kernel) : nullptr;
}

cudaError_t launch_pow_grind(const PowParams& p, uint64_t lanes, uint32_t* best, const device::LaunchPlan& plan,
                             cudaStream_t stream) {
    if (lanes == 0) return cudaSuccess;
    // Witnesses first_witness + lane must stay below 2^32 (the body adds in u32).
    if (static_cast<uint64_t>(p.first_witness) + lanes > 0x100000000ull) return cudaErrorInvalidValue;
    return launch_planned(pow_grind_kernel, plan, 0, stream, p, lanes, best);
}

}  // namespace cuda
}  // namespace gpustark
