// The LogUp-GKR fraction tree (core/fraction_tree.h): the input layer's leaves from the traces'
// rows, a layer from its child layer, and a layer's sumcheck tables split into even and odd
// nodes. Ef values (Montgomery form, 16 bytes). Grid-stride loops (lane += threads_per_grid), so
// any grid works. Params structs: cpp/kernels/gkr/gkr_lanes.h and logup_leaf_lanes.h.
#include "gkr/gkr_lanes.h"
#include "gkr/logup_leaf_lanes.h"

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

// buffer 0: code (the DAG program, 4 words an instruction), 1: weights (Ef), 2: constants (Fp),
// 3: trace (height x width canonical words), 4: slot_offsets (one u64 per interaction), 5: slots
// (Fp, the program's group slots x threads_per_grid), 6: p, 7: q (the leaves, Ef), 8:
// LogUpLeavesParams. A thread's slots are column `pos` of the slot scratch.
kernel void logup_leaves(constant u32* code [[buffer(0)]],
                         constant Ef* weights [[buffer(1)]],
                         constant Fp* constants [[buffer(2)]],
                         device const u32* trace [[buffer(3)]],
                         constant u64* slot_offsets [[buffer(4)]],
                         device Fp* slots [[buffer(5)]],
                         device Ef* p [[buffer(6)]],
                         device Ef* q [[buffer(7)]],
                         constant LogUpLeavesParams& params [[buffer(8)]],
                         uint pos [[thread_position_in_grid]],
                         uint threads [[threads_per_grid]]) {
    for (u64 row = pos; row < params.height; row += threads)
        logup_leaves_lane(row, code, weights, constants, trace, slot_offsets, params, slots + pos, threads, p, q);
}

// buffer 0: p, 1: q (the leaves, Ef), 2: LogUpUnusedLeavesParams.
kernel void logup_unused_leaves(device Ef* p [[buffer(0)]],
                                device Ef* q [[buffer(1)]],
                                constant LogUpUnusedLeavesParams& params [[buffer(2)]],
                                uint pos [[thread_position_in_grid]],
                                uint threads [[threads_per_grid]]) {
    for (u64 i = pos; i < params.count; i += threads) logup_unused_leaves_lane(i, params, p, q);
}
