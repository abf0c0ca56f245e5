// WHIR's table entry points (core/ef_tables.h: subset_transform, set_product_table, power_sum,
// commit_table), as grid-stride lane loops (launch.h) around the lane bodies of
// kernels/whir/whir_tables.h (which metal/whir.metal wraps too). power_sum sums its lanes per
// thread, then per block in shared memory, and writes one partial sum per block for the host.
// Arguments on the shared convention (launch_whir_entry): metal/whir.metal's buffers, then its
// Params struct.
#include "../../kernels/whir/whir_tables.h"
#include "block_sum.cuh"
#include "launch.h"

namespace {

using gpustark::cuda::block_sum;
using gpustark::cuda::first_lane;
using gpustark::cuda::lane_stride;

constexpr uint32_t kPowerSums = GS_WHIR_POWER_SUM_SUMS;

// Lane = pair j of entries differing in bit log_step.
__global__ void whir_subset_step_kernel(Ef* __restrict__ table, WhirSubsetStepParams p) {
    for (uint64_t j = first_lane(); j < p.lanes; j += lane_stride()) whir_subset_step_lane(j, table, p.log_step, p.inverse);
}

// Lane = entry i. __grid_constant__: the factors are read in parameter memory, not copied per thread.
__global__ void whir_product_table_kernel(Ef* __restrict__ table, const __grid_constant__ WhirProductTableParams p) {
    const uint64_t lanes = p.lanes;
    for (uint64_t i = first_lane(); i < lanes; i += lane_stride()) whir_product_table_lane(i, table, p.vars, p.lo, p.hi);
}

// Lane = entry i. No early return: every thread reaches block_sum's barriers.
__global__ void whir_power_sum_kernel(const Ef* __restrict__ table, Ef* __restrict__ partials,
                                      const __grid_constant__ WhirPowerSumParams p) {
    extern __shared__ Ef whir_scratch[];
    Ef s[kPowerSums] = {ef_zero()};
    const uint64_t lanes = p.lanes;
    for (uint64_t i = first_lane(); i < lanes; i += lane_stride()) whir_power_sum_lane(i, table, p.vars, p.z, &s[0]);
    block_sum<kPowerSums>(s, whir_scratch, partials);
}

// Lane = entry i.
__global__ void whir_ef_words_kernel(const Ef* __restrict__ table, uint32_t* __restrict__ words, WhirEfWordsParams p) {
    for (uint64_t i = first_lane(); i < p.lanes; i += lane_stride()) whir_ef_words_lane(i, table, words);
}

// A table of 2^vars entries, one lane each.
bool whole_table(uint64_t lanes, uint32_t vars) { return vars < GS_WHIR_MAX_VARS && lanes == (uint64_t(1) << vars); }

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

cudaError_t launch_whir_entry(gpu::Kernel kernel, const device::LaunchPlan& plan, const KernelArgs& a,
                              cudaStream_t stream) {
    if (kernel == gpu::Kernel::WhirSubsetStep) {  // (table of 2 lanes entries)
        const WhirSubsetStepParams* p = a.params_as<WhirSubsetStepParams>();
        if (!p || a.count != 1 || p->log_step >= 63 || (uint64_t(1) << p->log_step) > p->lanes)
            return cudaErrorInvalidValue;
        return launch_planned(whir_subset_step_kernel, plan, 0, stream, a.buffer<Ef>(0), *p);
    }
    if (kernel == gpu::Kernel::WhirProductTable) {  // (table)
        const WhirProductTableParams* p = a.params_as<WhirProductTableParams>();
        if (!p || a.count != 1 || !whole_table(p->lanes, p->vars)) return cudaErrorInvalidValue;
        return launch_planned(whir_product_table_kernel, plan, 0, stream, a.buffer<Ef>(0), *p);
    }
    if (kernel == gpu::Kernel::WhirPowerSum) {  // (table, partials)
        const WhirPowerSumParams* p = a.params_as<WhirPowerSumParams>();
        if (!p || a.count != 2 || !whole_table(p->lanes, p->vars)) return cudaErrorInvalidValue;
        if (!block_sum_fits(plan, kPowerSums)) return cudaErrorInvalidConfiguration;
        return launch_planned(whir_power_sum_kernel, plan, size_t(plan.scratch_bytes), stream, a.buffer<const Ef>(0),
                              a.buffer<Ef>(1), *p);
    }
    if (kernel == gpu::Kernel::WhirEfWords) {  // (table, words)
        const WhirEfWordsParams* p = a.params_as<WhirEfWordsParams>();
        if (!p || a.count != 2) return cudaErrorInvalidValue;
        if (p->lanes == 0) return cudaSuccess;
        return launch_planned(whir_ef_words_kernel, plan, 0, stream, a.buffer<const Ef>(0), a.buffer<uint32_t>(1), *p);
    }
    return cudaErrorInvalidDeviceFunction;
}

}  // namespace cuda
}  // namespace gpustark
