// The points at which devices run the constraint DAG (dag_program.h), as dag_run's `Point`: where
// a point's column values come from, and where its slots live. A device keeps a thread's slots as
// column `thread` of a slots x threads matrix in device memory, so the slot accesses of adjacent
// threads are adjacent (coalesced on CUDA). Shared by the CUDA kernels (backends/cuda/dag.cu)
// and the Metal kernels (metal/dag.metal); the CPU keeps its slots in a local array instead.
#pragma once
#include "../sumcheck/tables.h"
#include "dag_code.h"

template <class V>
struct DagSlotColumn {
    GS_DEVICE V* base;  // slot 0 of this thread
    u32 stride;         // threads: slot k is at base[k * stride] (the hosts cap the slot scratch
                        // far below 2^32 values, so the offset stays 32-bit)
    GS_FN V slot(u32 k) const { return base[k * stride]; }
    GS_FN void set_slot(u32 k, V v) { base[k * stride] = v; }
};

// A base-field point: words of its local columns (then its three selectors) and of its next
// columns, column c at `here`/`after` + c * the column stride; canonical, or in Montgomery form
// (kMontgomery: read as they are). Rows stored point by point have a column stride of 1; points
// stored column by column (round 0 on a device, so that neighbouring threads read neighbouring
// words) have a column stride of the point count.
template <bool kMontgomery>
struct DagBasePoint : DagSlotColumn<Fp> {
    GS_DEVICE const u32* here;
    GS_DEVICE const u32* after;
    u64 here_column_stride;
    u64 after_column_stride;
    u32 width;
    GS_FN static Fp value(u32 word) { return kMontgomery ? fp_raw(word) : fp_from_canonical(word); }
    GS_FN Fp local(u32 c) const { return value(here[c * here_column_stride]); }
    GS_FN Fp next(u32 c) const { return value(after[c * after_column_stride]); }
    GS_FN Fp selector(u32 s) const { return value(here[(width + s) * here_column_stride]); }
};

// A point of a round: its tables' values already folded at (x, pair) by dag_fold_points_lane
// (dag_lanes.h), table c's at values[c * column_stride]: one load per leaf, and neighbouring
// threads (neighbouring points) load neighbouring values.
struct DagFoldedPoint : DagSlotColumn<Ef> {
    GS_DEVICE const Ef* values;
    u64 column_stride;
    u32 width;
    GS_FN Ef at(u64 c) const { return values[c * column_stride]; }
    GS_FN Ef local(u32 c) const { return at(c); }
    GS_FN Ef next(u32 c) const { return at(width + c); }
    GS_FN Ef selector(u32 s) const { return at(2 * (u64)width + s); }
};
