// The Merkle hasher (PROTOCOL 2.4) on canonical buffers:
//  - leaf hash H(v): padding-free overwrite sponge, rate 8, output lanes 0..7; an empty input
//    gives the zero digest without a permutation;
//  - compression C(a, b) = perm(a || b)[0..8].
#pragma once
#include "poseidon2.h"

// The batch permutation's parameters (poseidon2_permute): `count` states of 16 words.
struct Poseidon2Params {
    u32 count;
};

// Permute one 16-lane state held as canonical values at `state` (words in any address space:
// a buffer, or a thread's sponge, kernels/transcript/sponge.h).
template <typename Words>
GS_FN void p2_permute_canonical(Words state) {
    P2State st;
    for (u32 i = 0; i < 16u; ++i) st.s[i] = fp_from_canonical(state[i]);
    p2_permute(st);
    for (u32 i = 0; i < 16u; ++i) state[i] = fp_to_canonical(st.s[i]);
}

// H(values[0], values[stride], ..., values[(len-1)*stride]) -> digest[0..8].
GS_FN void hash_strided(GS_DEVICE const u32* values, u32 len, u32 stride, GS_DEVICE u32* digest) {
    P2State st;
    p2_clear(st);
    for (u32 start = 0; start < len; start += GS_P2_RATE) {
        u32 chunk = len - start < GS_P2_RATE ? len - start : GS_P2_RATE;
        for (u32 i = 0; i < chunk; ++i) st.s[i] = fp_from_canonical(values[(start + i) * stride]);
        p2_permute(st);
    }
    for (u32 i = 0; i < GS_DIGEST_WIDTH; ++i) digest[i] = fp_to_canonical(st.s[i]);
}

GS_FN void hash_row(GS_DEVICE const u32* row, u32 width, GS_DEVICE u32* digest) {
    hash_strided(row, width, 1u, digest);
}

GS_FN void compress_digests(GS_DEVICE const u32* left, GS_DEVICE const u32* right, GS_DEVICE u32* out) {
    P2State st;
    for (u32 i = 0; i < 8u; ++i) {
        st.s[i] = fp_from_canonical(left[i]);
        st.s[8u + i] = fp_from_canonical(right[i]);
    }
    p2_permute(st);
    for (u32 i = 0; i < 8u; ++i) out[i] = fp_to_canonical(st.s[i]);
}
