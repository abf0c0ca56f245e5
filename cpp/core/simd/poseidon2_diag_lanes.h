// The internal layer's diagonal products for the CPU's lanes (the overload that
// kernels/hash/poseidon2.h's p2_add_internal_diag finds for FpLanes). Plonky3's BabyBear width-16
// diagonal, which OpenVM uses, is V = (-2, 1, 2, 1/2, 3, 4, -1/2, -3, -4, 1/2^8, 1/4, 1/8,
// 1/2^27, -1/2^8, -1/16, -1/2^27): each product is a few adds or a shift instead of a Montgomery
// multiply (a quarter of the permutation's multiplies). Values are Montgomery-form words; a
// product by an integer or by 2^-k commutes with the Montgomery factor, so the words match the
// shared body's exactly (tests/cpp/test_poseidon2.cpp checks every copy against it).
// Included by poseidon2_lanes.cpp after fp_lanes.h, inside its namespaces.
#pragma once

// x / 2^k mod p for 1 <= k <= 27. Since p = 15 * 2^27 + 1 is 1 mod 2^k, adding m = -x mod 2^k
// makes x + m p divisible by 2^k, and (x + m p) / 2^k = (x + m) / 2^k + 15 m 2^(27 - k) < 2p.
inline FpLanes fp_div_2exp(FpLanes x, int k) {
    const U32Lanes m = (U32Lanes{} - x.v) & ((1u << k) - 1u);
    const U32Lanes t = ((x.v + m) >> k) + ((m << (31 - k)) - (m << (27 - k)));
    return FpLanes{lanes_min(t, t - GS_P)};
}

inline FpLanes fp_times3(FpLanes x) { return fp_add(fp_double(x), x); }
inline FpLanes fp_times4(FpLanes x) { return fp_double(fp_double(x)); }

inline void p2_add_internal_diag(P2Lanes<FpLanes>& st, FpLanes sum) {
    FpLanes* s = st.s;
    s[0] = fp_sub(sum, fp_double(s[0]));
    s[1] = fp_add(sum, s[1]);
    s[2] = fp_add(sum, fp_double(s[2]));
    s[3] = fp_add(sum, fp_div_2exp(s[3], 1));
    s[4] = fp_add(sum, fp_times3(s[4]));
    s[5] = fp_add(sum, fp_times4(s[5]));
    s[6] = fp_sub(sum, fp_div_2exp(s[6], 1));
    s[7] = fp_sub(sum, fp_times3(s[7]));
    s[8] = fp_sub(sum, fp_times4(s[8]));
    s[9] = fp_add(sum, fp_div_2exp(s[9], 8));
    s[10] = fp_add(sum, fp_div_2exp(s[10], 2));
    s[11] = fp_add(sum, fp_div_2exp(s[11], 3));
    s[12] = fp_add(sum, fp_div_2exp(s[12], 27));
    s[13] = fp_sub(sum, fp_div_2exp(s[13], 8));
    s[14] = fp_sub(sum, fp_div_2exp(s[14], 4));
    s[15] = fp_sub(sum, fp_div_2exp(s[15], 27));
}
