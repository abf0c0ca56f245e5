// One Poseidon2 permutation at a time, for the transcript's sponge: each permutation needs the one
// before it, so the batched lanes (poseidon2_lanes.cpp) cannot help. Compiled once per instruction
// set like them (CMake), each copy in its own namespace GS_LANES_NS; poseidon2_lanes_dispatch.cpp
// picks one at run time. With AVX2 or AVX-512 the 16-word state is one vector (GCC/Clang vector
// extensions), so each round is a few vector operations instead of 16 scalar ones; elsewhere it is
// the shared scalar body (kernels/hash/poseidon2.h), which a vector of SSE2 registers would not beat.
#include "poseidon2_lanes.h"

#include <cstring>

#if defined(__AVX512F__)
#include <immintrin.h>
#endif

#include "../../kernels/hash/hash.h"

#ifndef GS_LANES_NS
#define GS_LANES_NS lanes_base
#endif

namespace gpustark {
namespace GS_LANES_NS {
namespace {

#if defined(__AVX2__)
typedef u32 U32x16 __attribute__((vector_size(64)));
typedef u64 U64x16 __attribute__((vector_size(128)));

// Lane i of the result is lane index_i of v (clang's builtin; GCC before 12 has only its own).
#if defined(__clang__)
#define GS_SHUFFLE16(v, ...) __builtin_shufflevector(v, v, __VA_ARGS__)
#else
#define GS_SHUFFLE16(v, ...) __builtin_shuffle(v, U32x16{__VA_ARGS__})
#endif

U32x16 load16(const u32* words) {
    U32x16 v;
    std::memcpy(&v, words, sizeof(v));
    return v;
}

U32x16 vec_add(U32x16 a, U32x16 b) {
    U32x16 s = a + b;           // < 2p
    U32x16 r = s - GS_P;        // wraps above s when s < p
    return r < s ? r : s;       // the unsigned minimum is the reduced sum
}

#if defined(__AVX512F__)
// Montgomery product of each lane with AVX-512's 32 x 32 -> 64-bit products, the even and the
// odd lanes apart: t = (x + q p) / 2^32 with q = x (-1/p) mod 2^32, as fp_mul. About 1.45 times
// as fast a permutation as the generic vector code below, which GCC widens to 64-bit lanes.
U32x16 vec_mul(U32x16 a, U32x16 b) {
    const __m512i va = (__m512i)a, vb = (__m512i)b;
    const __m512i neg_inv = _mm512_set1_epi32((int)GS_P_NEG_INV), p = _mm512_set1_epi32((int)GS_P);
    const __m512i x_even = _mm512_mul_epu32(va, vb);  // the low word of each 64-bit pair
    const __m512i x_odd = _mm512_mul_epu32(_mm512_srli_epi64(va, 32), _mm512_srli_epi64(vb, 32));
    const __m512i q_even = _mm512_mul_epu32(x_even, neg_inv), q_odd = _mm512_mul_epu32(x_odd, neg_inv);
    const __m512i t_even = _mm512_srli_epi64(_mm512_add_epi64(x_even, _mm512_mul_epu32(q_even, p)), 32);
    const __m512i t_odd = _mm512_add_epi64(x_odd, _mm512_mul_epu32(q_odd, p));  // t in the high word
    const __m512i t = _mm512_mask_blend_epi32(0xAAAA, t_even, t_odd);
    return (U32x16)_mm512_min_epu32(t, _mm512_sub_epi32(t, p));  // t < 2p: the smaller of t, t - p
}
#else
// Montgomery product of each lane (fp_mul's reduction on 16 lanes at once).
U32x16 vec_mul(U32x16 a, U32x16 b) {
    U64x16 x = __builtin_convertvector(a, U64x16) * __builtin_convertvector(b, U64x16);
    U32x16 q = __builtin_convertvector(x, U32x16) * GS_P_NEG_INV;
    U32x16 t = __builtin_convertvector((x + __builtin_convertvector(q, U64x16) * (u64)GS_P) >> 32, U32x16);
    U32x16 r = t - GS_P;
    return r < t ? r : t;
}
#endif

U32x16 vec_pow7(U32x16 x) {
    U32x16 x2 = vec_mul(x, x);
    return vec_mul(vec_mul(x2, x), vec_mul(x2, x2));
}

// The external layer on the vector: M4 on each block of four lanes, then each lane plus the sum of
// the lanes in its position across the blocks (p2_external_layer).
U32x16 vec_external_layer(U32x16 x) {
    // Lane i of r_k is lane (i + k) mod 4 of i's block.
    U32x16 r1 = GS_SHUFFLE16(x, 1, 2, 3, 0, 5, 6, 7, 4, 9, 10, 11, 8, 13, 14, 15, 12);
    U32x16 r2 = GS_SHUFFLE16(x, 2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13);
    U32x16 r3 = GS_SHUFFLE16(x, 3, 0, 1, 2, 7, 4, 5, 6, 11, 8, 9, 10, 15, 12, 13, 14);
    U32x16 block_sum = vec_add(vec_add(x, r1), vec_add(r2, r3));
    U32x16 y = vec_add(vec_add(block_sum, x), vec_add(r1, r1));  // M4 row i: sum + x_i + 2 x_{i+1}
    // Lane i of b_k is lane i of the block k further on.
    U32x16 b1 = GS_SHUFFLE16(y, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3);
    U32x16 b2 = GS_SHUFFLE16(y, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7);
    U32x16 b3 = GS_SHUFFLE16(y, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11);
    return vec_add(y, vec_add(vec_add(y, b1), vec_add(b2, b3)));
}

// Every lane of the result holds the sum of x's lanes.
U32x16 vec_sum_lanes(U32x16 h) {
    h = vec_add(h, GS_SHUFFLE16(h, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7));
    h = vec_add(h, GS_SHUFFLE16(h, 4, 5, 6, 7, 0, 1, 2, 3, 12, 13, 14, 15, 8, 9, 10, 11));
    h = vec_add(h, GS_SHUFFLE16(h, 2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13));
    return vec_add(h, GS_SHUFFLE16(h, 1, 0, 3, 2, 5, 4, 7, 6, 9, 8, 11, 10, 13, 12, 15, 14));
}

void permute_montgomery(U32x16& x) {
    const U32x16 diag = load16(GS_P2_INTERNAL_DIAG);
    x = vec_external_layer(x);
    for (u32 r = 0; r < GS_P2_HALF_EXTERNAL_ROUNDS; ++r)
        x = vec_external_layer(vec_pow7(vec_add(x, load16(GS_P2_EXTERNAL_INITIAL + 16 * r))));
    // The internal rounds with s_0 in a scalar register: only s_0 passes the S-box, so the sum of
    // s_1..s_15 and the products V_i s_i are made on the vector while the S-box runs, and what
    // waits for the S-box is two scalar additions (s_0' + rest, then sum + V_0 s_0') and one
    // broadcast, rather than moving s_0 into the vector and summing all 16 lanes after it.
    const U32x16 lanes_1_to_15 = {0, ~0u, ~0u, ~0u, ~0u, ~0u, ~0u, ~0u, ~0u, ~0u, ~0u, ~0u, ~0u, ~0u, ~0u, ~0u};
    const Fp v0 = fp_raw(GS_P2_INTERNAL_DIAG[0]);
    Fp s0 = fp_raw(x[0]);
    for (u32 r = 0; r < GS_P2_INTERNAL_ROUNDS; ++r) {
        const U32x16 rest = vec_sum_lanes(x & lanes_1_to_15);  // s_1 + ... + s_15 in every lane
        const U32x16 scaled = vec_mul(x, diag);                // V_i s_i (lane 0 unused)
        const Fp sboxed = fp_pow7(fp_add(s0, fp_raw(GS_P2_INTERNAL[r])));
        const Fp sum = fp_add(sboxed, fp_raw(rest[0]));
        s0 = fp_add(sum, fp_mul(v0, sboxed));
        x = vec_add(scaled, U32x16{} + sum.m);  // s_i <- sum + V_i s_i for i >= 1
    }
    x[0] = s0.m;
    for (u32 r = 0; r < GS_P2_HALF_EXTERNAL_ROUNDS; ++r)
        x = vec_external_layer(vec_pow7(vec_add(x, load16(GS_P2_EXTERNAL_FINAL + 16 * r))));
}
#endif

}  // namespace

void p2_permute_single(uint32_t* state) {
#if defined(__AVX2__)
    U32x16 x;
    for (u32 i = 0; i < 16; ++i) x[i] = fp_from_canonical(state[i]).m;
    permute_montgomery(x);
    for (u32 i = 0; i < 16; ++i) state[i] = fp_to_canonical(fp_raw(x[i]));
#else
    p2_permute_canonical(state);
#endif
}

}  // namespace GS_LANES_NS
}  // namespace gpustark
