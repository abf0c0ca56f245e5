// The block reduction the round kernels share (sumcheck.cu, dag.cu): each thread's K partial
// sums added over the block, one set of K sums per block for the host to add. The body is
// kernels/reduce/group_sum.h, which the Metal round kernels call too.
#pragma once
#include "../../core/device/launch_plan.h"
#include "../../kernels/reduce/group_sum.h"

namespace gpustark {
namespace cuda {

// Adds each thread's K values over the block and writes the block's K sums to
// partials[blockIdx.x * K ...]. scratch holds K * blockDim.x values. Every thread of the block
// must call it (it has barriers).
template <uint32_t K>
__device__ __forceinline__ void block_sum(const Ef (&v)[K], Ef* scratch, Ef* partials) {
    group_sum<K>(v, threadIdx.x, blockDim.x, scratch, partials + uint64_t(blockIdx.x) * K);
}

// Whether `plan` gives each block the shared memory block_sum<K> needs (K * group values).
inline bool block_sum_fits(const device::LaunchPlan& plan, uint32_t sums) {
    return plan.scratch_bytes >= uint64_t(plan.group) * sums * sizeof(Ef);
}

}  // namespace cuda
}  // namespace gpustark
