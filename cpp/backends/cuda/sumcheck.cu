// Sumcheck table entry points (core/ef_tables.h): fold, the two round reductions and
// add_eq_powers, as grid-stride lane loops (launch.h) around the lane bodies of
// kernels/sumcheck/table_lanes.h (which metal/sumcheck.metal wraps too). The rounds sum their
// lanes per thread, then per block in shared memory, and write one partial sum per block for the
// host to add. Arguments on the shared convention (launch_sumcheck_entry): metal/sumcheck.metal's
// buffers, then its Params struct.
#include "../../kernels/sumcheck/table_lanes.h"
#include "block_sum.cuh"
#include "launch.h"

namespace {

using gpustark::cuda::block_sum;
using gpustark::cuda::first_lane;
using gpustark::cuda::lane_stride;

constexpr uint32_t kPairProductSums = GS_SUMCHECK_PAIR_PRODUCT_SUMS;  // s(1), s(2)
constexpr uint32_t kFractionSums = GS_SUMCHECK_FRACTION_SUMS;         // s(1), s(2), s(3)

// Lane = (table c, output index i): out[c][i] = fold of in[c]'s pair i.
__global__ void sumcheck_fold_kernel(const Ef* __restrict__ in, Ef* __restrict__ out, SumcheckFoldParams p) {
    for (uint64_t lane = first_lane(); lane < p.lanes; lane += lane_stride())
        sumcheck_fold_lane(lane, in, out, p.log_half, p.stride, p.out_shift, p.r);
}

// Lane = (pair of tables j, pair index i) of a_j = table 2j, b_j = table 2j + 1.
// No early return: every thread reaches block_sum's barriers.
__global__ void sumcheck_pair_product_kernel(const Ef* __restrict__ tables, Ef* __restrict__ partials,
                                             SumcheckPairProductParams p) {
    extern __shared__ Ef sumcheck_scratch[];
    Ef s[kPairProductSums] = {ef_zero(), ef_zero()};
    for (uint64_t lane = first_lane(); lane < p.lanes; lane += lane_stride())
        sumcheck_pair_product_lane(lane, tables, p.log_half, p.stride, s);
    block_sum<kPairProductSums>(s, sumcheck_scratch, partials);
}

// Lane = pair index i of the five tables p0, p1, q0, q1, eq (tables 0..4).
// No early return: every thread reaches block_sum's barriers.
__global__ void sumcheck_fraction_kernel(const Ef* __restrict__ tables, Ef* __restrict__ partials,
                                         SumcheckFractionParams p) {
    extern __shared__ Ef sumcheck_scratch[];
    Ef s[kFractionSums] = {ef_zero(), ef_zero(), ef_zero()};
    for (uint64_t i = first_lane(); i < p.lanes; i += lane_stride())
        sumcheck_fraction_lane(i, tables, p.stride, p.lambda, s);
    block_sum<kFractionSums>(s, sumcheck_scratch, partials);
}

// Lane = entry i; every lane reads the same point records (cached).
__global__ void sumcheck_add_eq_powers_kernel(Ef* __restrict__ table, const Ef* __restrict__ points,
                                              const SumcheckAddEqPowersParams p) {
    for (uint64_t i = first_lane(); i < p.lanes; i += lane_stride())
        sumcheck_add_eq_powers_lane(i, table, p.vars, p.count, points);
}

}  // namespace

namespace gpustark {
namespace cuda {

const void* sumcheck_kernel(gpu::Kernel kernel) {
    switch (kernel) {
        case gpu::Kernel::SumcheckFold: return reinterpret_cast<const void*>(&sumcheck_fold_kernel);
        case gpu::Kernel::SumcheckPairProduct: return reinterpret_cast<const void*>(&sumcheck_pair_product_kernel);
        case gpu::Kernel::SumcheckFraction: return reinterpret_cast<const void*>(&sumcheck_fraction_kernel);
        case gpu::Kernel::SumcheckAddEqPowers: return reinterpret_cast<const void*>(&sumcheck_add_eq_powers_kernel);
        default: return nullptr;
    }
}

cudaError_t launch_sumcheck_entry(gpu::Kernel kernel, const device::LaunchPlan& plan, const KernelArgs& a,
                                  cudaStream_t stream) {
    if (kernel == gpu::Kernel::SumcheckFold) {  // (in, out): a fold in place would race
        const SumcheckFoldParams* p = a.params_as<SumcheckFoldParams>();
        if (!p || a.count != 2 || a.buffers[0] == a.buffers[1]) return cudaErrorInvalidValue;
        if (p->lanes == 0) return cudaSuccess;
        return launch_planned(sumcheck_fold_kernel, plan, 0, stream, a.buffer<const Ef>(0), a.buffer<Ef>(1), *p);
    }
    if (kernel == gpu::Kernel::SumcheckPairProduct) {  // (tables, partials)
        const SumcheckPairProductParams* p = a.params_as<SumcheckPairProductParams>();
        if (!p || a.count != 2) return cudaErrorInvalidValue;
        if (p->lanes == 0) return cudaSuccess;
        if (!block_sum_fits(plan, kPairProductSums)) return cudaErrorInvalidConfiguration;
        return launch_planned(sumcheck_pair_product_kernel, plan, size_t(plan.scratch_bytes), stream,
                              a.buffer<const Ef>(0), a.buffer<Ef>(1), *p);
    }
    if (kernel == gpu::Kernel::SumcheckFraction) {  // (tables, partials)
        const SumcheckFractionParams* p = a.params_as<SumcheckFractionParams>();
        if (!p || a.count != 2) return cudaErrorInvalidValue;
        if (!block_sum_fits(plan, kFractionSums)) return cudaErrorInvalidConfiguration;
        return launch_planned(sumcheck_fraction_kernel, plan, size_t(plan.scratch_bytes), stream,
                              a.buffer<const Ef>(0), a.buffer<Ef>(1), *p);
    }
    if (kernel == gpu::Kernel::SumcheckAddEqPowers) {  // (table, points)
        const SumcheckAddEqPowersParams* p = a.params_as<SumcheckAddEqPowersParams>();
        if (!p || a.count != 2 || p->vars >= GS_SUMCHECK_MAX_EQ_VARS || p->lanes != (uint64_t(1) << p->vars))
            return cudaErrorInvalidValue;
        if (p->count == 0) return cudaSuccess;
        return launch_planned(sumcheck_add_eq_powers_kernel, plan, 0, stream, a.buffer<Ef>(0), a.buffer<const Ef>(1), *p);
    }
    return cudaErrorInvalidDeviceFunction;
}

}  // namespace cuda
}  // namespace gpustark
