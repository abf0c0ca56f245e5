// Per-pair bodies of the sumcheck table kernels (core/ef_tables.h), shared by the CPU backend,
// CUDA and Metal. Tables are little-endian multilinear: pair i of a table is (t[2i], t[2i+1]),
// and a table's value at pair i with its lowest variable set to X is t[2i] + X (t[2i+1] - t[2i]).
#pragma once
#include "../field/ext4.h"

// t[2i] + r (t[2i+1] - t[2i]): the folded table's entry i.
GS_FN Ef sumcheck_fold_pair(Ef low, Ef high, Ef r) { return ef_add(low, ef_mul(r, ef_sub(high, low))); }

// A pair's value at X = 2: 2 high - low.
GS_FN Ef sumcheck_at_two(Ef low, Ef high) { return ef_sub(ef_add(high, high), low); }

// Pair i's contribution to s(1), s(2) of s(X) = sum_i a(X, i) b(X, i).
GS_FN void sumcheck_pair_product(Ef a0, Ef a1, Ef b0, Ef b1, GS_THREAD Ef* s1, GS_THREAD Ef* s2) {
    *s1 = ef_add(*s1, ef_mul(a1, b1));
    *s2 = ef_add(*s2, ef_mul(sumcheck_at_two(a0, a1), sumcheck_at_two(b0, b1)));
}

// Pair i's contribution to s(k), k = 1, 2, 3, of the LogUp-GKR layer round
//   s(X) = sum_i eq(X, i) (p0 q1 + p1 q0 + lambda q0 q1)(X, i),
// given each of the five tables' pair (v[0] = t[2i], v[1] = t[2i+1]).
GS_FN void sumcheck_fraction_pair(Ef p0_lo, Ef p0_hi, Ef p1_lo, Ef p1_hi, Ef q0_lo, Ef q0_hi, Ef q1_lo, Ef q1_hi,
                                  Ef eq_lo, Ef eq_hi, Ef lambda, GS_THREAD Ef* s) {
    // Values at X = 1, then step by (hi - lo) to X = 2 and X = 3.
    Ef dp0 = ef_sub(p0_hi, p0_lo), dp1 = ef_sub(p1_hi, p1_lo), dq0 = ef_sub(q0_hi, q0_lo), dq1 = ef_sub(q1_hi, q1_lo);
    Ef deq = ef_sub(eq_hi, eq_lo);
    Ef a0 = p0_hi, a1 = p1_hi, b0 = q0_hi, b1 = q1_hi, e = eq_hi;
    GS_UNROLL for (int k = 0; k < 3; ++k) {
        Ef cross = ef_add(ef_mul(a0, b1), ef_mul(a1, b0));
        s[k] = ef_add(s[k], ef_mul(e, ef_add(cross, ef_mul(lambda, ef_mul(b0, b1)))));
        a0 = ef_add(a0, dp0);
        a1 = ef_add(a1, dp1);
        b0 = ef_add(b0, dq0);
        b1 = ef_add(b1, dq1);
        e = ef_add(e, deq);
    }
}

// eq(bits(i), (z, z^2, z^4, ...)) over `vars` variables, given z_powers[k] = z^(2^k):
// prod_k (bit k of i ? z^(2^k) : 1 - z^(2^k)). The powers are in device memory (one record per point).
GS_FN Ef sumcheck_eq_power_weight(u64 i, u32 vars, GS_DEVICE const Ef* z_powers) {
    Ef acc = ef_one();
    for (u32 k = 0; k < vars; ++k) {
        Ef zk = z_powers[k];
        acc = ef_mul(acc, ((i >> k) & 1u) ? zk : ef_sub(ef_one(), zk));
    }
    return acc;
}

// The LogUp-GKR tree's sum of two fractions (PROTOCOL 8.2): (p0, q0) + (p1, q1) =
// (p0 q1 + p1 q0, q0 q1), the parent of children 2x and 2x + 1.
GS_FN void gkr_fraction_sum(Ef p0, Ef q0, Ef p1, Ef q1, GS_THREAD Ef* p, GS_THREAD Ef* q) {
    *p = ef_add(ef_mul(p0, q1), ef_mul(p1, q0));
    *q = ef_mul(q0, q1);
}
