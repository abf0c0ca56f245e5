// fp_mul for the x86 copies of fp_lanes.h (included there, inside its namespace), written once for
// AVX2 (8 lanes) and AVX-512 (16 lanes): GS_X86(op) names the width's intrinsic and
// GS_X86_ODD(even, odd) takes the odd 32-bit lanes from `odd`. GCC's code for the portable form
// truncates 64-bit lanes with shuffles and multiplies by constants with shifts and adds: three
// times slower on AVX2.
//
// vpmuludq multiplies only the low 32 bits of each 64-bit lane, so even and odd lanes go through
// separate products. Signed Montgomery reduction: with q = x p^-1 mod 2^32, x and q p agree in
// their low 32 bits, so hi(x) - hi(q p) = (x - q p) / 2^32 exactly, in (-p, p); one conditional add
// of p (the unsigned min of t and t + p) gives the same canonical Montgomery value as the scalar
// fp_mul, which lets a proof stay byte-identical.
#pragma once

#if defined(GS_FP_LANES_AVX512)
typedef __m512i X86Lanes;
#define GS_X86(op) _mm512_##op
#define GS_X86_ODD(even, odd) _mm512_mask_blend_epi32(0xAAAA, even, odd)
#else
typedef __m256i X86Lanes;
#define GS_X86(op) _mm256_##op
#define GS_X86_ODD(even, odd) _mm256_blend_epi32(even, odd, 0xAA)
#endif

inline FpLanes fp_mul(FpLanes a, FpLanes b) {
    const X86Lanes p = GS_X86(set1_epi32)(int(GS_P));
    const X86Lanes p_inv = GS_X86(set1_epi32)(int(0u - GS_P_NEG_INV));  // p^-1 mod 2^32
    const X86Lanes az = X86Lanes(a.v), bz = X86Lanes(b.v);
    const X86Lanes x_even = GS_X86(mul_epu32)(az, bz);
    const X86Lanes x_odd = GS_X86(mul_epu32)(GS_X86(srli_epi64)(az, 32), GS_X86(srli_epi64)(bz, 32));
    const X86Lanes qp_even = GS_X86(mul_epu32)(GS_X86(mul_epu32)(x_even, p_inv), p);
    const X86Lanes qp_odd = GS_X86(mul_epu32)(GS_X86(mul_epu32)(x_odd, p_inv), p);
    // The high 32 bits of each product, back in its own lane.
    const X86Lanes x_hi = GS_X86_ODD(GS_X86(srli_epi64)(x_even, 32), x_odd);
    const X86Lanes qp_hi = GS_X86_ODD(GS_X86(srli_epi64)(qp_even, 32), qp_odd);
    const X86Lanes t = GS_X86(sub_epi32)(x_hi, qp_hi);
    return FpLanes{U32Lanes(GS_X86(min_epu32)(t, GS_X86(add_epi32)(t, p)))};
}

#undef GS_X86
#undef GS_X86_ODD
