// Poseidon2 over BabyBear, width 16 (Plonky3 v0.4.3 default_babybear_poseidon2_16):
// 8 external rounds (4 + 4) around 13 internal rounds, S-box x^7 (PROTOCOL 2.3).
// The state lives in registers in Montgomery form; callers convert at the buffer boundary.
#pragma once
#include "../field/babybear.h"
#include "poseidon2_constants.h"

#define GS_P2_WIDTH 16u
#define GS_P2_RATE 8u
#define GS_DIGEST_WIDTH 8u
#define GS_P2_HALF_EXTERNAL_ROUNDS 4u
#define GS_P2_INTERNAL_ROUNDS 13u

// The permutation is written over a lane type F: Fp (one state per thread, as every device runs
// it) or a CPU vector of several states (cpp/core/simd/fp_lanes.h) with the same free functions
// fp_add, fp_double, fp_mul, fp_pow7 and p2_lane_constant.
template <class F>
struct P2Lanes {
    F s[16];
};
typedef P2Lanes<Fp> P2State;

// A Montgomery-form constant as a lane value.
GS_FN Fp p2_lane_constant(Fp, u32 montgomery) { return fp_raw(montgomery); }

// x <- M4 x on lanes base..base+3, M4 = [[2,3,1,1],[1,2,3,1],[1,1,2,3],[3,1,1,2]], in 8 additions
// and 2 doublings by sharing partial sums (rather than 15 operations row by row): with
// t = x0 + x1 + x2 + x3, row 0 = (t + x1) + (x0 + x1), row 1 = (t + x1) + 2 x2,
// row 2 = (t + x3) + (x2 + x3), row 3 = (t + x3) + 2 x0.
template <class F>
GS_FN void p2_apply_m4(GS_THREAD P2Lanes<F>& st, u32 base) {
    F x0 = st.s[base], x1 = st.s[base + 1], x2 = st.s[base + 2], x3 = st.s[base + 3];
    F t01 = fp_add(x0, x1), t23 = fp_add(x2, x3);
    F t0123 = fp_add(t01, t23);
    F t01123 = fp_add(t0123, x1), t01233 = fp_add(t0123, x3);
    st.s[base] = fp_add(t01123, t01);
    st.s[base + 1] = fp_add(t01123, fp_double(x2));
    st.s[base + 2] = fp_add(t01233, t23);
    st.s[base + 3] = fp_add(t01233, fp_double(x0));
}

// The external layer circ(2 M4, M4, M4, M4): M4 on every block, then add the column sums.
template <class F>
GS_FN void p2_external_layer(GS_THREAD P2Lanes<F>& st) {
    for (u32 b = 0; b < 16u; b += 4u) p2_apply_m4(st, b);
    for (u32 j = 0; j < 4u; ++j) {
        F col = fp_add(fp_add(st.s[j], st.s[j + 4u]), fp_add(st.s[j + 8u], st.s[j + 12u]));
        for (u32 b = 0; b < 16u; b += 4u) st.s[b + j] = fp_add(st.s[b + j], col);
    }
}

// s_i <- sum + V_i s_i, V the internal diagonal. A lane type may bring its own overload (found by
// argument-dependent lookup): the CPU's lanes use that V's entries are +-1, +-2, 3, +-4 and
// +-1/2^k to replace the multiplies with shifts and adds (core/simd/poseidon2_diag_lanes.h).
template <class F>
GS_FN void p2_add_internal_diag(GS_THREAD P2Lanes<F>& st, F sum) {
    for (u32 i = 0; i < 16u; ++i)
        st.s[i] = fp_add(sum, fp_mul(st.s[i], p2_lane_constant(sum, GS_P2_INTERNAL_DIAG[i])));
}

// s_i <- sum(s) + V_i s_i. Only s_0 comes out of the round's S-box, so s_1..s_15 are summed first,
// as a tree, alongside it; s_0 joins last. A left-to-right sum would put 15 dependent additions
// after the S-box, on the path a single permutation waits for (a transcript's, a tree's top levels).
template <class F>
GS_FN void p2_internal_layer(GS_THREAD P2Lanes<F>& st) {
    F pairs[7];
    for (u32 i = 0; i < 7u; ++i) pairs[i] = fp_add(st.s[2u * i + 1u], st.s[2u * i + 2u]);
    F quads0 = fp_add(pairs[0], pairs[1]), quads1 = fp_add(pairs[2], pairs[3]), quads2 = fp_add(pairs[4], pairs[5]);
    F rest = fp_add(fp_add(quads0, quads1), fp_add(quads2, fp_add(pairs[6], st.s[15])));
    p2_add_internal_diag(st, fp_add(st.s[0], rest));
}

template <class F>
GS_FN void p2_permute(GS_THREAD P2Lanes<F>& st) {
    p2_external_layer(st);
    for (u32 r = 0; r < GS_P2_HALF_EXTERNAL_ROUNDS; ++r) {
        for (u32 i = 0; i < 16u; ++i)
            st.s[i] = fp_pow7(fp_add(st.s[i], p2_lane_constant(st.s[i], GS_P2_EXTERNAL_INITIAL[16u * r + i])));
        p2_external_layer(st);
    }
    for (u32 r = 0; r < GS_P2_INTERNAL_ROUNDS; ++r) {
        st.s[0] = fp_pow7(fp_add(st.s[0], p2_lane_constant(st.s[0], GS_P2_INTERNAL[r])));
        p2_internal_layer(st);
    }
    for (u32 r = 0; r < GS_P2_HALF_EXTERNAL_ROUNDS; ++r) {
        for (u32 i = 0; i < 16u; ++i)
            st.s[i] = fp_pow7(fp_add(st.s[i], p2_lane_constant(st.s[i], GS_P2_EXTERNAL_FINAL[16u * r + i])));
        p2_external_layer(st);
    }
}

GS_FN void p2_clear(GS_THREAD P2State& st) {
    for (u32 i = 0; i < 16u; ++i) st.s[i] = fp_zero();
}
