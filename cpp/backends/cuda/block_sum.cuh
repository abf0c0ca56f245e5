// The block reduction the round kernels share (sumcheck.cu, dag.cu): each thread's K partial
// sums added over the block, one set of K sums per block for the host to add.
#pragma once
#include "../../kernels/field/ext4.h"

namespace gpustark {
namespace cuda {

// Adds each thread's K values over the block and writes the block's K sums to
// partials[blockIdx.x * K ...]. scratch holds K * blockDim.x values. A pairwise tree that works
// for any block size: after the step of width s, entry t (a multiple of 2s) holds the sum of the
// entries [t, t + 2s) that exist. Every thread of the block must call it (it has barriers).
template <uint32_t K>
__device__ __forceinline__ void block_sum(const Ef (&v)[K], Ef* scratch, Ef* partials) {
    const unsigned int t = threadIdx.x, n = blockDim.x;
    for (uint32_t k = 0; k < K; ++k) scratch[k * n + t] = v[k];
    __syncthreads();
    for (unsigned int s = 1; s < n; s *= 2) {
        if ((t & (2 * s - 1)) == 0 && t + s < n)
            for (uint32_t k = 0; k < K; ++k) scratch[k * n + t] = ef_add(scratch[k * n + t], scratch[k * n + t + s]);
        __syncthreads();
    }
    if (t == 0)
        for (uint32_t k = 0; k < K; ++k) partials[uint64_t(blockIdx.x) * K + k] = scratch[k * n];
}

}  // namespace cuda
}  // namespace gpustark
