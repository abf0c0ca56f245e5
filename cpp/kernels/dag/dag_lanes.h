// One lane of each constraint-DAG kernel (core/dag_program.h): the base-field sums of round 0,
// the sum of a point's groups, and the batch-constraint MLE round. The CUDA kernels
// (backends/cuda/dag.cu) and the Metal kernels (metal/dag.metal) are grid-stride loops over these
// bodies; grid_thread and grid_threads (the thread's index in the grid, and the grid's size) place
// the thread's slots, so the slot scratch holds slots x threads values (Fp for the base sums, Ef for
// the round). The round then adds each thread's sums over its group (reduce/group_sum.h).
//
// The program buffers (code, groups, weights, constants) are core/dag_program.h's, as the CUDA
// backend uploads them: groups holds (first instruction, instruction count) per group.
#pragma once
#include "dag_points.h"

#define GS_DAG_MAX_POINTS 8u  // the round's sums per group: one per x, the unused ones zero

// dag_base_sums: lanes = points * group_count; point k's local row (then its selectors) at
// local + k * local_stride, its next row at next + k * next_stride.
struct DagBaseSumsParams {
    u64 lanes;
    u64 local_stride;
    u64 next_stride;
    u32 group_count;
    u32 width;
};

// dag_group_sums: one lane per point.
struct DagGroupSumsParams {
    u64 points;
    u32 group_count;
    u32 pad;
};

// dag_round: lanes = pairs * points * group_count over the pairs from first_pair; xs[k < points]
// the round's points, combine the weights of the constraint, numerator and denominator sums;
// bound != 0: the tables have one entry (then pairs = points = 1). The first four fields are the
// CUDA launcher's DagRoundArgs (backends/cuda/launch.h), in the same layout.
struct DagRoundParams {
    Ef xs[GS_DAG_MAX_POINTS];
    Ef combine[3];
    u32 points;
    u32 bound;
    u64 lanes;
    u64 table_stride;
    u64 first_pair;
    u32 group_count;
    u32 width;
};

#ifndef __METAL_VERSION__
static_assert(sizeof(DagBaseSumsParams) == 32 && __builtin_offsetof(DagBaseSumsParams, group_count) == 24,
              "DagBaseSumsParams layout is shared with MSL");
static_assert(sizeof(DagGroupSumsParams) == 16, "DagGroupSumsParams layout is shared with MSL");
static_assert(sizeof(DagRoundParams) == 216 && __builtin_offsetof(DagRoundParams, combine) == 128 &&
                  __builtin_offsetof(DagRoundParams, points) == 176 &&
                  __builtin_offsetof(DagRoundParams, lanes) == 184 &&
                  __builtin_offsetof(DagRoundParams, group_count) == 208,
              "DagRoundParams layout is shared with MSL");
static_assert(sizeof(DagSums) == 48, "DagSums layout is shared with MSL");
#endif

// Lane = (group g, point k), k fastest, of lanes = points * group_count: out[k * group_count + g]
// = group g's sums at point k. Neighbouring threads run the same group's program (one instruction
// stream per SIMD group) at neighbouring points.
GS_FN void dag_base_sums_lane(u64 lane, u64 lanes, u64 grid_thread, u64 grid_threads, GS_CONSTANT const u32* code,
                              GS_CONSTANT const u32* groups, u32 group_count, GS_CONSTANT const Ef* weights,
                              GS_CONSTANT const Fp* constants, GS_DEVICE const u32* local, u64 local_stride,
                              GS_DEVICE const u32* next, u64 next_stride, u32 width, GS_DEVICE Fp* slots,
                              GS_DEVICE DagSums* out) {
    const u64 points = lanes / group_count, g = lane / points, k = lane % points;
    DagBasePoint p;
    p.base = slots + grid_thread;
    p.stride = grid_threads;
    p.here = local + k * local_stride;
    p.after = next + k * next_stride;
    p.width = width;
    out[k * group_count + g] = dag_run<Fp>(code + 4 * (u64)groups[2 * g], groups[2 * g + 1], weights, constants, p);
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

// Lane = (group g, pair, point index k < args.points), k fastest, of lanes = pairs * points *
// group_count: adds eq(x_k, pair) (combine . (C, N, D))_g(x_k, pair) to s[k] (the groups' sums add
// up to the AIR's). Neighbouring threads run the same group's program.
// Args: anything with DagRoundParams' first four fields (CUDA's DagRoundArgs, or the Params).
template <class Args>
GS_FN void dag_round_lane(u64 lane, u64 lanes, u64 grid_thread, u64 grid_threads, GS_CONSTANT const u32* code,
                          GS_CONSTANT const u32* groups, u32 group_count, GS_CONSTANT const Ef* weights,
                          GS_CONSTANT const Fp* constants, GS_DEVICE const Ef* tables, u64 table_stride, u32 width,
                          u64 first_pair, GS_CONSTANT const Args& args, GS_DEVICE Ef* slots, GS_THREAD Ef* s) {
    const u64 eq_table = 2 * (u64)width + 3;
    const u64 units = lanes / group_count, g = lane / units, unit = lane % units;
    const u32 k = (u32)(unit % args.points);
    DagTablePoint p;
    p.base = slots + grid_thread;
    p.stride = grid_threads;
    p.tables = tables;
    p.table_stride = table_stride;
    p.width = width;
    p.pair = first_pair + unit / args.points;
    p.x = args.xs[k];
    p.bound = args.bound != 0;
    const DagSums d = dag_run<Ef>(code + 4 * (u64)groups[2 * g], groups[2 * g + 1], weights, constants, p);
    const Ef inner = ef_add(ef_mul(args.combine[0], d.constraint),
                            ef_add(ef_mul(args.combine[1], d.numerator), ef_mul(args.combine[2], d.denominator)));
    s[k] = ef_add(s[k], ef_mul(p.at(eq_table), inner));
}
