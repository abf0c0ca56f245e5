// Round 0 (core/round0_sums.h): the gather of a block of a trace's chunks to D or a coset, column
// by column, in the layout the DAG reads (lane = one (chunk, column)), and the DAG's per-point sums
// weighted by eq and added per a (lane = one (domain, piece, a), then one (domain, a)). Grid-stride
// loops around the lane bodies of kernels/constraints/round0_gather.h and round0_eq_sums.h, taking
// the Params structs and the buffers in the order metal/round0.metal's entries take them.
#include "../../kernels/constraints/round0_eq_sums.h"
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

// A block's sums weighted by eq and added into each lane's running partial.
__global__ void round0_eq_sums_kernel(const DagSums* __restrict__ sums, const Ef* __restrict__ eq,
                                      DagSums* __restrict__ partials, Round0EqSumsParams p) {
    for (uint64_t lane = first_lane(); lane < p.lanes; lane += lane_stride())
        round0_eq_sums_lane(lane, sums, eq, partials, p.first, p.count, p.l_skip, p.pieces);
}

// The pieces' partials added per (domain, a).
__global__ void round0_piece_sums_kernel(const DagSums* __restrict__ partials, DagSums* __restrict__ totals,
                                         Round0PieceSumsParams p) {
    for (uint64_t lane = first_lane(); lane < p.lanes; lane += lane_stride())
        round0_piece_sums_lane(lane, partials, p.l_skip, p.pieces, totals);
}

}  // namespace

namespace gpustark {
namespace cuda {

const void* round0_kernel(gpu::Kernel kernel) {
    switch (kernel) {
        case gpu::Kernel::Round0Gather: return reinterpret_cast<const void*>(&round0_gather_kernel);
        case gpu::Kernel::Round0EqSums: return reinterpret_cast<const void*>(&round0_eq_sums_kernel);
        case gpu::Kernel::Round0PieceSums: return reinterpret_cast<const void*>(&round0_piece_sums_kernel);
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
    if (kernel == gpu::Kernel::Round0EqSums) {
        const Round0EqSumsParams* p = a.params_as<Round0EqSumsParams>();
        if (!p || a.count != 3 || p->pieces == 0) return cudaErrorInvalidValue;
        if (p->lanes == 0) return cudaSuccess;
        return launch_planned(round0_eq_sums_kernel, plan, 0, stream, a.buffer<const DagSums>(0), a.buffer<const Ef>(1),
                              a.buffer<DagSums>(2), *p);
    }
    if (kernel == gpu::Kernel::Round0PieceSums) {
        const Round0PieceSumsParams* p = a.params_as<Round0PieceSumsParams>();
        if (!p || a.count != 2) return cudaErrorInvalidValue;
        if (p->lanes == 0) return cudaSuccess;
        return launch_planned(round0_piece_sums_kernel, plan, 0, stream, a.buffer<const DagSums>(0),
                              a.buffer<DagSums>(1), *p);
    }
    return cudaErrorInvalidDeviceFunction;
}

}  // namespace cuda
}  // namespace gpustark
