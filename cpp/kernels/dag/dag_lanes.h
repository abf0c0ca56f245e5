// One lane of each constraint-DAG kernel (core/dag_program.h): the base-field sums of round 0,
// the sum of a point's groups, and, for a multilinear round, the fold of the tables at the round's
// points and the batch-constraint sums over them. The CUDA kernels (backends/cuda/dag.cu) and the
// Metal kernels (metal/dag.metal) are grid-stride loops over these bodies; grid_thread and
// grid_threads (the thread's index in the grid, and the grid's size) place the thread's slots, so
// the slot scratch holds slots x threads values (Fp for the base sums, Ef for the round). The round
// then adds each thread's sums over its group (reduce/group_sum.h).
//
// The program buffers (code, groups, weights, constants) are core/dag_program.h's, as the CUDA
// backend uploads them: groups holds (first instruction, instruction count) per group.
#pragma once
#include "dag_points.h"

#define GS_DAG_MAX_POINTS 8u  // the round's sums per group: one per x, the unused ones zero
// The round's lanes per group are padded to a multiple of the SIMD width (32 on NVIDIA and Apple
// GPUs): a SIMD group then runs one group's program. Unpadded, a late round's few pairs put
// several programs in one SIMD group, which runs them one after another.
#define GS_DAG_LANE_ALIGN 32u

// dag_base_sums: lanes = points * group_count; value (point k, column c) of the local columns
// (then the selectors) at local[k * local_point_stride + c * local_column_stride], of the next
// columns at next[k * next_point_stride + c * next_column_stride]; canonical words, or with
// montgomery != 0 Montgomery-form words (round 0's blocks: a leaf read is then one load, not a
// load and a multiply).
struct DagBaseSumsParams {
    u64 lanes;
    u64 local_point_stride;
    u64 local_column_stride;
    u64 next_point_stride;
    u64 next_column_stride;
    u32 group_count;
    u32 width;
    u32 montgomery;
    u32 first_group;  // a compiled program's part (dag_compiled.h): its groups start here; else 0
};

// dag_group_sums: one lane per point.
struct DagGroupSumsParams {
    u64 points;
    u32 group_count;
    u32 pad;
};

// dag_fold_points: lanes = tables * units, units = pairs * points over the pairs from first_pair;
// xs[k < points] the round's points; bound != 0: the tables have one entry (pairs = points = 1).
struct DagFoldPointsParams {
    Ef xs[GS_DAG_MAX_POINTS];
    u64 lanes;
    u64 units;
    u64 table_stride;
    u64 first_pair;
    u32 points;
    u32 bound;
};

// dag_round: over dag_fold_points' values (units = pairs * points), lanes = padded_units *
// group_count with padded_units = units rounded up to GS_DAG_LANE_ALIGN; combine weighs the
// constraint, numerator and denominator sums.
struct DagRoundParams {
    Ef combine[3];
    u64 lanes;
    u64 units;
    u32 points;
    u32 group_count;
    u32 width;
    u32 pad;
};

// (Checked where the host compiler and nvcc see them; NVRTC has no __builtin_offsetof.)
#if !defined(__METAL_VERSION__) && !defined(__CUDACC_RTC__)
static_assert(sizeof(DagBaseSumsParams) == 56 && __builtin_offsetof(DagBaseSumsParams, group_count) == 40 &&
                  __builtin_offsetof(DagBaseSumsParams, montgomery) == 48 &&
                  __builtin_offsetof(DagBaseSumsParams, first_group) == 52,
              "DagBaseSumsParams layout is shared with MSL");
static_assert(sizeof(DagGroupSumsParams) == 16, "DagGroupSumsParams layout is shared with MSL");
static_assert(sizeof(DagFoldPointsParams) == 168 && __builtin_offsetof(DagFoldPointsParams, lanes) == 128 &&
                  __builtin_offsetof(DagFoldPointsParams, points) == 160,
              "DagFoldPointsParams layout is shared with MSL");
static_assert(sizeof(DagRoundParams) == 80 && __builtin_offsetof(DagRoundParams, lanes) == 48 &&
                  __builtin_offsetof(DagRoundParams, units) == 56 && __builtin_offsetof(DagRoundParams, points) == 64,
              "DagRoundParams layout is shared with MSL");
static_assert(sizeof(DagSums) == 48, "DagSums layout is shared with MSL");
#endif

// Point k of dag_base_sums' values, its slots at `slots` (every grid_threads-th value).
template <bool kMontgomery>
GS_FN DagBasePoint<kMontgomery> dag_base_point(u64 k, GS_DEVICE const u32* local, GS_DEVICE const u32* next,
                                               GS_CONSTANT const DagBaseSumsParams& q, GS_DEVICE Fp* slots,
                                               u64 grid_threads) {
    DagBasePoint<kMontgomery> p;
    p.base = slots;
    p.stride = (u32)grid_threads;
    p.here = local + k * q.local_point_stride;
    p.after = next + k * q.next_point_stride;
    p.here_column_stride = q.local_column_stride;
    p.after_column_stride = q.next_column_stride;
    p.width = q.width;
    return p;
}

template <bool kMontgomery>
GS_FN DagSums dag_base_sums_at(u64 k, u64 grid_thread, u64 grid_threads, GS_CONSTANT const u32* code, u32 count,
                               GS_CONSTANT const Ef* weights, GS_CONSTANT const Fp* constants,
                               GS_DEVICE const u32* local, GS_DEVICE const u32* next,
                               GS_CONSTANT const DagBaseSumsParams& q, GS_DEVICE Fp* slots) {
    DagBasePoint<kMontgomery> p = dag_base_point<kMontgomery>(k, local, next, q, slots + grid_thread, grid_threads);
    return dag_run<Fp>(code, count, weights, constants, p);
}

// Lane = (group g, point k), k fastest, of lanes = points * group_count: out[k * group_count + g]
// = group g's sums at point k. Neighbouring threads run the same group's program (one instruction
// stream per SIMD group) at neighbouring points.
GS_FN void dag_base_sums_lane(u64 lane, u64 grid_thread, u64 grid_threads, GS_CONSTANT const u32* code,
                              GS_CONSTANT const u32* groups, GS_CONSTANT const Ef* weights,
                              GS_CONSTANT const Fp* constants, GS_DEVICE const u32* local, GS_DEVICE const u32* next,
                              GS_CONSTANT const DagBaseSumsParams& q, GS_DEVICE Fp* slots, GS_DEVICE DagSums* out) {
    const u64 points = q.lanes / q.group_count, g = lane / points, k = lane % points;
    GS_CONSTANT const u32* group_code = code + 4 * (u64)groups[2 * g];
    const u32 count = groups[2 * g + 1];
    out[k * q.group_count + g] =
        q.montgomery != 0u
            ? dag_base_sums_at<true>(k, grid_thread, grid_threads, group_code, count, weights, constants, local, next, q, slots)
            : dag_base_sums_at<false>(k, grid_thread, grid_threads, group_code, count, weights, constants, local, next, q, slots);
}

// Lane = point k: out[k] = the sum of its groups' sums partial[k * group_count + g], g in order.
GS_FN void dag_group_sums_lane(u64 k, GS_DEVICE const DagSums* partial, u32 group_count, GS_DEVICE DagSums* out) {
    DagSums s = partial[k * group_count];
    for (u32 g = 1; g < group_count; ++g) {
        GS_DEVICE const DagSums& t = partial[k * group_count + g];
        s.constraint = ef_add(s.constraint, t.constraint);
        s.numerator = ef_add(s.numerator, t.numerator);
        s.denominator = ef_add(s.denominator, t.denominator);
    }
    out[k] = s;
}

// Lane = (table c, pair i, point index k), k fastest: out[lane] = table c at (xs[k], first_pair +
// i), or its one entry when bound. Folding once per round here, rather than at every leaf read of
// the DAG, turns each leaf of dag_round into one load, coalesced across neighbouring points.
GS_FN void dag_fold_points_lane(u64 lane, GS_DEVICE const Ef* tables, GS_CONSTANT const DagFoldPointsParams& q,
                                GS_DEVICE Ef* out) {
    const u64 c = lane / q.units, unit = lane % q.units;
    GS_DEVICE const Ef* t = tables + c * q.table_stride;
    if (q.bound != 0) {
        out[lane] = t[0];
        return;
    }
    const u64 pair = q.first_pair + unit / q.points;
    out[lane] = sumcheck_fold_pair(t[2 * pair], t[2 * pair + 1], q.xs[unit % q.points]);
}

// Lane = (group g, unit = (pair, point index k < points)), k fastest, of lanes = padded units *
// group_count, over dag_fold_points' values (table c of unit u at folded[c * units + u]): adds
// eq(x_k, pair) (combine . (C, N, D))_g(x_k, pair) to s[k] (the groups' sums add up to the AIR's);
// a padding lane adds nothing. Neighbouring threads run the same group's program.
GS_FN void dag_round_lane(u64 lane, u64 grid_thread, u64 grid_threads, GS_CONSTANT const u32* code,
                          GS_CONSTANT const u32* groups, GS_CONSTANT const Ef* weights, GS_CONSTANT const Fp* constants,
                          GS_DEVICE const Ef* folded, GS_CONSTANT const DagRoundParams& q, GS_DEVICE Ef* slots,
                          GS_THREAD Ef* s) {
    const u64 padded = q.lanes / q.group_count, g = lane / padded, unit = lane % padded, units = q.units;
    if (unit >= units) return;
    DagFoldedPoint p;
    p.base = slots + grid_thread;
    p.stride = (u32)grid_threads;
    p.values = folded + unit;
    p.column_stride = units;
    p.width = q.width;
    const DagSums d = dag_run<Ef>(code + 4 * (u64)groups[2 * g], groups[2 * g + 1], weights, constants, p);
    const Ef inner = ef_add(ef_mul(q.combine[0], d.constraint),
                            ef_add(ef_mul(q.combine[1], d.numerator), ef_mul(q.combine[2], d.denominator)));
    const u32 k = (u32)(unit % q.points);
    s[k] = ef_add(s[k], ef_mul(p.at(2 * (u64)q.width + 3), inner));
}
