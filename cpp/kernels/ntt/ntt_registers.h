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
    GS_UNROLL for (u32 half = 1; half < n; half <<= 1)
        GS_UNROLL for (u32 start = 0; start < n; start += 2 * half)
            GS_UNROLL for (u32 k = 0; k < half; ++k) {
                const Fp t = fp_mul(v[start + k + half], powers[k * (n / (2 * half))]);
                const Fp u = v[start + k];
                v[start + k] = fp_add(u, t);
                v[start + k + half] = fp_sub(u, t);
            }
}
