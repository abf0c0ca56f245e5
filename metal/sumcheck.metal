// Sumcheck table steps (core/ef_tables.h): fold, the two round reductions and add_eq_powers over
// Ef tables (Montgomery form, 16 bytes each), table c at tables + c * p.stride. Every kernel is a
// grid-stride loop over p.lanes (lane += threads_per_grid), so any grid works, including one whose
// last threadgroup is not full. Params structs: cpp/kernels/sumcheck/table_lanes.h.
#include "reduce/group_sum.h"
#include "sumcheck/round_sponge.h"
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

// add_eq_powers' first launch: buffer 0: the points' records (Ef, p.count x (p.vars + 1)), 1: their
// half tables (Ef, p.count x sumcheck_eq_halves_len(p.vars)), 2: SumcheckAddEqPowersParams.
kernel void sumcheck_eq_halves(device const Ef* points [[buffer(0)]],
                               device Ef* halves [[buffer(1)]],
                               constant SumcheckAddEqPowersParams& p [[buffer(2)]],
                               uint pos [[thread_position_in_grid]],
                               uint threads [[threads_per_grid]]) {
    const u64 lanes = (u64)p.count * sumcheck_eq_halves_len(p.vars);
    for (u64 i = pos; i < lanes; i += threads) sumcheck_eq_halves_lane(i, p.vars, points, halves);
}

// buffer 0: table (Ef, 2^p.vars entries, updated in place), 1: the points' half tables (Ef, as
// sumcheck_eq_halves wrote them), 2: SumcheckAddEqPowersParams.
kernel void sumcheck_add_eq_powers(device Ef* table [[buffer(0)]],
                                   device const Ef* halves [[buffer(1)]],
                                   constant SumcheckAddEqPowersParams& p [[buffer(2)]],
                                   uint pos [[thread_position_in_grid]],
                                   uint threads [[threads_per_grid]]) {
    for (u64 i = pos; i < p.lanes; i += threads) sumcheck_add_eq_powers_lane(i, table, p.vars, p.count, halves);
}

// A round's transcript step (sumcheck/round_sponge.h), one threadgroup: buffer 0: the round
// kernel's partials (Ef, p.sums per group), 1: the sponge (SpongeState), 2: the log (Ef,
// GS_ROUND_LOG_STRIDE per round), 3: SumcheckSpongeStepParams; threadgroup(0): GS_ROUND_LOG_SUMS *
// threads_per_threadgroup Ef. No early return: every lane reaches group_sum's barriers.
kernel void sumcheck_sponge_step(device const Ef* partials [[buffer(0)]],
                                 device SpongeState* sponge [[buffer(1)]],
                                 device Ef* log [[buffer(2)]],
                                 constant SumcheckSpongeStepParams& p [[buffer(3)]],
                                 threadgroup Ef* scratch [[threadgroup(0)]],
                                 uint lane [[thread_position_in_threadgroup]],
                                 uint lanes [[threads_per_threadgroup]]) {
    Ef s[GS_ROUND_LOG_SUMS] = {ef_zero(), ef_zero(), ef_zero()};
    sumcheck_sponge_partials_lane(lane, lanes, partials, p.groups, p.sums, s);
    device Ef* entry = log + (u64)p.round * GS_ROUND_LOG_STRIDE;
    group_sum<GS_ROUND_LOG_SUMS>(s, lane, lanes, scratch, entry);
    if (lane == 0) sumcheck_sponge_observe_and_sample(sponge, entry, p.sums, p.sample);
}

// A round's grind against the sponge: buffer 0: best (u32, lowered atomically), 1: the sponge,
// 2: SumcheckSpongeGrindParams; witnesses 0 .. p.window - 1.
kernel void sumcheck_sponge_grind(device u32* best [[buffer(0)]],
                                  device const SpongeState* sponge [[buffer(1)]],
                                  constant SumcheckSpongeGrindParams& p [[buffer(2)]],
                                  uint pos [[thread_position_in_grid]],
                                  uint threads [[threads_per_grid]]) {
    for (u32 w = pos; w < p.window; w += threads) sumcheck_sponge_grind_lane(w, sponge, p.bits, best);
}

// The grind's witness observed and r sampled, one lane: buffer 0: the sponge, 1: best, 2: the log
// (Ef), 3: the witnesses (u32, one per round), 4: SumcheckSpongeWitnessParams.
kernel void sumcheck_sponge_witness(device SpongeState* sponge [[buffer(0)]],
                                    device u32* best [[buffer(1)]],
                                    device Ef* log [[buffer(2)]],
                                    device u32* witnesses [[buffer(3)]],
                                    constant SumcheckSpongeWitnessParams& p [[buffer(4)]],
                                    uint pos [[thread_position_in_grid]]) {
    if (pos != 0) return;
    sumcheck_sponge_witness_lane(sponge, best, log + (u64)p.round * GS_ROUND_LOG_STRIDE, witnesses + p.round, p.bits);
}

// sumcheck_fold with the challenge from the log: buffer 0: in (Ef), 1: out (Ef, another buffer),
// 2: the log (Ef), 3: SumcheckFoldLoggedParams.
kernel void sumcheck_fold_logged(device const Ef* in [[buffer(0)]],
                                 device Ef* out [[buffer(1)]],
                                 device const Ef* log [[buffer(2)]],
                                 constant SumcheckFoldLoggedParams& p [[buffer(3)]],
                                 uint pos [[thread_position_in_grid]],
                                 uint threads [[threads_per_grid]]) {
    const Ef r = log[p.r_index];
    for (u64 lane = pos; lane < p.lanes; lane += threads)
        sumcheck_fold_lane(lane, in, out, p.log_half, p.stride, p.out_shift, r);
}
