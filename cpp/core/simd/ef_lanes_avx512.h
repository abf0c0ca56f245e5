// ef_mul on EfLanes for the 16-lane AVX-512 copy (included by ef_lanes.h). As the scalar ef_mul
// (kernels/field/ext4.h), each coefficient is a sum of up to four 64-bit products reduced once.
// vpmuludq multiplies the low 32 bits of each 64-bit lane, so the even and the odd lanes of each
// value go through separate products and sums, and meet again in one reduction.
#pragma once
#include <immintrin.h>

namespace gpustark {
namespace {
namespace ef_avx512 {

// A value's even lanes (in the low halves of its 64-bit lanes) and odd lanes (moved there).
struct Halves {
    __m512i even, odd;
};

inline Halves halves(__m512i x) { return {x, _mm512_srli_epi64(x, 32)}; }
inline Halves halves(FpLanes x) { return halves(__m512i(x.v)); }

inline Halves product(const Halves& x, const Halves& y) {
    return {_mm512_mul_epu32(x.even, y.even), _mm512_mul_epu32(x.odd, y.odd)};
}

inline Halves sum(const Halves& x, const Halves& y) {
    return {_mm512_add_epi64(x.even, y.even), _mm512_add_epi64(x.odd, y.odd)};
}

// x 2^-32 mod p for x < 4 p^2 in one 64-bit lane: one subtraction of p 2^32 (unsigned min: x - p 2^32
// wraps above x when x is smaller) brings x under p 2^32; then with q = x p^-1 mod 2^32, x - q p is
// (the result) 2^32 exactly, the result in (-p, p), its high half one conditional add from canonical.
inline __m512i reduce_half(__m512i x) {
    const __m512i p_shifted = _mm512_set1_epi64((long long)((u64)GS_P << 32));
    const __m512i p = _mm512_set1_epi32(int(GS_P));
    const __m512i p_inv = _mm512_set1_epi32(int(0u - GS_P_NEG_INV));  // p^-1 mod 2^32
    x = _mm512_min_epu64(x, _mm512_sub_epi64(x, p_shifted));
    const __m512i q = _mm512_mul_epu32(x, p_inv);
    return _mm512_sub_epi64(x, _mm512_mul_epu32(q, p));  // the result in its high 32 bits
}

// Reduces both halves and puts each lane's result back in its own 32-bit lane, canonical.
inline FpLanes reduce(const Halves& x) {
    const __m512i p = _mm512_set1_epi32(int(GS_P));
    const __m512i t = _mm512_mask_blend_epi32(0xAAAA, _mm512_srli_epi64(reduce_half(x.even), 32), reduce_half(x.odd));
    return FpLanes{U32Lanes(_mm512_min_epu32(t, _mm512_add_epi32(t, p)))};
}

}  // namespace ef_avx512

inline EfLanes ef_mul(const EfLanes& a, const EfLanes& b) {
    using namespace ef_avx512;
    const Halves a0 = halves(a.c0), a1 = halves(a.c1), a2 = halves(a.c2), a3 = halves(a.c3);
    const Halves b0 = halves(b.c0), b1 = halves(b.c1), b2 = halves(b.c2), b3 = halves(b.c3);
    const Halves w = halves(_mm512_set1_epi32(int(GS_EXT_W_MONT)));
    // X^4 = W: the terms of degree 4..6 come back down, times W.
    const Halves d4 = halves(reduce(sum(sum(product(a1, b3), product(a2, b2)), product(a3, b1))));
    const Halves d5 = halves(reduce(sum(product(a2, b3), product(a3, b2))));
    const Halves d6 = halves(reduce(product(a3, b3)));
    EfLanes r;
    r.c0 = reduce(sum(product(a0, b0), product(d4, w)));
    r.c1 = reduce(sum(sum(product(a0, b1), product(a1, b0)), product(d5, w)));
    r.c2 = reduce(sum(sum(product(a0, b2), product(a1, b1)), sum(product(a2, b0), product(d6, w))));
    r.c3 = reduce(sum(sum(product(a0, b3), product(a1, b2)), sum(product(a2, b1), product(a3, b0))));
    return r;
}

}  // namespace
}  // namespace gpustark
