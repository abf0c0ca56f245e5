// The quartic extension EF = F[X]/(X^4 - 11): a0 + a1 X + a2 X^2 + a3 X^3.
// Coefficient order (a0..a3) is the order used everywhere: observing, sampling, hashing,
// serialisation.
#pragma once
#include "babybear.h"

#define GS_EXT_W 11u
#define GS_EXT_W_MONT 939524073u  // W in Montgomery form: 11 * 2^32 mod p

struct Ef {
    Fp c0, c1, c2, c3;
};

GS_FN Ef ef_make(Fp a0, Fp a1, Fp a2, Fp a3) { Ef r; r.c0 = a0; r.c1 = a1; r.c2 = a2; r.c3 = a3; return r; }
GS_FN Ef ef_from_base(Fp a) { return ef_make(a, fp_zero(), fp_zero(), fp_zero()); }
GS_FN Ef ef_zero() { return ef_from_base(fp_zero()); }
GS_FN Ef ef_one() { return ef_from_base(fp_one()); }

GS_FN Ef ef_add(Ef a, Ef b) {
    return ef_make(fp_add(a.c0, b.c0), fp_add(a.c1, b.c1), fp_add(a.c2, b.c2), fp_add(a.c3, b.c3));
}
GS_FN Ef ef_sub(Ef a, Ef b) {
    return ef_make(fp_sub(a.c0, b.c0), fp_sub(a.c1, b.c1), fp_sub(a.c2, b.c2), fp_sub(a.c3, b.c3));
}
GS_FN Ef ef_neg(Ef a) { return ef_make(fp_neg(a.c0), fp_neg(a.c1), fp_neg(a.c2), fp_neg(a.c3)); }
GS_FN Ef ef_mul_base(Ef a, Fp b) {
    return ef_make(fp_mul(a.c0, b), fp_mul(a.c1, b), fp_mul(a.c2, b), fp_mul(a.c3, b));
}
GS_FN bool ef_eq(Ef a, Ef b) {
    return fp_eq(a.c0, b.c0) && fp_eq(a.c1, b.c1) && fp_eq(a.c2, b.c2) && fp_eq(a.c3, b.c3);
}

GS_FN Fp fp_mul_w(Fp a) { return fp_mul(a, fp_from_canonical(GS_EXT_W)); }

GS_FN Ef ef_mul(Ef a, Ef b) {
    // Schoolbook product; X^4 = W folds the terms of degree 4..6 back down. Each coefficient is
    // a sum of 64-bit products reduced once (fp_monty_reduce_sum): 7 reductions instead of 19.
    const u64 a0 = a.c0.m, a1 = a.c1.m, a2 = a.c2.m, a3 = a.c3.m;
    const u64 b0 = b.c0.m, b1 = b.c1.m, b2 = b.c2.m, b3 = b.c3.m;
    const u64 w = GS_EXT_W_MONT;
    const u64 d4 = fp_monty_reduce_sum(a1 * b3 + a2 * b2 + a3 * b1);
    const u64 d5 = fp_monty_reduce_sum(a2 * b3 + a3 * b2);
    const u64 d6 = fp_monty_reduce(a3 * b3);
    return ef_make(fp_raw(fp_monty_reduce_sum(a0 * b0 + d4 * w)),
                   fp_raw(fp_monty_reduce_sum(a0 * b1 + a1 * b0 + d5 * w)),
                   fp_raw(fp_monty_reduce_sum(a0 * b2 + a1 * b1 + a2 * b0 + d6 * w)),
                   fp_raw(fp_monty_reduce_sum(a0 * b3 + a1 * b2 + a2 * b1 + a3 * b0)));
}
GS_FN Ef ef_square(Ef a) { return ef_mul(a, a); }

GS_FN Ef ef_pow(Ef base, u64 e) {
    Ef acc = ef_one();
    while (e != 0) {
        if (e & 1u) acc = ef_mul(acc, base);
        base = ef_square(base);
        e >>= 1;
    }
    return acc;
}

// Inverse through the tower EF = K[X]/(X^2 - y), K = F[y]/(y^2 - W), y = X^2:
// for a = A + X B, a * (A - X B) = A^2 - y B^2 lies in K, whose inverse is a conjugate over a norm
// in F. The inverse of 0 is 0.
GS_FN Ef ef_inv(Ef a) {
    // A = a0 + a2 y, B = a1 + a3 y
    Fp w = fp_from_canonical(GS_EXT_W);
    // A^2 = (a0^2 + W a2^2) + 2 a0 a2 y ; y B^2 = y (a1^2 + W a3^2) + 2 W a1 a3
    Fp a_sq0 = fp_add(fp_square(a.c0), fp_mul(w, fp_square(a.c2)));
    Fp a_sq1 = fp_double(fp_mul(a.c0, a.c2));
    Fp yb_sq0 = fp_mul(w, fp_double(fp_mul(a.c1, a.c3)));
    Fp yb_sq1 = fp_add(fp_square(a.c1), fp_mul(w, fp_square(a.c3)));
    Fp n0 = fp_sub(a_sq0, yb_sq0);  // norm to K: n0 + n1 y
    Fp n1 = fp_sub(a_sq1, yb_sq1);
    Fp norm_f = fp_sub(fp_square(n0), fp_mul(w, fp_square(n1)));
    Fp inv_f = fp_inv(norm_f);
    Fp m0 = fp_mul(n0, inv_f);          // (n0 + n1 y)^{-1} = (n0 - n1 y) / norm_f
    Fp m1 = fp_neg(fp_mul(n1, inv_f));
    // a^{-1} = (A - X B) * (m0 + m1 y)
    Fp r0 = fp_add(fp_mul(a.c0, m0), fp_mul(w, fp_mul(a.c2, m1)));
    Fp r2 = fp_add(fp_mul(a.c0, m1), fp_mul(a.c2, m0));
    Fp r1 = fp_neg(fp_add(fp_mul(a.c1, m0), fp_mul(w, fp_mul(a.c3, m1))));
    Fp r3 = fp_neg(fp_add(fp_mul(a.c1, m1), fp_mul(a.c3, m0)));
    return ef_make(r0, r1, r2, r3);
}

// Buffers store an element as 4 canonical limbs.
GS_FN Ef ef_load(GS_DEVICE const u32* p) {
    return ef_make(fp_from_canonical(p[0]), fp_from_canonical(p[1]), fp_from_canonical(p[2]),
                   fp_from_canonical(p[3]));
}
GS_FN void ef_store(GS_DEVICE u32* p, Ef a) {
    p[0] = fp_to_canonical(a.c0);
    p[1] = fp_to_canonical(a.c1);
    p[2] = fp_to_canonical(a.c2);
    p[3] = fp_to_canonical(a.c3);
}
