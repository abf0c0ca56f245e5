// Round 0's gather (core/round0_sums.h): a block of a trace's chunks, column by column, into the
// layout of a column-major batched size-N NTT per (column, chunk), which the DAG reads as it is.
// A grid-stride loop (lane += threads_per_grid), so any grid works. Params struct:
// cpp/kernels/constraints/round0_gather.h.
#include "constraints/round0_gather.h"

// buffer 0: trace (2^log_height x width canonical u32), 1: out (p.lanes u32), 2: Round0GatherParams.
kernel void round0_gather(device const u32* trace [[buffer(0)]],
                          device u32* out [[buffer(1)]],
                          constant Round0GatherParams& p [[buffer(2)]],
                          uint pos [[thread_position_in_grid]],
                          uint threads [[threads_per_grid]]) {
    for (u64 lane = pos; lane < p.lanes; lane += threads)
        round0_gather_lane(lane, trace, p.width, p.log_height, p.l_skip, p.first, p.count, p.shift, p.cols, out);
}
