// One lane of the LogUp-GKR input layer (PROTOCOL 8.1): a trace row's interactions evaluated by
// the constraint DAG's interaction group (core/dag_program.h puts every interaction in a group of
// its own, the program's last) and written to their slots' leaves, and the unused leaves after
// the slots. The CPU (core/logup_leaves.cpp), the CUDA kernels (backends/cuda/fraction_tree.cu) and
// the Metal kernels (metal/fraction_tree.metal) all run these bodies.
#pragma once
#include "../dag/dag_points.h"

// logup_leaves: one lane per row of a trace of `height` rows (a power of two). Interaction k <
// interactions has its slot start at leaf slot_offsets[k] and holds `repeats` copies of the rows (a lifted trace:
// repeats = 2^l_skip / height, each numerator scaled by norm = 1 / repeats; else 1 and 1). The
// program is code[4 * first ..] (`count` instructions, the interaction group); its numerator
// ops name interaction k by weight index first_slot_weight + k, and its weights make each term
// alpha + beta^L (bus + 1) + sum_j beta^j message_j (logup_leaf_weights).
struct LogUpLeavesParams {
    u64 height;
    u64 repeats;
    u32 width;
    u32 first;
    u32 count;
    u32 first_slot_weight;
    Fp norm;
    u32 interactions;  // slot_offsets holds one offset per interaction
};

// logup_unused_leaves: leaves first .. first + count - 1 become (0, alpha).
struct LogUpUnusedLeavesParams {
    Ef alpha;
    u64 first;
    u64 count;
};

#if !defined(__METAL_VERSION__) && !defined(__CUDACC_RTC__)
static_assert(sizeof(LogUpLeavesParams) == 40 && __builtin_offsetof(LogUpLeavesParams, norm) == 32,
              "LogUpLeavesParams layout is shared with MSL");
static_assert(sizeof(LogUpUnusedLeavesParams) == 32, "LogUpUnusedLeavesParams layout is shared with MSL");
#endif

// A trace row as the DAG's point: canonical words of this row and the next (cyclically), the
// selectors from the row's place.
struct LogUpRowPoint : DagSlotColumn<Fp> {
    GS_DEVICE const u32* here;
    GS_DEVICE const u32* after;
    bool first_row, last_row;
    GS_FN Fp local(u32 c) const { return fp_from_canonical(here[c]); }
    GS_FN Fp next(u32 c) const { return fp_from_canonical(after[c]); }
    GS_FN Fp selector(u32 s) const {  // 0 is_first, 1 is_last, 2 is_transition
        const bool on = s == 0u ? first_row : (s == 1u ? last_row : !last_row);
        return on ? fp_one() : fp_zero();
    }
};

// The DAG's sink (dag_code.h) for one row: interaction k's count and term go to its slot's
// leaves, at the row and its lifted copies.
struct LogUpLeafSink {
    GS_DEVICE Ef* p;
    GS_DEVICE Ef* q;
    GS_CONSTANT const u64* slot_offsets;
    u64 row, height, repeats;
    u32 first_slot_weight;
    Fp norm;
    GS_FN void constraint(u32 aux, Fp a) {  // the interaction group has no constraint ops
        (void)aux;
        (void)a;
    }
    GS_FN void numerator(u32 aux, Fp count) {
        const Ef value = ef_from_base(repeats > 1u ? fp_mul(norm, count) : count);
        GS_DEVICE Ef* slot = p + slot_offsets[aux - first_slot_weight];
        for (u64 i = 0; i < repeats; ++i) slot[row + i * height] = value;
    }
    GS_FN void denominator(u32 aux, Ef term) {
        GS_DEVICE Ef* slot = q + slot_offsets[aux - first_slot_weight];
        for (u64 i = 0; i < repeats; ++i) slot[row + i * height] = term;
    }
};

// Lane = row: its interactions' leaves. The row's slots are every `slot_stride`-th value from
// `slots` (a device's column of its scratch; the CPU's own array with stride 1).
GS_FN void logup_leaves_lane(u64 row, GS_CONSTANT const u32* code, GS_CONSTANT const Ef* weights,
                             GS_CONSTANT const Fp* constants, GS_DEVICE const u32* trace,
                             GS_CONSTANT const u64* slot_offsets, GS_CONSTANT const LogUpLeavesParams& q,
                             GS_DEVICE Fp* slots, u32 slot_stride, GS_DEVICE Ef* p_leaves, GS_DEVICE Ef* q_leaves) {
    LogUpRowPoint point;
    point.base = slots;
    point.stride = slot_stride;
    point.here = trace + row * q.width;
    point.after = trace + ((row + 1u) & (q.height - 1u)) * q.width;
    point.first_row = row == 0u;
    point.last_row = row + 1u == q.height;
    LogUpLeafSink sink;
    sink.p = p_leaves;
    sink.q = q_leaves;
    sink.slot_offsets = slot_offsets;
    sink.row = row;
    sink.height = q.height;
    sink.repeats = q.repeats;
    sink.first_slot_weight = q.first_slot_weight;
    sink.norm = q.norm;
    dag_run_into<Fp, Ef>(code + 4u * (u64)q.first, q.count, weights, constants, point, sink);
}

// Lane = i < count: leaf first + i is (0, alpha).
GS_FN void logup_unused_leaves_lane(u64 i, GS_CONSTANT const LogUpUnusedLeavesParams& q, GS_DEVICE Ef* p_leaves,
                                    GS_DEVICE Ef* q_leaves) {
    p_leaves[q.first + i] = ef_zero();
    q_leaves[q.first + i] = q.alpha;
}
