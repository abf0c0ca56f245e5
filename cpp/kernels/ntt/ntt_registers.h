// A DFT small enough for one thread: N = 2^kLogN values in the thread's registers, for kernels
// that transform many short columns at once (each chunk of the stacked matrix's message, each
// chunk of round 0's cosets) without a pass over memory per stage.
#pragma once
#include "ntt.h"

// The largest chunk a thread keeps in registers (N = 2^5): round 0 holds two such chunks.
#define GS_REGISTER_DFT_MAX_LOG 5u

// v_a <- sum_j v_j w^(a j) for a < N, natural order in and out, with powers[k] = w^k (Montgomery
// form) for k < N/2; v is in Montgomery form too. Radix 2 (N/2 log N products rather than N^2),
// and every loop has a constant trip count: unrolled, the bit reversal is a renaming of registers
// and the values never leave them.
template <u32 kLogN>
GS_FN void dft_in_registers(GS_THREAD Fp* v, GS_DEVICE const Fp* powers) {
    const u32 n = 1u << kLogN;
    GS_UNROLL for (u32 a = 0; a < n; ++a) {
        const u32 r = ntt_bit_reverse(a, kLogN);
        if (a < r) {
            const Fp t = v[a];
            v[a] = v[r];
            v[r] = t;
        }
    }
    // Counted loops (not half <<= 1): nvcc unrolls only loops whose trip count it can see, and
    // an array indexed in a rolled loop lives in local memory instead of registers.
    GS_UNROLL for (u32 stage = 1; stage <= kLogN; ++stage)
        GS_UNROLL for (u32 pair = 0; 2u * pair + 1u < n; ++pair) {
            // Pair `pair` of this stage: element k of its block of 2 half, and k + half.
            const u32 half = 1u << (stage - 1u), k = pair & (half - 1u), at = 2u * (pair - k) + k;
            const Fp t = fp_mul(v[at + half], powers[k << (kLogN - stage)]);
            const Fp u = v[at];
            v[at] = fp_add(u, t);
            v[at + half] = fp_sub(u, t);
        }
}
