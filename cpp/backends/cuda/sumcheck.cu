// Sumcheck table entry points (core/ef_tables.h): fold, the two round reductions and
// add_eq_powers, as grid-stride lane loops (launch.h) around the lane bodies of
// kernels/sumcheck/table_lanes.h (which metal/sumcheck.metal wraps too). The rounds sum their
// lanes per thread, then per block in shared memory, and write one partial sum per block for the
// host to add.
#include "../../kernels/sumcheck/table_lanes.h"
#include "block_sum.cuh"
#include "launch.h"
#include "whir_launch.h"

namespace {

using gpustark::cuda::block_sum;
using gpustark::cuda::first_lane;
using gpustark::cuda::lane_stride;

constexpr uint32_t kPairProductSums = GS_SUMCHECK_PAIR_PRODUCT_SUMS;  // s(1), s(2)
constexpr uint32_t kFractionSums = GS_SUMCHECK_FRACTION_SUMS;         // s(1), s(2), s(3)
static_assert(gpustark::cuda::kSumcheckMaxEqVars == GS_SUMCHECK_MAX_EQ_VARS,
              "CUDA's SumcheckEqPowers and Metal's SumcheckAddEqPowersParams hold the same powers");

// Lane = (table c, output index i): out[c][i] = fold of in[c]'s pair i.
__global__ void sumcheck_fold_kernel(const Ef* __restrict__ in, Ef* __restrict__ out, uint64_t lanes, u32 log_half,
                                     uint64_t stride, Ef r) {
    for (uint64_t lane = first_lane(); lane < lanes; lane += lane_stride())
        sumcheck_fold_lane(lane, in, out, log_half, stride, r);
}

// Lane = (pair of tables j, pair index i) of a_j = table 2j, b_j = table 2j + 1.
// No early return: every thread reaches block_sum's barriers.
__global__ void sumcheck_pair_product_kernel(const Ef* __restrict__ tables, uint64_t lanes, u32 log_half,
                                             uint64_t stride, Ef* __restrict__ partials) {
    extern __shared__ Ef sumcheck_scratch[];
    Ef s[kPairProductSums] = {ef_zero(), ef_zero()};
    for (uint64_t lane = first_lane(); lane < lanes; lane += lane_stride())
        sumcheck_pair_product_lane(lane, tables, log_half, stride, s);
    block_sum<kPairProductSums>(s, sumcheck_scratch, partials);
}

// Lane = pair index i of the five tables p0, p1, q0, q1, eq (tables 0..4).
// No early return: every thread reaches block_sum's barriers.
__global__ void sumcheck_fraction_kernel(const Ef* __restrict__ tables, uint64_t lanes, uint64_t stride, Ef lambda,
                                         Ef* __restrict__ partials) {
    extern __shared__ Ef sumcheck_scratch[];
    Ef s[kFractionSums] = {ef_zero(), ef_zero(), ef_zero()};
    for (uint64_t i = first_lane(); i < lanes; i += lane_stride()) sumcheck_fraction_lane(i, tables, stride, lambda, s);
    block_sum<kFractionSums>(s, sumcheck_scratch, partials);
}

// Lane = entry i. __grid_constant__ lets the body index the powers in parameter memory instead
// of each thread copying 1 KiB to local memory.
__global__ void sumcheck_add_eq_powers_kernel(Ef* __restrict__ table, uint64_t lanes,
                                              const __grid_constant__ gpustark::cuda::SumcheckEqPowers z, Ef weight) {
    for (uint64_t i = first_lane(); i < lanes; i += lane_stride())
        sumcheck_add_eq_powers_lane(i, table, z.vars, z.z, weight);
}

bool power_of_two(uint64_t x) { return x != 0 && (x & (x - 1)) == 0; }

u32 log2_exact(uint64_t x) {
    u32 log = 0;
    while ((uint64_t(1) << log) < x) ++log;
    return log;
}

// The checks every table launcher shares: a power-of-two length of at least `min_length`, and
// tables that do not overlap (stride >= length).
bool valid_tables(uint64_t length, uint64_t stride, uint64_t min_length) {
    return power_of_two(length) && length >= min_length && stride >= length;
}

// A reduction's plan must give each block its scratch and the partials buffer room for every block.
bool valid_reduction(gpustark::gpu::Kernel kernel, const gpustark::device::LaunchPlan& plan, uint64_t max_blocks) {
    return plan.scratch_bytes >= gpustark::cuda::sumcheck_scratch(kernel, plan.group) && plan.grid <= max_blocks;
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
        default: return whir_kernel(kernel);  // WHIR's table kernels (whir.cu), which the tables launch too
    }
}

uint32_t sumcheck_sums(gpu::Kernel kernel) {
    switch (kernel) {
        case gpu::Kernel::SumcheckPairProduct: return kPairProductSums;
        case gpu::Kernel::SumcheckFraction: return kFractionSums;
        default: return whir_sums(kernel);
    }
}

uint64_t sumcheck_scratch(gpu::Kernel kernel, uint32_t group) {
    return uint64_t(group) * sumcheck_sums(kernel) * sizeof(Ef);
}

cudaError_t launch_sumcheck_fold(const Ef* in, Ef* out, uint64_t count, uint64_t length, uint64_t stride, Ef r,
                                 const device::LaunchPlan& plan, cudaStream_t stream) {
    if (!valid_tables(length, stride, 2) || in == out) return cudaErrorInvalidValue;
    const uint64_t lanes = count * (length / 2);
    if (lanes == 0) return cudaSuccess;
    return launch_planned(sumcheck_fold_kernel, plan, 0, stream, in, out, lanes, log2_exact(length / 2), stride, r);
}

cudaError_t launch_sumcheck_pair_product(const Ef* tables, uint64_t count, uint64_t length, uint64_t stride,
                                         Ef* partials, uint64_t max_blocks, const device::LaunchPlan& plan,
                                         cudaStream_t stream) {
    if (!valid_tables(length, stride, 2) || count % 2 != 0) return cudaErrorInvalidValue;
    const uint64_t lanes = (count / 2) * (length / 2);
    if (lanes == 0) return cudaSuccess;
    if (!valid_reduction(gpu::Kernel::SumcheckPairProduct, plan, max_blocks))
        return cudaErrorInvalidConfiguration;
    return launch_planned(sumcheck_pair_product_kernel, plan, static_cast<size_t>(plan.scratch_bytes), stream, tables,
                          lanes, log2_exact(length / 2), stride, partials);
}

cudaError_t launch_sumcheck_fraction(const Ef* tables, uint64_t length, uint64_t stride, Ef lambda, Ef* partials,
                                     uint64_t max_blocks, const device::LaunchPlan& plan, cudaStream_t stream) {
    if (!valid_tables(length, stride, 2)) return cudaErrorInvalidValue;
    const uint64_t lanes = length / 2;
    if (!valid_reduction(gpu::Kernel::SumcheckFraction, plan, max_blocks)) return cudaErrorInvalidConfiguration;
    return launch_planned(sumcheck_fraction_kernel, plan, static_cast<size_t>(plan.scratch_bytes), stream, tables,
                          lanes, stride, lambda, partials);
}

cudaError_t launch_sumcheck_add_eq_powers(Ef* table, uint64_t length, const SumcheckEqPowers& z, Ef weight,
                                          const device::LaunchPlan& plan, cudaStream_t stream) {
    if (z.vars >= kSumcheckMaxEqVars || length != (uint64_t(1) << z.vars)) return cudaErrorInvalidValue;
    return launch_planned(sumcheck_add_eq_powers_kernel, plan, 0, stream, table, length, z, weight);
}

}  // namespace cuda
}  // namespace gpustark
