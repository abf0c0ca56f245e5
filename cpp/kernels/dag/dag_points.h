// The points at which devices run the constraint DAG (dag_program.h), as dag_run's `Point`: where
// a point's column values come from, and where its slots live. A device keeps a thread's slots as
// column `thread` of a slots x threads matrix in device memory, so the slot accesses of adjacent
// threads are adjacent (coalesced on CUDA). Shared by the CUDA kernels (backends/cuda/dag.cu)
// and the Metal kernels (metal/dag.metal); the CPU keeps its slots in a local array instead.
#pragma once
#include "../sumcheck/tables.h"
#include "dag_program.h"

template <class V>
struct DagSlotColumn {
    GS_DEVICE V* base;  // slot 0 of this thread
    u64 stride;         // threads: slot k is at base[k * stride]
    GS_FN V slot(u32 k) const { return base[k * stride]; }
    GS_FN void set_slot(u32 k, V v) { base[k * stride] = v; }
};

// A base-field point: canonical words of its local row (then its three selectors) and next row.
struct DagBasePoint : DagSlotColumn<Fp> {
    GS_DEVICE const u32* here;
    GS_DEVICE const u32* after;
    u32 width;
    GS_FN Fp local(u32 c) const { return fp_from_canonical(here[c]); }
    GS_FN Fp next(u32 c) const { return fp_from_canonical(after[c]); }
    GS_FN Fp selector(u32 s) const { return fp_from_canonical(here[width + s]); }
};

// A point of a trace's tables (local, next, selectors, eq at table_stride apart): the values at
// (x, pair), or the tables' one entry when every variable is bound.
struct DagTablePoint : DagSlotColumn<Ef> {
    GS_DEVICE const Ef* tables;
    u64 table_stride;
    u32 width;
    u64 pair;
    Ef x;
    bool bound;
    GS_FN Ef at(u64 c) const {
        GS_DEVICE const Ef* t = tables + c * table_stride;
        if (bound) return t[0];  // not `?:`: MSL gives its two operands different address spaces
        return sumcheck_fold_pair(t[2 * pair], t[2 * pair + 1], x);
    }
    GS_FN Ef local(u32 c) const { return at(c); }
    GS_FN Ef next(u32 c) const { return at(width + c); }
    GS_FN Ef selector(u32 s) const { return at(2 * (u64)width + s); }
};
