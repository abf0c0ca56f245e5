// WHIR's table steps (core/ef_tables.h: subset_transform, set_product_table, power_sum,
// commit_table's message) over one Ef table (Montgomery form, 16 bytes each). Every kernel is a
// grid-stride loop over p.lanes (lane += threads_per_grid), so any grid works, including one whose
// last threadgroup is not full. Params structs: cpp/kernels/whir/whir_tables.h.
#include "reduce/group_sum.h"
#include "whir/whir_tables.h"

// buffer 0: table (Ef, 2 p.lanes entries, updated in place), 1: WhirSubsetStepParams.
kernel void whir_subset_step(device Ef* table [[buffer(0)]],
                             constant WhirSubsetStepParams& p [[buffer(1)]],
                             uint pos [[thread_position_in_grid]],
                             uint threads [[threads_per_grid]]) {
    for (u64 j = pos; j < p.lanes; j += threads) whir_subset_step_lane(j, table, p.log_step, p.inverse);
}

// buffer 0: table (Ef, p.lanes = 2^p.vars entries, overwritten), 1: WhirProductTableParams.
kernel void whir_product_table(device Ef* table [[buffer(0)]],
                               constant WhirProductTableParams& p [[buffer(1)]],
                               uint pos [[thread_position_in_grid]],
                               uint threads [[threads_per_grid]]) {
    for (u64 i = pos; i < p.lanes; i += threads) whir_product_table_lane(i, table, p.vars, p.lo, p.hi);
}

// buffer 0: table (Ef, p.lanes = 2^p.vars entries), 1: partials (Ef, one per threadgroup),
// 2: WhirPowerSumParams; threadgroup(0): threads_per_threadgroup Ef.
// No early return: every lane reaches group_sum's barriers.
kernel void whir_power_sum(device const Ef* table [[buffer(0)]],
                           device Ef* partials [[buffer(1)]],
                           constant WhirPowerSumParams& p [[buffer(2)]],
                           threadgroup Ef* scratch [[threadgroup(0)]],
                           uint pos [[thread_position_in_grid]],
                           uint threads [[threads_per_grid]],
                           uint lane [[thread_position_in_threadgroup]],
                           uint lanes [[threads_per_threadgroup]],
                           uint group [[threadgroup_position_in_grid]]) {
    Ef s[GS_WHIR_POWER_SUM_SUMS] = {ef_zero()};
    for (u64 i = pos; i < p.lanes; i += threads) whir_power_sum_lane(i, table, p.vars, p.z, &s[0]);
    group_sum<GS_WHIR_POWER_SUM_SUMS>(s, lane, lanes, scratch, partials + (u64)group * GS_WHIR_POWER_SUM_SUMS);
}

// buffer 0: table (Ef, p.lanes entries), 1: words (4 canonical u32 per entry), 2: WhirEfWordsParams.
kernel void whir_ef_words(device const Ef* table [[buffer(0)]],
                          device u32* words [[buffer(1)]],
                          constant WhirEfWordsParams& p [[buffer(2)]],
                          uint pos [[thread_position_in_grid]],
                          uint threads [[threads_per_grid]]) {
    for (u64 i = pos; i < p.lanes; i += threads) whir_ef_words_lane(i, table, words);
}
