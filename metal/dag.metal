// The constraint DAG (core/dag_program.h) at one point per lane: round 0's base-field sums, the
// sum of each point's groups, and the batch-constraint MLE round (its tables folded at the round's
// points first, then the program run over them). Grid-stride loops
// (lane += threads_per_grid); a thread's slots are column thread_position_in_grid of a
// slots x threads_per_grid matrix, so the host sizes the grid to the slot scratch it allocated.
// The program buffers are the CUDA backend's (cuda_dag.cpp): code (4 u32 per instruction),
// groups ((first, count) u32 per group), weights (Ef), constants (Fp). Params structs:
// cpp/kernels/dag/dag_lanes.h.
#include "dag/dag_lanes.h"
#include "reduce/group_sum.h"

// buffer 0: code, 1: groups, 2: weights, 3: constants, 4: local (canonical u32: the columns, then
// three selectors, where p's point and column strides say), 5: next (canonical u32, likewise),
// 6: slots (Fp, program slots x threads_per_grid), 7: out (DagSums, p.lanes = points x
// group_count), 8: DagBaseSumsParams.
kernel void dag_base_sums(constant u32* code [[buffer(0)]],
                          constant u32* groups [[buffer(1)]],
                          constant Ef* weights [[buffer(2)]],
                          constant Fp* constants [[buffer(3)]],
                          device const u32* local [[buffer(4)]],
                          device const u32* next [[buffer(5)]],
                          device Fp* slots [[buffer(6)]],
                          device DagSums* out [[buffer(7)]],
                          constant DagBaseSumsParams& p [[buffer(8)]],
                          uint pos [[thread_position_in_grid]],
                          uint threads [[threads_per_grid]]) {
    for (u64 lane = pos; lane < p.lanes; lane += threads)
        dag_base_sums_lane(lane, pos, threads, code, groups, weights, constants, local, next, p, slots, out);
}

// buffer 0: partial (DagSums, points x group_count), 1: out (DagSums, points), 2: DagGroupSumsParams.
kernel void dag_group_sums(device const DagSums* partial [[buffer(0)]],
                           device DagSums* out [[buffer(1)]],
                           constant DagGroupSumsParams& p [[buffer(2)]],
                           uint pos [[thread_position_in_grid]],
                           uint threads [[threads_per_grid]]) {
    for (u64 k = pos; k < p.points; k += threads) dag_group_sums_lane(k, partial, p.group_count, out);
}

// buffer 0: tables (Ef: width local, width next, three selectors, eq; table c at c *
// p.table_stride), 1: out (Ef, p.lanes = tables x p.units: table c of unit (pair, point index k)
// at c * p.units + unit), 2: DagFoldPointsParams.
kernel void dag_fold_points(device const Ef* tables [[buffer(0)]],
                            device Ef* out [[buffer(1)]],
                            constant DagFoldPointsParams& p [[buffer(2)]],
                            uint pos [[thread_position_in_grid]],
                            uint threads [[threads_per_grid]]) {
    for (u64 lane = pos; lane < p.lanes; lane += threads) dag_fold_points_lane(lane, tables, p, out);
}

// buffer 0: code, 1: groups, 2: weights, 3: constants, 4: folded (Ef, dag_fold_points' out),
// 5: slots (Ef, program slots x threads_per_grid), 6: partials (Ef, 8 per threadgroup: the sum at
// xs[k] at 8 * group + k, the unused ones zero), 7: DagRoundParams; threadgroup(0): 8 *
// threads_per_threadgroup Ef. No early return: every lane reaches group_sum's barriers.
kernel void dag_round(constant u32* code [[buffer(0)]],
                      constant u32* groups [[buffer(1)]],
                      constant Ef* weights [[buffer(2)]],
                      constant Fp* constants [[buffer(3)]],
                      device const Ef* folded [[buffer(4)]],
                      device Ef* slots [[buffer(5)]],
                      device Ef* partials [[buffer(6)]],
                      constant DagRoundParams& p [[buffer(7)]],
                      threadgroup Ef* scratch [[threadgroup(0)]],
                      uint pos [[thread_position_in_grid]],
                      uint threads [[threads_per_grid]],
                      uint lane [[thread_position_in_threadgroup]],
                      uint lanes [[threads_per_threadgroup]],
                      uint group [[threadgroup_position_in_grid]]) {
    Ef s[GS_DAG_MAX_POINTS];
    for (u32 k = 0; k < GS_DAG_MAX_POINTS; ++k) s[k] = ef_zero();
    for (u64 i = pos; i < p.lanes; i += threads)
        dag_round_lane(i, pos, threads, code, groups, weights, constants, folded, p, slots, s);
    group_sum<GS_DAG_MAX_POINTS>(s, lane, lanes, scratch, partials + (u64)group * GS_DAG_MAX_POINTS);
}
