// WHIR's table entry points (core/ef_tables.h: subset_transform, set_product_table, power_sum,
// commit_table), as grid-stride lane loops (launch.h) around the lane bodies of
// kernels/whir/whir_tables.h (which metal/whir.metal wraps too). power_sum sums its lanes per
// thread, then per block in shared memory, and writes one partial sum per block for the host.
#include "../../kernels/whir/whir_tables.h"
#include "block_sum.cuh"
#include "launch.h"
#include "whir_launch.h"

namespace {

using gpustark::cuda::block_sum;
using gpustark::cuda::first_lane;
using gpustark::cuda::lane_stride;

constexpr uint32_t kPowerSums = GS_WHIR_POWER_SUM_SUMS;

// Lane = pair j of entries differing in bit log_step.
__global__ void whir_subset_step_kernel(Ef* __restrict__ table, uint64_t lanes, u32 log_step, u32 inverse) {
    for (uint64_t j = first_lane(); j < lanes; j += lane_stride()) whir_subset_step_lane(j, table, log_step, inverse);
}

// Lane = entry i. __grid_constant__: the factors are read in parameter memory, not copied per thread.
__global__ void whir_product_table_kernel(Ef* __restrict__ table, const __grid_constant__ WhirProductTableParams p) {
    const uint64_t lanes = p.lanes;
    for (uint64_t i = first_lane(); i < lanes; i += lane_stride()) whir_product_table_lane(i, table, p.vars, p.lo, p.hi);
}

// Lane = entry i. No early return: every thread reaches block_sum's barriers.
__global__ void whir_power_sum_kernel(const Ef* __restrict__ table, const __grid_constant__ WhirPowerSumParams p,
                                      Ef* __restrict__ partials) {
    extern __shared__ Ef whir_scratch[];
    Ef s[kPowerSums] = {ef_zero()};
    const uint64_t lanes = p.lanes;
    for (uint64_t i = first_lane(); i < lanes; i += lane_stride()) whir_power_sum_lane(i, table, p.vars, p.z, &s[0]);
    block_sum<kPowerSums>(s, whir_scratch, partials);
}

// Lane = entry i.
__global__ void whir_ef_words_kernel(const Ef* __restrict__ table, uint64_t lanes, uint32_t* __restrict__ words) {
    for (uint64_t i = first_lane(); i < lanes; i += lane_stride()) whir_ef_words_lane(i, table, words);
}

bool power_of_two(uint64_t x) { return x != 0 && (x & (x - 1)) == 0; }

}  // namespace

namespace gpustark {
namespace cuda {

const void* whir_kernel(gpu::Kernel kernel) {
    switch (kernel) {
        case gpu::Kernel::WhirSubsetStep: return reinterpret_cast<const void*>(&whir_subset_step_kernel);
        case gpu::Kernel::WhirProductTable: return reinterpret_cast<const void*>(&whir_product_table_kernel);
        case gpu::Kernel::WhirPowerSum: return reinterpret_cast<const void*>(&whir_power_sum_kernel);
        case gpu::Kernel::WhirEfWords: return reinterpret_cast<const void*>(&whir_ef_words_kernel);
        default: return nullptr;
    }
}

uint32_t whir_sums(gpu::Kernel kernel) { return kernel == gpu::Kernel::WhirPowerSum ? kPowerSums : 0; }

cudaError_t launch_whir_subset_step(Ef* table, uint64_t length, uint32_t log_step, bool inverse,
                                    const device::LaunchPlan& plan, cudaStream_t stream) {
    if (!power_of_two(length) || log_step >= 63 || (uint64_t(1) << log_step) >= length) return cudaErrorInvalidValue;
    return launch_planned(whir_subset_step_kernel, plan, 0, stream, table, length / 2, u32(log_step),
                          u32(inverse ? 1 : 0));
}

cudaError_t launch_whir_product_table(Ef* table, const WhirProductTableParams& p, const device::LaunchPlan& plan,
                                      cudaStream_t stream) {
    if (p.vars >= GS_WHIR_MAX_VARS || p.lanes != (uint64_t(1) << p.vars)) return cudaErrorInvalidValue;
    return launch_planned(whir_product_table_kernel, plan, 0, stream, table, p);
}

cudaError_t launch_whir_power_sum(const Ef* table, const WhirPowerSumParams& p, Ef* partials, uint64_t max_blocks,
                                  const device::LaunchPlan& plan, cudaStream_t stream) {
    if (p.vars >= GS_WHIR_MAX_VARS || p.lanes != (uint64_t(1) << p.vars)) return cudaErrorInvalidValue;
    if (plan.scratch_bytes < uint64_t(plan.group) * kPowerSums * sizeof(Ef) || plan.grid > max_blocks)
        return cudaErrorInvalidConfiguration;
    return launch_planned(whir_power_sum_kernel, plan, static_cast<size_t>(plan.scratch_bytes), stream, table, p,
                          partials);
}

cudaError_t launch_whir_ef_words(const Ef* table, uint64_t length, uint32_t* words, const device::LaunchPlan& plan,
                                 cudaStream_t stream) {
    if (length == 0) return cudaSuccess;
    return launch_planned(whir_ef_words_kernel, plan, 0, stream, table, length, words);
}

}  // namespace cuda
}  // namespace gpustark
