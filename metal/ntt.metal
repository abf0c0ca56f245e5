// Radix-2 NTT passes over a batch of columns (see cpp/kernels/ntt/ntt.h for the pass order).
// Problem sizes come from NttParams; the host may round every grid up.
#include "ntt/ntt_block.h"

// One lane per element: swap with the bit-reversed row.
kernel void ntt_bit_reverse(device u32* data [[buffer(0)]],
                            constant NttParams& p [[buffer(1)]],
                            uint lane [[thread_position_in_grid]]) {
    if (lane >= (1u << p.log_n) * p.batch) return;
    ntt_bit_reverse_lane(lane, data, p);
}

// One lane per butterfly of stage p.stage.
kernel void ntt_stage(device u32* data [[buffer(0)]],
                      device const u32* twiddles [[buffer(1)]],
                      constant NttParams& p [[buffer(2)]],
                      uint lane [[thread_position_in_grid]]) {
    if (lane >= ((1u << p.log_n) >> 1) * p.batch) return;
    ntt_stage_lane(lane, data, twiddles, p);
}

// One group per block of 2^p.log_block rows of p.block_columns columns; scratch holds the block.
// buffer 2: the scale factors of p.fused's GS_NTT_FUSE_SCALE_* (any buffer without them).
// The whole group leaves together, so no lane skips a barrier that the others wait on.
kernel void ntt_block(device u32* data [[buffer(0)]],
                      device const u32* twiddles [[buffer(1)]],
                      device const u32* factors [[buffer(2)]],
                      constant NttParams& p [[buffer(3)]],
                      threadgroup u32* scratch [[threadgroup(0)]],
                      uint lane [[thread_position_in_threadgroup]],
                      uint group [[threadgroup_position_in_grid]],
                      uint lanes [[threads_per_threadgroup]]) {
    if (group >= ntt_block_groups(p)) return;
    ntt_block_lane(lane, group, lanes, scratch, data, twiddles, factors, p);
}

// One lane per element: data[row][col] *= factors[row].
kernel void ntt_scale(device u32* data [[buffer(0)]],
                      device const u32* factors [[buffer(1)]],
                      constant NttParams& p [[buffer(2)]],
                      uint lane [[thread_position_in_grid]]) {
    if (lane >= (1u << p.log_n) * p.batch) return;
    ntt_scale_lane(lane, data, factors, p);
}
