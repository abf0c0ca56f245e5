// Round 0 (core/round0_sums.h): the gather of a block of a trace's chunks to D or a coset, column
// by column, in the layout the DAG reads; the DAG's per-point sums weighted by eq and added per a,
// in pieces, then the pieces added. Grid-stride loops (lane += threads_per_grid), so any grid
// works. Params structs: cpp/kernels/constraints/round0_gather.h and round0_eq_sums.h.
#include "constraints/round0_eq_sums.h"
#include "constraints/round0_gather.h"

// buffer 0: trace (2^log_height x width canonical u32), 1: local ((width + 3) x count x 2^l_skip
// u32), 2: next (width x count x 2^l_skip u32), 3: the coset's powers (coset_dft_powers; not read
// on D), 4: Round0GatherParams.
kernel void round0_gather(device const u32* trace [[buffer(0)]],
                          device u32* local [[buffer(1)]],
                          device u32* next [[buffer(2)]],
                          device const Fp* powers [[buffer(3)]],
                          constant Round0GatherParams& p [[buffer(4)]],
                          uint pos [[thread_position_in_grid]],
                          uint threads [[threads_per_grid]]) {
    for (u64 lane = pos; lane < p.lanes; lane += threads) round0_gather_lane(lane, trace, p, powers, local, next);
}

// buffer 0: sums (DagSums, p.lanes / p.pieces points' worth: the block's domains one after
// another), 1: eq (Ef, the trace's chunks), 2: partials (DagSums, p.lanes, added to),
// 3: Round0EqSumsParams.
kernel void round0_eq_sums(device const DagSums* sums [[buffer(0)]],
                           device const Ef* eq [[buffer(1)]],
                           device DagSums* partials [[buffer(2)]],
                           constant Round0EqSumsParams& p [[buffer(3)]],
                           uint pos [[thread_position_in_grid]],
                           uint threads [[threads_per_grid]]) {
    for (u64 lane = pos; lane < p.lanes; lane += threads)
        round0_eq_sums_lane(lane, sums, eq, partials, p.first, p.count, p.l_skip, p.pieces);
}

// buffer 0: partials (DagSums, as round0_eq_sums left them), 1: totals (DagSums, p.lanes),
// 2: Round0PieceSumsParams.
kernel void round0_piece_sums(device const DagSums* partials [[buffer(0)]],
                              device DagSums* totals [[buffer(1)]],
                              constant Round0PieceSumsParams& p [[buffer(2)]],
                              uint pos [[thread_position_in_grid]],
                              uint threads [[threads_per_grid]]) {
    for (u64 lane = pos; lane < p.lanes; lane += threads) round0_piece_sums_lane(lane, partials, p.l_skip, p.pieces, totals);
}
