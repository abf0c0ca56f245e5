// fp_mul for the 8-lane AVX2 copy of fp_lanes.h (included there, inside its namespace): the
// AVX-512 copy's signed Montgomery reduction (fp_lanes_avx512.h says why it gives the scalar
// fp_mul's words) on 256-bit registers. GCC's own code for the portable form truncates 64-bit
// lanes with shuffles and multiplies by constants with shifts and adds: three times slower.
#pragma once

inline FpLanes fp_mul(FpLanes a, FpLanes b) {
    const __m256i p = _mm256_set1_epi32(int(GS_P));
    const __m256i p_inv = _mm256_set1_epi32(int(0u - GS_P_NEG_INV));  // p^-1 mod 2^32
    const __m256i az = __m256i(a.v), bz = __m256i(b.v);
    __m256i x_even = _mm256_mul_epu32(az, bz);
    __m256i x_odd = _mm256_mul_epu32(_mm256_srli_epi64(az, 32), _mm256_srli_epi64(bz, 32));
    __m256i qp_even = _mm256_mul_epu32(_mm256_mul_epu32(x_even, p_inv), p);
    __m256i qp_odd = _mm256_mul_epu32(_mm256_mul_epu32(x_odd, p_inv), p);
    // The high 32 bits of each product, back in its own lane.
    __m256i x_hi = _mm256_blend_epi32(_mm256_srli_epi64(x_even, 32), x_odd, 0xAA);
    __m256i qp_hi = _mm256_blend_epi32(_mm256_srli_epi64(qp_even, 32), qp_odd, 0xAA);
    __m256i t = _mm256_sub_epi32(x_hi, qp_hi);
    return FpLanes{U32Lanes(_mm256_min_epu32(t, _mm256_add_epi32(t, p)))};
}
