// fp_mul for the 16-lane AVX-512 copy of fp_lanes.h (included there, inside its namespace).
// vpmuludq multiplies only the low 32 bits of each 64-bit lane, so even and odd lanes go through
// separate products. Signed Montgomery reduction: with q = x p^-1 mod 2^32, x and q p agree in
// their low 32 bits, so hi(x) - hi(q p) = (x - q p) / 2^32 exactly, in (-p, p); one conditional add
// of p (the unsigned min of t and t + p) gives the same canonical Montgomery value as the scalar
// fp_mul, which lets a proof stay byte-identical.
#pragma once

inline FpLanes fp_mul(FpLanes a, FpLanes b) {
    const __m512i p = _mm512_set1_epi32(int(GS_P));
    const __m512i p_inv = _mm512_set1_epi32(int(0u - GS_P_NEG_INV));  // p^-1 mod 2^32
    const __m512i az = __m512i(a.v), bz = __m512i(b.v);
    __m512i x_even = _mm512_mul_epu32(az, bz);
    __m512i x_odd = _mm512_mul_epu32(_mm512_srli_epi64(az, 32), _mm512_srli_epi64(bz, 32));
    __m512i qp_even = _mm512_mul_epu32(_mm512_mul_epu32(x_even, p_inv), p);
    __m512i qp_odd = _mm512_mul_epu32(_mm512_mul_epu32(x_odd, p_inv), p);
    // The high 32 bits of each product, back in its own lane.
    __m512i x_hi = _mm512_mask_blend_epi32(0xAAAA, _mm512_srli_epi64(x_even, 32), x_odd);
    __m512i qp_hi = _mm512_mask_blend_epi32(0xAAAA, _mm512_srli_epi64(qp_even, 32), qp_odd);
    __m512i t = _mm512_sub_epi32(x_hi, qp_hi);
    return FpLanes{U32Lanes(_mm512_min_epu32(t, _mm512_add_epi32(t, p)))};
}
