// The stacked data's passes (core/stacked_matrix.h): round 0's slot sums in pieces, the pieces
// added, the columns' tables after u_0 and the kernel tables, and WHIR's batched message
// (stacked/stacked_reduction_lanes.h); the commitment's scatter of trace columns into the stacked matrix
// and each chunk's eval-to-coeff message (stacked/stacked_commit.h). Grid-stride loops
// (lane += threads_per_grid), so any grid works. Params structs: cpp/kernels/stacked/stacked_params.h.
#include "stacked/stacked_params.h"

// buffer 0: matrix (2^m x width canonical u32), 1: slots (StackedSlotDesc), 2: eq (Ef),
// 3: partials (Ef, 2 per lane: S then T), 4: StackedSlotSumsParams.
kernel void stacked_slot_sums(device const u32* matrix [[buffer(0)]],
                              device const StackedSlotDesc* slots [[buffer(1)]],
                              device const Ef* eq [[buffer(2)]],
                              device Ef* partials [[buffer(3)]],
                              constant StackedSlotSumsParams& p [[buffer(4)]],
                              uint pos [[thread_position_in_grid]],
                              uint threads [[threads_per_grid]]) {
    for (u64 lane = pos; lane < p.lanes; lane += threads)
        stacked_slot_sums_lane(lane, matrix, slots, eq, p.width, p.l_skip, p.pieces, partials);
}

// buffer 0: partials (Ef, as stacked_slot_sums wrote them), 1: s, 2: t (Ef, p.lanes each),
// 3: StackedPieceSumsParams.
kernel void stacked_piece_sums(device const Ef* partials [[buffer(0)]],
                               device Ef* s [[buffer(1)]],
                               device Ef* t [[buffer(2)]],
                               constant StackedPieceSumsParams& p [[buffer(3)]],
                               uint pos [[thread_position_in_grid]],
                               uint threads [[threads_per_grid]]) {
    for (u64 lane = pos; lane < p.lanes; lane += threads)
        stacked_piece_sums_lane(lane, partials, p.l_skip, p.pieces, s, t);
}

// buffer 0: matrix (chunks 2^l_skip x width canonical u32), 1: lagrange (2^l_skip Ef), 2: tables
// (Ef, 2 width tables of p.chunks: column c's at table 2c; the odd ones are the host's),
// 3: StackedFoldColumnsParams.
kernel void stacked_fold_columns(device const u32* matrix [[buffer(0)]],
                                 device const Ef* lagrange [[buffer(1)]],
                                 device Ef* tables [[buffer(2)]],
                                 constant StackedFoldColumnsParams& p [[buffer(3)]],
                                 uint pos [[thread_position_in_grid]],
                                 uint threads [[threads_per_grid]]) {
    for (u64 lane = pos; lane < p.lanes; lane += threads)
        stacked_fold_columns_lane(lane, matrix, lagrange, p.width, p.l_skip, p.chunks, tables);
}

// buffer 0: message (2^m x width canonical u32), 1: weights (width Ef), 2: f (p.lanes Ef,
// written, or added to with p.accumulate), 3: StackedBatchMessageParams.
kernel void stacked_batch_message(device const u32* message [[buffer(0)]],
                                  device const Ef* weights [[buffer(1)]],
                                  device Ef* f [[buffer(2)]],
                                  constant StackedBatchMessageParams& p [[buffer(3)]],
                                  uint pos [[thread_position_in_grid]],
                                  uint threads [[threads_per_grid]]) {
    for (u64 lane = pos; lane < p.lanes; lane += threads) stacked_batch_message_lane(lane, message, weights, p.width, p.accumulate, f);
}

// buffer 0: trace (rows x p.trace_width canonical u32), 1: slots (StackedScatterSlot,
// p.slot_count), 2: matrix (2^m x p.width canonical u32; entries no slot reaches are left as
// they were), 3: StackedScatterParams.
kernel void stacked_scatter(device const u32* trace [[buffer(0)]],
                            device const StackedScatterSlot* slots [[buffer(1)]],
                            device u32* matrix [[buffer(2)]],
                            constant StackedScatterParams& p [[buffer(3)]],
                            uint pos [[thread_position_in_grid]],
                            uint threads [[threads_per_grid]]) {
    for (u64 lane = pos; lane < p.lanes; lane += threads)
        stacked_scatter_lane(lane, trace, p.trace_width, slots, p.slot_count, p.width, matrix);
}

// buffer 0: matrix (chunks 2^l_skip x width canonical u32), 1: inv_powers (Fp, Montgomery form:
// omega_N^-k for k < N), 2: message (same shape as the matrix), 3: StackedMessageParams.
// N = 2^l_skip <= GS_STACKED_MAX_CHUNK: the host checks it before dispatching.
kernel void stacked_message(device const u32* matrix [[buffer(0)]],
                            device const Fp* inv_powers [[buffer(1)]],
                            device u32* message [[buffer(2)]],
                            constant StackedMessageParams& p [[buffer(3)]],
                            uint pos [[thread_position_in_grid]],
                            uint threads [[threads_per_grid]]) {
    for (u64 lane = pos; lane < p.lanes; lane += threads)
        stacked_message_lane(lane, matrix, inv_powers, p.inv_n, p.width, p.l_skip, message);
}

// buffer 0: slots (StackedSlotDesc, p.slot_count), 1: first_lane (u64, p.slot_count: slot j's
// first lane, ascending from 0), 2: eq (Ef), 3: coeffs (Ef, 2 per slot: the eq then the wrap
// coefficient), 4: tables (Ef, 2 width tables of p.chunks: the slots' chunks of the odd tables are
// written, every other entry is left as it was), 5: StackedKernelTableParams.
kernel void stacked_kernel_table(device const StackedSlotDesc* slots [[buffer(0)]],
                                 device const u64* first_lane [[buffer(1)]],
                                 device const Ef* eq [[buffer(2)]],
                                 device const Ef* coeffs [[buffer(3)]],
                                 device Ef* tables [[buffer(4)]],
                                 constant StackedKernelTableParams& p [[buffer(5)]],
                                 uint pos [[thread_position_in_grid]],
                                 uint threads [[threads_per_grid]]) {
    for (u64 lane = pos; lane < p.lanes; lane += threads)
        stacked_kernel_table_lane(lane, slots, first_lane, p.slot_count, eq, coeffs, p.chunks, tables);
}
