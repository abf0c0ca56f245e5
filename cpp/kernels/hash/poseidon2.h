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

struct P2State {
    Fp s[16];
};

// x <- M4 x on lanes base..base+3, M4 = [[2,3,1,1],[1,2,3,1],[1,1,2,3],[3,1,1,2]].
GS_FN void p2_apply_m4(GS_THREAD P2State& st, u32 base) {
    Fp x0 = st.s[base], x1 = st.s[base + 1], x2 = st.s[base + 2], x3 = st.s[base + 3];
    Fp t01 = fp_add(x0, x1);
    Fp t23 = fp_add(x2, x3);
    Fp t0123 = fp_add(t01, t23);
    // row i = x_i + (sum of all) + x_{i+1} (indices mod 4), read off M4's rows.
    st.s[base] = fp_add(fp_add(t0123, x0), fp_double(x1));
    st.s[base + 1] = fp_add(fp_add(t0123, x1), fp_double(x2));
    st.s[base + 2] = fp_add(fp_add(t0123, x2), fp_double(x3));
    st.s[base + 3] = fp_add(fp_add(t0123, x3), fp_double(x0));
}

// The external layer circ(2 M4, M4, M4, M4): M4 on every block, then add the column sums.
GS_FN void p2_external_layer(GS_THREAD P2State& st) {
    for (u32 b = 0; b < 16u; b += 4u) p2_apply_m4(st, b);
    for (u32 j = 0; j < 4u; ++j) {
        Fp col = fp_add(fp_add(st.s[j], st.s[j + 4u]), fp_add(st.s[j + 8u], st.s[j + 12u]));
        for (u32 b = 0; b < 16u; b += 4u) st.s[b + j] = fp_add(st.s[b + j], col);
    }
}

// s_i <- sum(s) + V_i s_i.
GS_FN void p2_internal_layer(GS_THREAD P2State& st) {
    Fp sum = st.s[0];
    for (u32 i = 1; i < 16u; ++i) sum = fp_add(sum, st.s[i]);
    for (u32 i = 0; i < 16u; ++i) st.s[i] = fp_add(sum, fp_mul(st.s[i], fp_raw(GS_P2_INTERNAL_DIAG[i])));
}

GS_FN void p2_permute(GS_THREAD P2State& st) {
    p2_external_layer(st);
    for (u32 r = 0; r < GS_P2_HALF_EXTERNAL_ROUNDS; ++r) {
        for (u32 i = 0; i < 16u; ++i)
            st.s[i] = fp_pow7(fp_add(st.s[i], fp_raw(GS_P2_EXTERNAL_INITIAL[16u * r + i])));
        p2_external_layer(st);
    }
    for (u32 r = 0; r < GS_P2_INTERNAL_ROUNDS; ++r) {
        st.s[0] = fp_pow7(fp_add(st.s[0], fp_raw(GS_P2_INTERNAL[r])));
        p2_internal_layer(st);
    }
    for (u32 r = 0; r < GS_P2_HALF_EXTERNAL_ROUNDS; ++r) {
        for (u32 i = 0; i < 16u; ++i)
            st.s[i] = fp_pow7(fp_add(st.s[i], fp_raw(GS_P2_EXTERNAL_FINAL[16u * r + i])));
        p2_external_layer(st);
    }
}

GS_FN void p2_clear(GS_THREAD P2State& st) {
    for (u32 i = 0; i < 16u; ++i) st.s[i] = fp_zero();
}
