// Round 0's gather (core/round0_sums.h): a block of a trace's chunks taken to D or a coset, column
// by column, in the layout the DAG reads. A grid-stride loop (lane += threads_per_grid), so any
// grid works. Params struct: cpp/kernels/constraints/round0_gather.h.
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
