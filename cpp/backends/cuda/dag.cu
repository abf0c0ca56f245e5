// Constraint DAG entry points (core/dag_program.h): the program of kernels/dag/dag_code.h run
// at one point per lane, as grid-stride loops around the lane bodies of kernels/dag/dag_lanes.h
// (which metal/dag.metal wraps too). A thread's slots are column `thread` of a slots x threads
// matrix in device memory, so a warp's slot accesses are coalesced; the grid is sized so that
// matrix fits the scratch the host allocated (cuda_dag.cpp).
#include "../../kernels/dag/dag_lanes.h"
#include "block_sum.cuh"
#include "launch.h"

namespace {

using gpustark::cuda::block_sum;
using gpustark::cuda::first_lane;
using gpustark::cuda::kDagMaxPoints;
using gpustark::cuda::lane_stride;

static_assert(kDagMaxPoints == GS_DAG_MAX_POINTS, "CUDA and Metal keep the same sums per block");

// Lane = (group g, point k), k fastest: out[k * group_count + g] = group g's sums at point k.
__global__ void dag_base_sums_kernel(const u32* __restrict__ code, const u32* __restrict__ groups,
                                     const Ef* __restrict__ weights, const Fp* __restrict__ constants,
                                     const u32* __restrict__ local, const u32* __restrict__ next,
                                     const __grid_constant__ DagBaseSumsParams params, Fp* __restrict__ slots,
                                     DagSums* __restrict__ out) {
    const uint64_t thread = first_lane(), threads = lane_stride(), lanes = params.lanes;
    for (uint64_t lane = first_lane(); lane < lanes; lane += lane_stride())
        dag_base_sums_lane(lane, thread, threads, code, groups, weights, constants, local, next, params, slots, out);
}

// Lane = point k: the sum of its groups' sums.
__global__ void dag_group_sums_kernel(const DagSums* __restrict__ partial, u32 group_count, uint64_t points,
                                      DagSums* __restrict__ out) {
    for (uint64_t k = first_lane(); k < points; k += lane_stride()) dag_group_sums_lane(k, partial, group_count, out);
}

// Lane = (table, pair, point index): the tables folded at the round's points.
__global__ void dag_fold_points_kernel(const Ef* __restrict__ tables, const __grid_constant__ DagFoldPointsParams params,
                                       Ef* __restrict__ out) {
    const uint64_t lanes = params.lanes;
    for (uint64_t lane = first_lane(); lane < lanes; lane += lane_stride())
        dag_fold_points_lane(lane, tables, params, out);
}

// Lane = (group, pair, point index k), k fastest. Each thread adds eq(x_k, pair) G_g(x_k, pair)
// into its sum for x_k (the groups' G_g add up to G); the block's sums go to partials. No early
// return: every thread reaches block_sum.
__global__ void dag_round_kernel(const u32* __restrict__ code, const u32* __restrict__ groups,
                                 const Ef* __restrict__ weights, const Fp* __restrict__ constants,
                                 const Ef* __restrict__ folded, const __grid_constant__ DagRoundParams params,
                                 Ef* __restrict__ slots, Ef* __restrict__ partials) {
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

uint64_t dag_round_scratch(uint32_t group) { return uint64_t(group) * kDagMaxPoints * sizeof(Ef); }

cudaError_t launch_dag_base_sums(const DagDeviceProgram& program, const DagBaseSumsParams& params, const u32* local,
                                 const u32* next, Fp* slots, DagSums* partial, const device::LaunchPlan& plan,
                                 cudaStream_t stream) {
    if (params.lanes == 0) return cudaSuccess;
    if (program.group_count == 0 || params.group_count != program.group_count || params.width != program.width)
        return cudaErrorInvalidValue;
    return launch_planned(dag_base_sums_kernel, plan, 0, stream, program.code, program.groups, program.weights,
                          program.constants, local, next, params, slots, partial);
}

cudaError_t launch_dag_group_sums(const DagSums* partial, uint32_t group_count, uint64_t points, DagSums* out,
                                  const device::LaunchPlan& plan, cudaStream_t stream) {
    if (points == 0) return cudaSuccess;
    return launch_planned(dag_group_sums_kernel, plan, 0, stream, partial, group_count, points, out);
}

cudaError_t launch_dag_fold_points(const Ef* tables, const DagFoldPointsParams& params, Ef* out,
                                   const device::LaunchPlan& plan, cudaStream_t stream) {
    if (params.points == 0 || params.points > kDagMaxPoints || params.units % params.points != 0 ||
        (params.bound && params.units != 1))
        return cudaErrorInvalidValue;
    if (params.lanes == 0) return cudaSuccess;
    return launch_planned(dag_fold_points_kernel, plan, 0, stream, tables, params, out);
}

cudaError_t launch_dag_round(const DagDeviceProgram& program, const Ef* folded, const DagRoundParams& params,
                             Ef* slots, Ef* partials, const device::LaunchPlan& plan, cudaStream_t stream) {
    if (params.points == 0 || params.points > kDagMaxPoints || program.group_count == 0 ||
        params.group_count != program.group_count || params.width != program.width)
        return cudaErrorInvalidValue;
    if (plan.scratch_bytes < dag_round_scratch(plan.group)) return cudaErrorInvalidConfiguration;
    return launch_planned(dag_round_kernel, plan, static_cast<size_t>(plan.scratch_bytes), stream, program.code,
                          program.groups, program.weights, program.constants, folded, params, slots, partials);
}

}  // namespace cuda
}  // namespace gpustark
