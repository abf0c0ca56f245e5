// Sumcheck table steps (core/ef_tables.h): fold, the two round reductions and add_eq_powers over
// Ef tables (Montgomery form, 16 bytes each), table c at tables + c * p.stride. Every kernel is a
// grid-stride loop over p.lanes (lane += threads_per_grid), so any grid works, including one whose
// last threadgroup is not full. Params structs: cpp/kernels/sumcheck/table_lanes.h.
#include "reduce/group_sum.h"
#include "sumcheck/table_lanes.h"

// buffer 0: in (Ef), 1: out (Ef, another buffer, tables at stride >> out_shift), 2: SumcheckFoldParams.
kernel void sumcheck_fold(device const Ef* in [[buffer(0)]],
                          device Ef* out [[buffer(1)]],
                          constant SumcheckFoldParams& p [[buffer(2)]],
                          uint pos [[thread_position_in_grid]],
                          uint threads [[threads_per_grid]]) {
    for (u64 lane = pos; lane < p.lanes; lane += threads) sumcheck_fold_lane(lane, in, out, p.log_half, p.stride, p.out_shift, p.r);
}

// buffer 0: tables (Ef), 1: partials (Ef, 2 per threadgroup: s(1), s(2) at 2 * group),
// 2: SumcheckPairProductParams; threadgroup(0): 2 * threads_per_threadgroup Ef.
// No early return: every lane reaches group_sum's barriers.
kernel void sumcheck_pair_product(device const Ef* tables [[buffer(0)]],
                                  device Ef* partials [[buffer(1)]],
                                  constant SumcheckPairProductParams& p [[buffer(2)]],
                                  threadgroup Ef* scratch [[threadgroup(0)]],
                                  uint pos [[thread_position_in_grid]],
                                  uint threads [[threads_per_grid]],
                                  uint lane [[thread_position_in_threadgroup]],
                                  uint lanes [[threads_per_threadgroup]],
                                  uint group [[threadgroup_position_in_grid]]) {
    Ef s[GS_SUMCHECK_PAIR_PRODUCT_SUMS] = {ef_zero(), ef_zero()};
    for (u64 i = pos; i < p.lanes; i += threads) sumcheck_pair_product_lane(i, tables, p.log_half, p.stride, s);
    group_sum<GS_SUMCHECK_PAIR_PRODUCT_SUMS>(s, lane, lanes, scratch,
                                             partials + (u64)group * GS_SUMCHECK_PAIR_PRODUCT_SUMS);
}

// buffer 0: tables (Ef: p0, p1, q0, q1, eq), 1: partials (Ef, 3 per threadgroup: s(1), s(2),
// s(3) at 3 * group), 2: SumcheckFractionParams; threadgroup(0): 3 * threads_per_threadgroup Ef.
// No early return: every lane reaches group_sum's barriers.
kernel void sumcheck_fraction(device const Ef* tables [[buffer(0)]],
                              device Ef* partials [[buffer(1)]],
                              constant SumcheckFractionParams& p [[buffer(2)]],
                              threadgroup Ef* scratch [[threadgroup(0)]],
                              uint pos [[thread_position_in_grid]],
                              uint threads [[threads_per_grid]],
                              uint lane [[thread_position_in_threadgroup]],
                              uint lanes [[threads_per_threadgroup]],
                              uint group [[threadgroup_position_in_grid]]) {
    Ef s[GS_SUMCHECK_FRACTION_SUMS] = {ef_zero(), ef_zero(), ef_zero()};
    for (u64 i = pos; i < p.lanes; i += threads) sumcheck_fraction_lane(i, tables, p.stride, p.lambda, s);
    group_sum<GS_SUMCHECK_FRACTION_SUMS>(s, lane, lanes, scratch, partials + (u64)group * GS_SUMCHECK_FRACTION_SUMS);
}

// buffer 0: table (Ef, 2^p.vars entries, updated in place), 1: the points' records (Ef, p.count
// x (p.vars + 1)), 2: SumcheckAddEqPowersParams.
kernel void sumcheck_add_eq_powers(device Ef* table [[buffer(0)]],
                                   device const Ef* points [[buffer(1)]],
                                   constant SumcheckAddEqPowersParams& p [[buffer(2)]],
                                   uint pos [[thread_position_in_grid]],
                                   uint threads [[threads_per_grid]]) {
    for (u64 i = pos; i < p.lanes; i += threads) sumcheck_add_eq_powers_lane(i, table, p.vars, p.count, points);
}
