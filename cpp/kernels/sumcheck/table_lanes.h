// One lane of each sumcheck table kernel (core/ef_tables.h): fold, the two round reductions and
// add_eq_powers, over `count` tables of `length` Ef values (a power of two), table c at
// tables + c * stride. The CUDA kernels (backends/cuda/sumcheck.cu) and the Metal kernels
// (metal/sumcheck.metal) are grid-stride loops over these bodies; the rounds then add each
// thread's sums over its group (reduce/group_sum.h).
//
// The Params structs are the Metal kernels' launch arguments (one `constant` buffer each); CUDA
// passes the same scalars as kernel arguments. Ef fields hold Montgomery form, as Ef does.
#pragma once
#include "tables.h"

#define GS_SUMCHECK_PAIR_PRODUCT_SUMS 2u  // s(1), s(2)
#define GS_SUMCHECK_FRACTION_SUMS 3u      // s(1), s(2), s(3)
#define GS_SUMCHECK_MAX_EQ_VARS 64u       // add_eq_powers: z^(2^k) for k < vars

// fold: lanes = count * length/2, log_half = log2(length/2); `in`'s table c at c * stride, `out`'s
// at c * (stride >> out_shift) (1: the folded tables packed at half the stride, in half the memory).
struct SumcheckFoldParams {
    u64 lanes;
    u64 stride;
    Ef r;
    u32 log_half;
    u32 out_shift;
};

// pair_product: lanes = count/2 * length/2, log_half = log2(length/2).
struct SumcheckPairProductParams {
    u64 lanes;
    u64 stride;
    u32 log_half;
    u32 pad;
};

// fraction: lanes = length/2 over the five tables p0, p1, q0, q1, eq.
struct SumcheckFractionParams {
    u64 lanes;
    u64 stride;
    Ef lambda;
};

// add_eq_powers: `count` points, each a record of vars + 1 Ef in device memory: (weight, z, z^2,
// z^4, ..., z^(2^(vars-1))). eq over the index bits is the product of eq over the low
// sumcheck_eq_low_vars(vars) bits and eq over the rest, so sumcheck_eq_halves first writes each
// point's two half tables (lanes = count x sumcheck_eq_halves_len(vars)), and then
// sumcheck_add_eq_powers (lanes = length = 2^vars) adds one product per point to each entry, not
// vars of them. Two launches add them all (WHIR's round).
struct SumcheckAddEqPowersParams {
    u64 lanes;
    u32 vars;
    u32 count;
};

#ifndef __METAL_VERSION__
static_assert(sizeof(SumcheckFoldParams) == 40 && __builtin_offsetof(SumcheckFoldParams, r) == 16 &&
                  __builtin_offsetof(SumcheckFoldParams, log_half) == 32,
              "SumcheckFoldParams layout is shared with MSL");
static_assert(sizeof(SumcheckPairProductParams) == 24 && __builtin_offsetof(SumcheckPairProductParams, log_half) == 16,
              "SumcheckPairProductParams layout is shared with MSL");
static_assert(sizeof(SumcheckFractionParams) == 32 && __builtin_offsetof(SumcheckFractionParams, lambda) == 16,
              "SumcheckFractionParams layout is shared with MSL");
static_assert(sizeof(SumcheckAddEqPowersParams) == 16 && __builtin_offsetof(SumcheckAddEqPowersParams, vars) == 8 &&
                  __builtin_offsetof(SumcheckAddEqPowersParams, count) == 12,
              "SumcheckAddEqPowersParams layout is shared with MSL");
#endif

// Lane = (table c, output index i): out[c][i] = fold of in[c]'s pair i. `out` is another buffer:
// in place, output i would overwrite input i, which lane i/2 still reads.
GS_FN void sumcheck_fold_lane(u64 lane, GS_DEVICE const Ef* in, GS_DEVICE Ef* out, u32 log_half, u64 stride,
                              u32 out_shift, Ef r) {
    const u64 c = lane >> log_half, i = lane & (((u64)1 << log_half) - 1);
    GS_DEVICE const Ef* t = in + c * stride;
    out[c * (stride >> out_shift) + i] = sumcheck_fold_pair(t[2 * i], t[2 * i + 1], r);
}

// Lane = (pair of tables j, pair index i) of a_j = table 2j, b_j = table 2j + 1: adds its terms
// to s[0] = s(1), s[1] = s(2).
GS_FN void sumcheck_pair_product_lane(u64 lane, GS_DEVICE const Ef* tables, u32 log_half, u64 stride,
                                      GS_THREAD Ef* s) {
    const u64 j = lane >> log_half, i = lane & (((u64)1 << log_half) - 1);
    GS_DEVICE const Ef* a = tables + 2 * j * stride;
    GS_DEVICE const Ef* b = a + stride;
    sumcheck_pair_product(a[2 * i], a[2 * i + 1], b[2 * i], b[2 * i + 1], &s[0], &s[1]);
}

// Lane = pair index i of the five tables p0, p1, q0, q1, eq (tables 0..4): adds its terms to
// s[0..3) = s(1), s(2), s(3).
GS_FN void sumcheck_fraction_lane(u64 i, GS_DEVICE const Ef* tables, u64 stride, Ef lambda, GS_THREAD Ef* s) {
    GS_DEVICE const Ef* p0 = tables;
    GS_DEVICE const Ef* p1 = p0 + stride;
    GS_DEVICE const Ef* q0 = p1 + stride;
    GS_DEVICE const Ef* q1 = q0 + stride;
    GS_DEVICE const Ef* eq = q1 + stride;
    sumcheck_fraction_pair(p0[2 * i], p0[2 * i + 1], p1[2 * i], p1[2 * i + 1], q0[2 * i], q0[2 * i + 1], q1[2 * i],
                           q1[2 * i + 1], eq[2 * i], eq[2 * i + 1], lambda, s);
}

// The index bits the low half table covers, and one point's two half tables' length.
GS_FN u32 sumcheck_eq_low_vars(u32 vars) { return (vars + 1u) / 2u; }
GS_FN u64 sumcheck_eq_halves_len(u32 vars) {
    return ((u64)1 << sumcheck_eq_low_vars(vars)) + ((u64)1 << (vars - sumcheck_eq_low_vars(vars)));
}

// Lane = (point q, entry j of its halves): the low table, weight * eq over the low bits at j,
// then the high table, eq over the other bits at j - 2^low; the records as
// SumcheckAddEqPowersParams lays them out.
GS_FN void sumcheck_eq_halves_lane(u64 lane, u32 vars, GS_DEVICE const Ef* points, GS_DEVICE Ef* halves) {
    const u64 len = sumcheck_eq_halves_len(vars), q = lane / len, j = lane - q * len;
    const u32 low = sumcheck_eq_low_vars(vars);
    GS_DEVICE const Ef* record = points + q * (vars + 1u);
    const u64 low_len = (u64)1 << low;
    halves[lane] = j < low_len ? ef_mul(record[0], sumcheck_eq_power_weight(j, low, record + 1))
                               : sumcheck_eq_power_weight(j - low_len, vars - low, record + 1 + low);
}

// Lane = entry i: table[i] += sum over the points of weight * eq(bits(i), (z, z^2, z^4, ...)),
// one product of the point's two half tables each.
GS_FN void sumcheck_add_eq_powers_lane(u64 i, GS_DEVICE Ef* table, u32 vars, u32 count, GS_DEVICE const Ef* halves) {
    const u32 low = sumcheck_eq_low_vars(vars);
    const u64 len = sumcheck_eq_halves_len(vars), lo = i & (((u64)1 << low) - 1u), hi = ((u64)1 << low) + (i >> low);
    Ef acc = table[i];
    for (u32 q = 0; q < count; ++q) {
        GS_DEVICE const Ef* h = halves + (u64)q * len;
        acc = ef_add(acc, ef_mul(h[lo], h[hi]));
    }
    table[i] = acc;
}
