// One lane of each WHIR table kernel (core/ef_tables.h: subset_transform, set_product_table,
// power_sum, commit_table): the basis changes of a multilinear table, a product table such as
// the Moebius-eq weights, a table read as one univariate polynomial at z, and a table written as
// the canonical rows of an RS message. The CUDA kernels (backends/cuda/whir.cu) and the Metal
// kernels (metal/whir.metal) are grid-stride loops over these bodies; power_sum then adds each
// thread's term over its group (reduce/group_sum.h).
//
// The Params structs are the Metal kernels' launch arguments (one `constant` buffer each); CUDA
// passes the same structs by value. Ef fields hold Montgomery form, as Ef does.
#pragma once
#include "../field/ext4.h"

#define GS_WHIR_MAX_VARS 64u      // variables of a table: its length is 2^vars
#define GS_WHIR_POWER_SUM_SUMS 1u  // the one sum of power_sum per threadgroup

// subset_step: lanes = length/2, one per pair (i, i + 2^log_step) of entries that differ only in
// index bit log_step; inverse: 0 for the zeta transform (+), 1 for Moebius (-).
struct WhirSubsetStepParams {
    u64 lanes;
    u32 log_step;
    u32 inverse;
};

// product_table: lanes = length = 2^vars; factor k is (lo[k], hi[k]).
struct WhirProductTableParams {
    u64 lanes;
    u32 vars;
    u32 pad;
    Ef lo[GS_WHIR_MAX_VARS];
    Ef hi[GS_WHIR_MAX_VARS];
};

// power_sum: lanes = length = 2^vars; z[k] = z^(2^k) for k < vars.
struct WhirPowerSumParams {
    u64 lanes;
    u32 vars;
    u32 pad;
    Ef z[GS_WHIR_MAX_VARS];
};

// ef_words: lanes = the table's length.
struct WhirEfWordsParams {
    u64 lanes;
    u64 pad;
};

#ifndef __METAL_VERSION__
static_assert(sizeof(WhirSubsetStepParams) == 16 && __builtin_offsetof(WhirSubsetStepParams, log_step) == 8 &&
                  __builtin_offsetof(WhirSubsetStepParams, inverse) == 12,
              "WhirSubsetStepParams layout is shared with MSL");
static_assert(sizeof(WhirProductTableParams) == 16 + 2 * 16 * GS_WHIR_MAX_VARS &&
                  __builtin_offsetof(WhirProductTableParams, vars) == 8 &&
                  __builtin_offsetof(WhirProductTableParams, lo) == 16 &&
                  __builtin_offsetof(WhirProductTableParams, hi) == 16 + 16 * GS_WHIR_MAX_VARS,
              "WhirProductTableParams layout is shared with MSL");
static_assert(sizeof(WhirPowerSumParams) == 16 + 16 * GS_WHIR_MAX_VARS &&
                  __builtin_offsetof(WhirPowerSumParams, vars) == 8 && __builtin_offsetof(WhirPowerSumParams, z) == 16,
              "WhirPowerSumParams layout is shared with MSL");
static_assert(sizeof(WhirEfWordsParams) == 16, "WhirEfWordsParams layout is shared with MSL");
#endif

// Lane j of one step over index bit log_step: i is j with a zero bit inserted at log_step, and
// t[i + 2^log_step] becomes t[i + 2^log_step] + t[i] (zeta) or - t[i] (Moebius). The steps of
// all bits, in any order, are the whole transform: they commute, and field sums are exact.
GS_FN void whir_subset_step_lane(u64 j, GS_DEVICE Ef* t, u32 log_step, u32 inverse) {
    const u64 step = (u64)1 << log_step;
    const u64 i = ((j >> log_step) << (log_step + 1)) | (j & (step - 1));
    const Ef low = t[i], high = t[i + step];
    t[i + step] = inverse ? ef_sub(high, low) : ef_add(high, low);
}

// Lane i: t[i] = prod_k (bit k of i ? hi[k] : lo[k]). The factors live in the launch arguments
// (CUDA parameter memory, a Metal constant buffer).
GS_FN void whir_product_table_lane(u64 i, GS_DEVICE Ef* t, u32 vars, GS_CONSTANT const Ef* lo,
                                   GS_CONSTANT const Ef* hi) {
    Ef acc = ef_one();
    for (u32 k = 0; k < vars; ++k) acc = ef_mul(acc, ((i >> k) & 1u) ? hi[k] : lo[k]);
    t[i] = acc;
}

// Lane i adds t[i] z^i to *s, with z^i = prod over the set bits k of i of z^(2^k) = z_powers[k].
GS_FN void whir_power_sum_lane(u64 i, GS_DEVICE const Ef* t, u32 vars, GS_CONSTANT const Ef* z_powers,
                               GS_THREAD Ef* s) {
    Ef power = ef_one();
    for (u32 k = 0; k < vars; ++k)
        if ((i >> k) & 1u) power = ef_mul(power, z_powers[k]);
    *s = ef_add(*s, ef_mul(t[i], power));
}

// Lane i: row i of the message whose RS codeword commits the table: t[i] as 4 canonical limbs.
GS_FN void whir_ef_words_lane(u64 i, GS_DEVICE const Ef* t, GS_DEVICE u32* words) { ef_store(words + 4 * i, t[i]); }
