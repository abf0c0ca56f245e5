// Constraint DAG entry points (core/dag_program.h): the program of kernels/dag/dag_code.h run
// at one point per lane, as grid-stride loops around the lane bodies of kernels/dag/dag_lanes.h
// (which metal/dag.metal wraps too). A thread's slots are column `thread` of a slots x threads
// matrix in device memory, so a warp's slot accesses are coalesced; the grid is sized so that
// matrix fits the scratch the host allocated (gpu/gpu_dag.cpp). Arguments on the shared
// convention (launch_dag_entry): metal/dag.metal's buffers, then its Params struct.
#include "../../kernels/dag/dag_lanes.h"
#include "block_sum.cuh"
#include "launch.h"

namespace {

using gpustark::cuda::block_sum;
using gpustark::cuda::first_lane;
using gpustark::cuda::lane_stride;

constexpr uint32_t kDagMaxPoints = GS_DAG_MAX_POINTS;  // a round block's sums: one per x

// Lane = (group g, point k), k fastest: out[k * group_count + g] = group g's sums at point k.
__global__ void dag_base_sums_kernel(const u32* __restrict__ code, const u32* __restrict__ groups,
                                     const Ef* __restrict__ weights, const Fp* __restrict__ constants,
                                     const u32* __restrict__ local, const u32* __restrict__ next,
                                     Fp* __restrict__ slots, DagSums* __restrict__ out,
                                     const __grid_constant__ DagBaseSumsParams params) {
    const uint64_t thread = first_lane(), threads = lane_stride(), lanes = params.lanes;
    for (uint64_t lane = first_lane(); lane < lanes; lane += lane_stride())
        dag_base_sums_lane(lane, thread, threads, code, groups, weights, constants, local, next, params, slots, out);
}

// Lane = point k: the sum of its groups' sums.
__global__ void dag_group_sums_kernel(const DagSums* __restrict__ partial, DagSums* __restrict__ out,
                                      DagGroupSumsParams p) {
    for (uint64_t k = first_lane(); k < p.points; k += lane_stride()) dag_group_sums_lane(k, partial, p.group_count, out);
}

// Lane = (table, pair, point index): the tables folded at the round's points.
__global__ void dag_fold_points_kernel(const Ef* __restrict__ tables, Ef* __restrict__ out,
                                       const __grid_constant__ DagFoldPointsParams params) {
    const uint64_t lanes = params.lanes;
    for (uint64_t lane = first_lane(); lane < lanes; lane += lane_stride())
        dag_fold_points_lane(lane, tables, params, out);
}

// Lane = (group, pair, point index k), k fastest. Each thread adds eq(x_k, pair) G_g(x_k, pair)
// into its sum for x_k (the groups' G_g add up to G); the block's sums go to partials. No early
// return: every thread reaches block_sum.
__global__ void dag_round_kernel(const u32* __restrict__ code, const u32* __restrict__ groups,
                                 const Ef* __restrict__ weights, const Fp* __restrict__ constants,
                                 const Ef* __restrict__ folded, Ef* __restrict__ slots, Ef* __restrict__ partials,
                                 const __grid_constant__ DagRoundParams params) {
    extern __shared__ Ef dag_scratch[];
    const uint64_t thread = first_lane(), threads = lane_stride(), lanes = params.lanes;
    Ef s[kDagMaxPoints];
    for (u32 k = 0; k < kDagMaxPoints; ++k) s[k] = ef_zero();
    for (uint64_t lane = first_lane(); lane < lanes; lane += lane_stride())
        dag_round_lane(lane, thread, threads, code, groups, weights, constants, folded, params, slots, s);
    block_sum<kDagMaxPoints>(s, dag_scratch, partials);
}

}  // namespace

namespace gpustark {
namespace cuda {

const void* dag_kernel(gpu::Kernel kernel) {
    switch (kernel) {
        case gpu::Kernel::DagBaseSums: return reinterpret_cast<const void*>(&dag_base_sums_kernel);
        case gpu::Kernel::DagRound: return reinterpret_cast<const void*>(&dag_round_kernel);
        case gpu::Kernel::DagGroupSums: return reinterpret_cast<const void*>(&dag_group_sums_kernel);
        case gpu::Kernel::DagFoldPoints: return reinterpret_cast<const void*>(&dag_fold_points_kernel);
        default: return nullptr;
    }
}

cudaError_t launch_dag_entry(gpu::Kernel kernel, const device::LaunchPlan& plan, const KernelArgs& a,
                             cudaStream_t stream) {
    if (kernel == gpu::Kernel::DagBaseSums) {  // (code, groups, weights, constants, local, next, slots, out)
        const DagBaseSumsParams* p = a.params_as<DagBaseSumsParams>();
        if (!p || a.count != 8) return cudaErrorInvalidValue;
        if (p->lanes == 0) return cudaSuccess;
        if (p->group_count == 0) return cudaErrorInvalidValue;
        return launch_planned(dag_base_sums_kernel, plan, 0, stream, a.buffer<const u32>(0), a.buffer<const u32>(1),
                              a.buffer<const Ef>(2), a.buffer<const Fp>(3), a.buffer<const u32>(4),
                              a.buffer<const u32>(5), a.buffer<Fp>(6), a.buffer<DagSums>(7), *p);
    }
    if (kernel == gpu::Kernel::DagGroupSums) {  // (partial, out)
        const DagGroupSumsParams* p = a.params_as<DagGroupSumsParams>();
        if (!p || a.count != 2) return cudaErrorInvalidValue;
        if (p->points == 0) return cudaSuccess;
        return launch_planned(dag_group_sums_kernel, plan, 0, stream, a.buffer<const DagSums>(0),
                              a.buffer<DagSums>(1), *p);
    }
    if (kernel == gpu::Kernel::DagFoldPoints) {  // (tables, out)
        const DagFoldPointsParams* p = a.params_as<DagFoldPointsParams>();
        if (!p || a.count != 2 || p->points == 0 || p->points > kDagMaxPoints || p->units % p->points != 0 ||
            (p->bound && p->units != 1))
            return cudaErrorInvalidValue;
        if (p->lanes == 0) return cudaSuccess;
        return launch_planned(dag_fold_points_kernel, plan, 0, stream, a.buffer<const Ef>(0), a.buffer<Ef>(1), *p);
    }
    if (kernel == gpu::Kernel::DagRound) {  // (code, groups, weights, constants, folded, slots, partials)
        const DagRoundParams* p = a.params_as<DagRoundParams>();
        if (!p || a.count != 7 || p->points == 0 || p->points > kDagMaxPoints || p->group_count == 0)
            return cudaErrorInvalidValue;
        if (!block_sum_fits(plan, kDagMaxPoints)) return cudaErrorInvalidConfiguration;
        return launch_planned(dag_round_kernel, plan, size_t(plan.scratch_bytes), stream, a.buffer<const u32>(0),
                              a.buffer<const u32>(1), a.buffer<const Ef>(2), a.buffer<const Fp>(3),
                              a.buffer<const Ef>(4), a.buffer<Ef>(5), a.buffer<Ef>(6), *p);
    }
    return cudaErrorInvalidDeviceFunction;
}

}  // namespace cuda
}  // namespace gpustark
