// One lane of the LogUp-GKR fraction tree kernels (core/fraction_tree.h): a layer from its
// child layer, and a layer's sumcheck tables split into its even and odd nodes. The CUDA kernels
// (backends/cuda/fraction_tree.cu) and the Metal kernels (metal/fraction_tree.metal) are
// grid-stride loops over these bodies.
#pragma once
#include "../sumcheck/tables.h"

// gkr_layer: one lane per parent node.
struct GkrLayerParams {
    u64 nodes;
};

// gkr_split: one lane per pair y < half (the layer has 2 half nodes).
struct GkrSplitParams {
    u64 half;
};

#ifndef __METAL_VERSION__
static_assert(sizeof(GkrLayerParams) == 8 && sizeof(GkrSplitParams) == 8, "GKR params layout is shared with MSL");
#endif

// Lane = parent node x: (parent_p, parent_q)[x] = child 2x + child 2x + 1 as fractions.
GS_FN void gkr_layer_lane(u64 x, GS_DEVICE const Ef* child_p, GS_DEVICE const Ef* child_q, GS_DEVICE Ef* parent_p,
                          GS_DEVICE Ef* parent_q) {
    Ef p, q;  // gkr_fraction_sum writes through thread pointers (the CPU tree calls it too)
    gkr_fraction_sum(child_p[2 * x], child_q[2 * x], child_p[2 * x + 1], child_q[2 * x + 1], &p, &q);
    parent_p[x] = p;
    parent_q[x] = q;
}

// Lane = pair y: tables p0, p1, q0, q1 at stride `half` from the layer's nodes 2y and 2y + 1 (the
// fifth table, eq, is written by the host).
GS_FN void gkr_split_lane(u64 y, GS_DEVICE const Ef* p, GS_DEVICE const Ef* q, GS_DEVICE Ef* tables, u64 half) {
    tables[y] = p[2 * y];
    tables[half + y] = p[2 * y + 1];
    tables[2 * half + y] = q[2 * y];
    tables[3 * half + y] = q[2 * y + 1];
}
