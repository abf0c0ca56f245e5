// The first p.log_block NTT stages of one block of 2^log_block rows of one column, in group
// scratch memory: one global read and one global write instead of log_block of each.
// Device-only (it synchronises the group); the lane emulator runs it on the CPU.
#pragma once
#include "ntt.h"

// Group `group` in [0, (n >> log_block) * batch) owns column group % batch, rows
// (group / batch) << log_block ... + 2^log_block. Any number of lanes works: each lane strides.
// scratch holds 2^log_block words. The data must already be in bit-reversed order.
GS_FN void ntt_block_body(u32 lane, u32 group, u32 lanes, GS_THREADGROUP u32* scratch,
                          GS_DEVICE u32* data, GS_DEVICE const u32* twiddles, NttParams p) {
    u32 size = 1u << p.log_block;
    u32 col = group % p.batch;
    u32 first_row = (group / p.batch) << p.log_block;
    for (u32 i = lane; i < size; i += lanes) scratch[i] = data[ntt_index(p, first_row + i, col)];
    GS_GROUP_BARRIER();
    for (u32 stage = 0; stage < p.log_block; ++stage) {
        for (u32 b = lane; b < size / 2u; b += lanes) {
            // Rows inside the block: the block starts at a multiple of 2^log_block, so the
            // stage's pairing and twiddles are those of the whole column.
            NttButterfly bf = ntt_stage_butterfly(b, stage, p.log_n);
            Fp a = fp_raw(scratch[bf.row0]);
            Fp t = fp_mul(fp_raw(scratch[bf.row1]), fp_raw(twiddles[bf.twiddle]));
            scratch[bf.row0] = fp_add(a, t).m;
            scratch[bf.row1] = fp_sub(a, t).m;
        }
        GS_GROUP_BARRIER();
    }
    for (u32 i = lane; i < size; i += lanes) data[ntt_index(p, first_row + i, col)] = scratch[i];
}
