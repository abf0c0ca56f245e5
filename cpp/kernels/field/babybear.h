// BabyBear, p = 2^31 - 2^27 + 1, as a value type with free functions.
//
// An `Fp` holds its value in Montgomery form (x * 2^32 mod p) so that a product costs one 64-bit
// multiply and one reduction. Buffers hold canonical u32 values: kernels convert with
// fp_from_canonical() when they load and fp_to_canonical() when they store. Memory-bound passes
// hide those two extra multiplies; compute-bound bodies convert once and stay in Montgomery form.
#pragma once
#include "../platform.h"

#ifndef GS_WIDE_ALU
#error "platform.h must say whether 64-bit compares are single instructions (GS_WIDE_ALU)"
#endif

#define GS_P 0x78000001u
// -p^{-1} mod 2^32
#define GS_P_NEG_INV 0x77ffffffu
// 2^64 mod p: multiplying by it in Montgomery form converts canonical -> Montgomery.
#define GS_R2_MOD_P 1172168163u
// 2^32 mod p: the Montgomery form of 1.
#define GS_ONE_MONT 268435454u

struct Fp {
    u32 m;  // Montgomery form, always < p
};

// s mod p for s < 2p, as min(s, s - p) in unsigned words: s - p wraps above s exactly when s < p.
// One subtraction and one unsigned min (a single instruction on NVIDIA and Apple GPUs) instead of
// a compare, a subtraction and a select.
GS_FN u32 fp_reduce_once(u32 s) {
    u32 t = s - GS_P;
    return t < s ? t : s;
}

GS_FN u32 fp_monty_reduce(u64 x) {
    // x < p * 2^32. t = (x + (x * -p^{-1} mod 2^32) * p) / 2^32 < 2p.
    u32 q = (u32)x * GS_P_NEG_INV;
    u32 t = (u32)((x + (u64)q * GS_P) >> 32);
    return fp_reduce_once(t);
}

// x < 4p^2 brought under p 2^32 by subtracting p 2^32 (a multiple of p) when x reaches it. Two
// forms, equal for every such x. GPUs: p 2^32 has a zero low word and x's high word is below
// 4p^2 / 2^32 < 2p, so the test and the subtraction touch only the high word, one fp_reduce_once.
// 64-bit CPUs: a 64-bit compare and select, as splitting and joining the words costs them more.
GS_FN u64 fp_sum_under_p_shifted_by_high_word(u64 x) {
    return ((u64)fp_reduce_once((u32)(x >> 32)) << 32) | (u32)x;
}
GS_FN u64 fp_sum_under_p_shifted_wide(u64 x) {
    const u64 p_shifted = (u64)GS_P << 32;
    return x >= p_shifted ? x - p_shifted : x;
}

// A sum of up to four products of Montgomery values (each < p^2, so the sum < 4p^2 < 2^64)
// reduced once: lazy reduction for the extension field's products.
GS_FN u32 fp_monty_reduce_sum(u64 x) {
#if GS_WIDE_ALU
    return fp_monty_reduce(fp_sum_under_p_shifted_wide(x));
#else
    return fp_monty_reduce(fp_sum_under_p_shifted_by_high_word(x));
#endif
}

GS_FN Fp fp_raw(u32 montgomery) { Fp r; r.m = montgomery; return r; }
GS_FN Fp fp_from_canonical(u32 x) { return fp_raw(fp_monty_reduce((u64)x * GS_R2_MOD_P)); }
GS_FN u32 fp_to_canonical(Fp a) { return fp_monty_reduce((u64)a.m); }
GS_FN Fp fp_zero() { return fp_raw(0u); }
GS_FN Fp fp_one() { return fp_raw(GS_ONE_MONT); }

GS_FN Fp fp_add(Fp a, Fp b) {
    return fp_raw(fp_reduce_once(a.m + b.m));  // a + b < 2p < 2^32
}
// a - b + p < 2p, reduced once.
GS_FN Fp fp_sub(Fp a, Fp b) { return fp_raw(fp_reduce_once(a.m + (GS_P - b.m))); }
GS_FN Fp fp_neg(Fp a) { return fp_raw(fp_reduce_once(GS_P - a.m)); }  // p - 0 = p reduces to 0
GS_FN Fp fp_mul(Fp a, Fp b) { return fp_raw(fp_monty_reduce((u64)a.m * b.m)); }
GS_FN Fp fp_square(Fp a) { return fp_mul(a, a); }
GS_FN Fp fp_double(Fp a) { return fp_add(a, a); }
GS_FN bool fp_eq(Fp a, Fp b) { return a.m == b.m; }
GS_FN bool fp_is_zero(Fp a) { return a.m == 0u; }

GS_FN Fp fp_pow(Fp base, u64 e) {
    Fp acc = fp_one();
    while (e != 0) {
        if (e & 1u) acc = fp_mul(acc, base);
        base = fp_square(base);
        e >>= 1;
    }
    return acc;
}

// a^(p-2); the inverse of 0 is 0 (callers that can meet 0 check it themselves).
GS_FN Fp fp_inv(Fp a) { return fp_pow(a, (u64)(GS_P - 2u)); }

// x^7, the Poseidon2 S-box.
GS_FN Fp fp_pow7(Fp x) {
    Fp x2 = fp_square(x);
    Fp x3 = fp_mul(x2, x);
    Fp x4 = fp_square(x2);
    return fp_mul(x3, x4);
}
