// Sumcheck table entry points (core/ef_tables.h): fold, the two round reductions,
// add_eq_powers and the rounds' transcript step and logged fold (sumcheck/round_sponge.h), as grid-stride lane loops (launch.h) around the lane bodies of
// kernels/sumcheck/table_lanes.h (which metal/sumcheck.metal wraps too). The rounds sum their
// lanes per thread, then per block in shared memory, and write one partial sum per block for the
// host to add. Arguments on the shared convention (launch_sumcheck_entry): metal/sumcheck.metal's
// buffers, then its Params struct.
#include "../../kernels/sumcheck/round_sponge.h"
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

// Lane = (point, entry of its two half tables).
__global__ void sumcheck_eq_halves_kernel(const Ef* __restrict__ points, Ef* __restrict__ halves,
                                          const SumcheckAddEqPowersParams p) {
    const uint64_t lanes = uint64_t(p.count) * sumcheck_eq_halves_len(p.vars);
    for (uint64_t i = first_lane(); i < lanes; i += lane_stride()) sumcheck_eq_halves_lane(i, p.vars, points, halves);
}

// Lane = entry i; every lane reads the points' half tables (a few MB at most: cached).
__global__ void sumcheck_add_eq_powers_kernel(Ef* __restrict__ table, const Ef* __restrict__ halves,
                                              const SumcheckAddEqPowersParams p) {
    for (uint64_t i = first_lane(); i < p.lanes; i += lane_stride())
        sumcheck_add_eq_powers_lane(i, table, p.vars, p.count, halves);
}

// A round's transcript step, one block: adds the round kernel's per-block partials, observes the
// sums into the sponge and samples r into the round's log entry (sumcheck/round_sponge.h).
// No early return: every thread reaches group_sum's barriers.
__global__ void sumcheck_sponge_step_kernel(const Ef* __restrict__ partials, SpongeState* __restrict__ sponge,
                                            Ef* __restrict__ log, SumcheckSpongeStepParams p) {
    extern __shared__ Ef sumcheck_scratch[];
    Ef s[GS_ROUND_LOG_SUMS] = {ef_zero(), ef_zero(), ef_zero()};
    sumcheck_sponge_partials_lane(threadIdx.x, blockDim.x, partials, p.groups, p.sums, s);
    Ef* entry = log + uint64_t(p.round) * GS_ROUND_LOG_STRIDE;
    group_sum<GS_ROUND_LOG_SUMS>(s, threadIdx.x, blockDim.x, sumcheck_scratch, entry);
    if (threadIdx.x == 0) sumcheck_sponge_observe_and_sample(sponge, entry, p.sums, p.sample);
}

// A round's grind against the sponge: witnesses 0 .. window - 1, best lowered atomically.
__global__ void sumcheck_sponge_grind_kernel(uint32_t* __restrict__ best, const SpongeState* __restrict__ sponge,
                                             SumcheckSpongeGrindParams p) {
    for (uint64_t lane = first_lane(); lane < p.window; lane += lane_stride())
        sumcheck_sponge_grind_lane(static_cast<uint32_t>(lane), sponge, p.bits, best);
}

// The grind's witness observed and r sampled: one lane.
__global__ void sumcheck_sponge_witness_kernel(SpongeState* __restrict__ sponge, uint32_t* __restrict__ best,
                                               Ef* __restrict__ log, uint32_t* __restrict__ witnesses,
                                               SumcheckSpongeWitnessParams p) {
    for (uint64_t lane = first_lane(); lane < 1; lane += lane_stride())
        sumcheck_sponge_witness_lane(sponge, best, log + uint64_t(p.round) * GS_ROUND_LOG_STRIDE, witnesses + p.round,
                                     p.bits);
}

// sumcheck_fold with the challenge the step wrote to the log.
__global__ void sumcheck_fold_logged_kernel(const Ef* __restrict__ in, Ef* __restrict__ out, const Ef* __restrict__ log,
                                            SumcheckFoldLoggedParams p) {
    const Ef r = log[p.r_index];
    for (uint64_t lane = first_lane(); lane < p.lanes; lane += lane_stride())
        sumcheck_fold_lane(lane, in, out, p.log_half, p.stride, p.out_shift, r);
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
        case gpu::Kernel::SumcheckEqHalves: return reinterpret_cast<const void*>(&sumcheck_eq_halves_kernel);
        case gpu::Kernel::SumcheckSpongeStep: return reinterpret_cast<const void*>(&sumcheck_sponge_step_kernel);
        case gpu::Kernel::SumcheckFoldLogged: return reinterpret_cast<const void*>(&sumcheck_fold_logged_kernel);
        case gpu::Kernel::SumcheckSpongeGrind: return reinterpret_cast<const void*>(&sumcheck_sponge_grind_kernel);
        case gpu::Kernel::SumcheckSpongeWitness: return reinterpret_cast<const void*>(&sumcheck_sponge_witness_kernel);
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
    if (kernel == gpu::Kernel::SumcheckAddEqPowers || kernel == gpu::Kernel::SumcheckEqHalves) {
        // (table, halves) and (points, halves)
        const SumcheckAddEqPowersParams* p = a.params_as<SumcheckAddEqPowersParams>();
        if (!p || a.count != 2 || p->vars >= GS_SUMCHECK_MAX_EQ_VARS || p->lanes != (uint64_t(1) << p->vars))
            return cudaErrorInvalidValue;
        if (p->count == 0) return cudaSuccess;
        if (kernel == gpu::Kernel::SumcheckEqHalves)
            return launch_planned(sumcheck_eq_halves_kernel, plan, 0, stream, a.buffer<const Ef>(0), a.buffer<Ef>(1), *p);
        return launch_planned(sumcheck_add_eq_powers_kernel, plan, 0, stream, a.buffer<Ef>(0), a.buffer<const Ef>(1), *p);
    }
    if (kernel == gpu::Kernel::SumcheckSpongeStep) {  // (partials, sponge, log): one block
        const SumcheckSpongeStepParams* p = a.params_as<SumcheckSpongeStepParams>();
        if (!p || a.count != 3 || plan.grid != 1 || p->sums == 0 || p->sums > GS_ROUND_LOG_SUMS)
            return cudaErrorInvalidValue;
        if (!block_sum_fits(plan, GS_ROUND_LOG_SUMS)) return cudaErrorInvalidConfiguration;
        return launch_planned(sumcheck_sponge_step_kernel, plan, size_t(plan.scratch_bytes), stream,
                              a.buffer<const Ef>(0), a.buffer<SpongeState>(1), a.buffer<Ef>(2), *p);
    }
    if (kernel == gpu::Kernel::SumcheckSpongeGrind) {  // (best, sponge)
        const SumcheckSpongeGrindParams* p = a.params_as<SumcheckSpongeGrindParams>();
        if (!p || a.count != 2 || p->bits == 0 || p->bits >= 31) return cudaErrorInvalidValue;
        if (p->window == 0) return cudaSuccess;
        return launch_planned(sumcheck_sponge_grind_kernel, plan, 0, stream, a.buffer<uint32_t>(0),
                              a.buffer<const SpongeState>(1), *p);
    }
    if (kernel == gpu::Kernel::SumcheckSpongeWitness) {  // (sponge, best, log, witnesses): one lane
        const SumcheckSpongeWitnessParams* p = a.params_as<SumcheckSpongeWitnessParams>();
        if (!p || a.count != 4 || p->bits == 0 || p->bits >= 31) return cudaErrorInvalidValue;
        return launch_planned(sumcheck_sponge_witness_kernel, plan, 0, stream, a.buffer<SpongeState>(0),
                              a.buffer<uint32_t>(1), a.buffer<Ef>(2), a.buffer<uint32_t>(3), *p);
    }
    if (kernel == gpu::Kernel::SumcheckFoldLogged) {  // (in, out, log): a fold in place would race
        const SumcheckFoldLoggedParams* p = a.params_as<SumcheckFoldLoggedParams>();
        if (!p || a.count != 3 || a.buffers[0] == a.buffers[1]) return cudaErrorInvalidValue;
        if (p->lanes == 0) return cudaSuccess;
        return launch_planned(sumcheck_fold_logged_kernel, plan, 0, stream, a.buffer<const Ef>(0), a.buffer<Ef>(1),
                              a.buffer<const Ef>(2), *p);
    }
    return cudaErrorInvalidDeviceFunction;
}

}  // namespace cuda
}  // namespace gpustark
