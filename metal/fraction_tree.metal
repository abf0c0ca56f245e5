// The LogUp-GKR fraction tree (core/fraction_tree.h): a layer from its child layer, and a
// layer's sumcheck tables split into even and odd nodes. Ef values (Montgomery form, 16 bytes).
// Grid-stride loops (lane += threads_per_grid), so any grid works. Params structs:
// cpp/kernels/gkr/gkr_lanes.h.
#include "gkr/gkr_lanes.h"

// buffer 0: child_p, 1: child_q (2 nodes Ef each), 2: parent_p, 3: parent_q (nodes Ef each),
// 4: GkrLayerParams.
kernel void gkr_layer(device const Ef* child_p [[buffer(0)]],
                      device const Ef* child_q [[buffer(1)]],
                      device Ef* parent_p [[buffer(2)]],
                      device Ef* parent_q [[buffer(3)]],
                      constant GkrLayerParams& p [[buffer(4)]],
                      uint pos [[thread_position_in_grid]],
                      uint threads [[threads_per_grid]]) {
    for (u64 x = pos; x < p.nodes; x += threads) gkr_layer_lane(x, child_p, child_q, parent_p, parent_q);
}

// buffer 0: p, 1: q (2 half nodes Ef each), 2: tables (p0, p1, q0, q1 at stride half; the eq
// table after them is the host's), 3: GkrSplitParams.
kernel void gkr_split(device const Ef* p [[buffer(0)]],
                      device const Ef* q [[buffer(1)]],
                      device Ef* tables [[buffer(2)]],
                      constant GkrSplitParams& params [[buffer(3)]],
                      uint pos [[thread_position_in_grid]],
                      uint threads [[threads_per_grid]]) {
    for (u64 y = pos; y < params.half; y += threads) gkr_split_lane(y, p, q, tables, params.half);
}
