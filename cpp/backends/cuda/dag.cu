// Constraint DAG entry points (core/dag_program.h): the program of kernels/dag/dag_program.h run
// at one point per lane. A thread's slots are column `thread` of a slots x threads matrix in
// device memory, so a warp's slot accesses are coalesced; the grid is sized so that matrix fits
// the scratch the host allocated (cuda_dag.cpp).
#include "../../kernels/dag/dag_program.h"
#include "../../kernels/sumcheck/tables.h"
#include "block_sum.cuh"
#include "launch.h"

namespace {

using gpustark::CudaKernel;
using gpustark::cuda::block_sum;
using gpustark::cuda::DagRoundArgs;
using gpustark::cuda::first_lane;
using gpustark::cuda::kDagMaxPoints;
using gpustark::cuda::lane_stride;

template <class V>
struct SlotColumn {
    V* base;  // slot 0 of this thread
    uint64_t stride;
    __device__ V slot(u32 k) const { return base[k * stride]; }
    __device__ void set_slot(u32 k, V v) { base[k * stride] = v; }
};

// A base-field point: canonical words of its local row (then its three selectors) and next row.
struct BasePoint : SlotColumn<Fp> {
    const u32* here;
    const u32* after;
    u32 width;
    __device__ Fp local(u32 c) const { return fp_from_canonical(here[c]); }
    __device__ Fp next(u32 c) const { return fp_from_canonical(after[c]); }
    __device__ Fp selector(u32 s) const { return fp_from_canonical(here[width + s]); }
};

// A point of a trace's tables (local, next, selectors, eq at stride apart): the values at
// (x, pair), or the tables' one entry when every variable is bound.
struct TablePoint : SlotColumn<Ef> {
    const Ef* tables;
    uint64_t table_stride;
    u32 width;
    uint64_t pair;
    Ef x;
    bool bound;
    __device__ Ef at(uint64_t c) const {
        const Ef* t = tables + c * table_stride;
        return bound ? t[0] : sumcheck_fold_pair(t[2 * pair], t[2 * pair + 1], x);
    }
    __device__ Ef local(u32 c) const { return at(c); }
    __device__ Ef next(u32 c) const { return at(width + c); }
    __device__ Ef selector(u32 s) const { return at(2 * uint64_t(width) + s); }
};

// Lane = (point k, group g), g fastest: out[lane] = group g's sums at point k.
__global__ void dag_base_sums_kernel(const u32* __restrict__ code, const u32* __restrict__ groups, u32 group_count,
                                     const Ef* __restrict__ weights, const Fp* __restrict__ constants,
                                     const u32* __restrict__ local, uint64_t local_stride,
                                     const u32* __restrict__ next, uint64_t next_stride, u32 width, uint64_t lanes,
                                     Fp* __restrict__ slots, DagSums* __restrict__ out) {
    const uint64_t thread = first_lane(), threads = lane_stride();
    for (uint64_t lane = first_lane(); lane < lanes; lane += lane_stride()) {
        const uint64_t k = lane / group_count, g = lane % group_count;
        BasePoint p;
        p.base = slots + thread;
        p.stride = threads;
        p.here = local + k * local_stride;
        p.after = next + k * next_stride;
        p.width = width;
        out[lane] = dag_run<Fp>(code + 4 * uint64_t(groups[2 * g]), groups[2 * g + 1], weights, constants, p);
    }
}

// Lane = point k: the sum of its groups' sums.
__global__ void dag_group_sums_kernel(const DagSums* __restrict__ partial, u32 group_count, uint64_t points,
                                      DagSums* __restrict__ out) {
    for (uint64_t k = first_lane(); k < points; k += lane_stride()) {
        DagSums s = partial[k * group_count];
        for (u32 g = 1; g < group_count; ++g) {
            const DagSums& t = partial[k * group_count + g];
            s.constraint = ef_add(s.constraint, t.constraint);
            s.numerator = ef_add(s.numerator, t.numerator);
            s.denominator = ef_add(s.denominator, t.denominator);
        }
        out[k] = s;
    }
}

// Lane = (pair, point index k < args.points, group g), g fastest. Each thread adds
// eq(x_k, pair) G_g(x_k, pair) into its sum for x_k (the groups' G_g add up to G); the block's
// sums go to partials. No early return: every thread reaches block_sum.
__global__ void dag_round_kernel(const u32* __restrict__ code, const u32* __restrict__ groups, u32 group_count,
                                 const Ef* __restrict__ weights,
                                 const Fp* __restrict__ constants, const Ef* __restrict__ tables, uint64_t table_stride,
                                 u32 width, uint64_t first_pair, uint64_t lanes, const __grid_constant__ DagRoundArgs args,
                                 Ef* __restrict__ slots, Ef* __restrict__ partials) {
    extern __shared__ Ef dag_scratch[];
    const uint64_t thread = first_lane(), threads = lane_stride();
    const uint64_t eq_table = 2 * uint64_t(width) + 3;
    Ef s[kDagMaxPoints];
    for (u32 k = 0; k < kDagMaxPoints; ++k) s[k] = ef_zero();
    for (uint64_t lane = first_lane(); lane < lanes; lane += lane_stride()) {
        const uint64_t g = lane % group_count, unit = lane / group_count;
        const u32 k = u32(unit % args.points);
        TablePoint p;
        p.base = slots + thread;
        p.stride = threads;
        p.tables = tables;
        p.table_stride = table_stride;
        p.width = width;
        p.pair = first_pair + unit / args.points;
        p.x = args.xs[k];
        p.bound = args.bound != 0;
        const DagSums d = dag_run<Ef>(code + 4 * uint64_t(groups[2 * g]), groups[2 * g + 1], weights, constants, p);
        const Ef inner = ef_add(ef_mul(args.combine[0], d.constraint),
                                ef_add(ef_mul(args.combine[1], d.numerator), ef_mul(args.combine[2], d.denominator)));
        s[k] = ef_add(s[k], ef_mul(p.at(eq_table), inner));
    }
    block_sum<kDagMaxPoints>(s, dag_scratch, partials);
}

}  // namespace

namespace gpustark {
namespace cuda {

const void* dag_kernel(CudaKernel kernel) {
    switch (kernel) {
        case CudaKernel::DagBaseSums: return reinterpret_cast<const void*>(&dag_base_sums_kernel);
        case CudaKernel::DagRound: return reinterpret_cast<const void*>(&dag_round_kernel);
        case CudaKernel::DagGroupSums: return reinterpret_cast<const void*>(&dag_group_sums_kernel);
        default: return nullptr;
    }
}

uint64_t dag_round_scratch(uint32_t group) { return uint64_t(group) * kDagMaxPoints * sizeof(Ef); }

cudaError_t launch_dag_base_sums(const DagDeviceProgram& program, const u32* local, uint64_t local_stride,
                                 const u32* next, uint64_t next_stride, uint64_t points, Fp* slots, DagSums* partial,
                                 const device::LaunchPlan& plan, cudaStream_t stream) {
    if (points == 0) return cudaSuccess;
    if (local_stride < uint64_t(program.width) + 3 || next_stride < program.width || program.group_count == 0)
        return cudaErrorInvalidValue;
    return launch_planned(dag_base_sums_kernel, plan, 0, stream, program.code, program.groups, program.group_count,
                          program.weights, program.constants, local, local_stride, next, next_stride, program.width,
                          points * program.group_count, slots, partial);
}

cudaError_t launch_dag_group_sums(const DagSums* partial, uint32_t group_count, uint64_t points, DagSums* out,
                                  const device::LaunchPlan& plan, cudaStream_t stream) {
    if (points == 0) return cudaSuccess;
    return launch_planned(dag_group_sums_kernel, plan, 0, stream, partial, group_count, points, out);
}

cudaError_t launch_dag_round(const DagDeviceProgram& program, const Ef* tables, uint64_t table_stride,
                             uint64_t first_pair, uint64_t pairs, const DagRoundArgs& args, Ef* slots, Ef* partials,
                             const device::LaunchPlan& plan, cudaStream_t stream) {
    if (args.points == 0 || args.points > kDagMaxPoints || (args.bound && (pairs != 1 || args.points != 1)) ||
        program.group_count == 0)
        return cudaErrorInvalidValue;
    if (plan.scratch_bytes < dag_round_scratch(plan.group)) return cudaErrorInvalidConfiguration;
    return launch_planned(dag_round_kernel, plan, static_cast<size_t>(plan.scratch_bytes), stream, program.code,
                          program.groups, program.group_count, program.weights, program.constants, tables,
                          table_stride, program.width, first_pair, pairs * args.points * program.group_count, args,
                          slots, partials);
}

}  // namespace cuda
}  // namespace gpustark
