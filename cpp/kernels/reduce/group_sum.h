// The threadgroup reduction of the round kernels (sumcheck rounds, the DAG round): each lane's K
// extension-field sums added over its group, one set of K sums per group for the host to add.
// CUDA (backends/cuda/block_sum.cuh) and Metal (metal/*.metal) both call this one body, so the
// order in which the lanes' sums are added is the same on both.
#pragma once
#include "../field/ext4.h"

// Barriers exist only on devices and in the lane emulator (platform.h).
#ifdef GS_GROUP_BARRIER

// Adds v[0..K) of the `lanes` lanes of one group and writes the group's K sums to out[0..K)
// (lane 0 writes). scratch holds K * lanes values. A pairwise tree that works for any group size,
// a power of two or not: after the step of width s, entry t (a multiple of 2s) holds the sum of
// the entries [t, t + 2s) that exist. Every lane of the group must call it (it has barriers).
template <u32 K>
GS_FN void group_sum(GS_THREAD const Ef* v, u32 lane, u32 lanes, GS_THREADGROUP Ef* scratch, GS_DEVICE Ef* out) {
    for (u32 k = 0; k < K; ++k) scratch[k * lanes + lane] = v[k];
    GS_GROUP_BARRIER();
    for (u32 s = 1; s < lanes; s *= 2) {
        if ((lane & (2 * s - 1)) == 0 && lane + s < lanes)
            for (u32 k = 0; k < K; ++k)
                scratch[k * lanes + lane] = ef_add(scratch[k * lanes + lane], scratch[k * lanes + lane + s]);
        GS_GROUP_BARRIER();
    }
    if (lane == 0)
        for (u32 k = 0; k < K; ++k) out[k] = scratch[k * lanes];
}

#endif
