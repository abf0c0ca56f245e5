// Round 0's gather (core/round0_sums.h): a block of a trace's chunks taken to D or a coset, column
// by column, in the layout the DAG reads. Lane = one (chunk, column); a grid-stride loop around
// the lane body of kernels/constraints/round0_gather.h, taking the Params struct and the buffers
// in the order metal/round0.metal's entry takes them.
#include "../../kernels/constraints/round0_gather.h"
#include "launch.h"

namespace {

using gpustark::cuda::first_lane;
using gpustark::cuda::lane_stride;

// Chunk x, column c of the block of chunks [first, first + count): its local and next points on
// D or on the coset whose tables `powers` holds.
__global__ void round0_gather_kernel(const u32* __restrict__ trace, u32* __restrict__ local, u32* __restrict__ next,
                                     const Fp* __restrict__ powers, Round0GatherParams p) {
    for (uint64_t lane = first_lane(); lane < p.lanes; lane += lane_stride())
        round0_gather_lane(lane, trace, p, powers, local, next);
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
        if (!p || a.count != 4) return cudaErrorInvalidValue;
        if (p->lanes == 0) return cudaSuccess;
        if (p->l_skip > GS_REGISTER_DFT_MAX_LOG) return cudaErrorInvalidValue;  // the chunk lives in registers
        return launch_planned(round0_gather_kernel, plan, 0, stream, a.buffer<const u32>(0), a.buffer<u32>(1),
                              a.buffer<u32>(2), a.buffer<const Fp>(3), *p);
    }
    return cudaErrorInvalidDeviceFunction;
}

}  // namespace cuda
}  // namespace gpustark
