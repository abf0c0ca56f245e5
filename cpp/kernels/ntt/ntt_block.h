// The first p.log_block NTT stages of blocks of 2^log_block rows of up to p.block_columns
// neighbouring columns, in group scratch memory: one global read and one global write instead of
// log_block of each. Several columns per group keep a short transform's group busy (a size-16
// NTT is only 8 butterflies) and let neighbouring lanes read neighbouring columns of a row.
// Device-only (it synchronises the group); the lane emulator runs it on the CPU.
#pragma once
#include "ntt.h"

// Columns per group of the block kernel (block_columns, 0 counting as 1).
GS_FN u32 ntt_block_width(NttParams p) { return p.block_columns > 1u ? p.block_columns : 1u; }

// Groups of the block kernel: (n >> log_block) row blocks times ceil(batch / width) column runs.
GS_FN u32 ntt_block_groups(NttParams p) {
    const u32 width = ntt_block_width(p);
    return ((1u << p.log_n) >> p.log_block) * ((p.batch + width - 1u) / width);
}

// Group `group` in [0, ntt_block_groups(p)) owns the columns [first, first + cols) of run
// group % runs and the rows (group / runs) << log_block ... + 2^log_block. Any number of lanes
// works: each lane strides. scratch holds 2^log_block * width words: row i of local column j
// at i * width + j. The data must already be in bit-reversed order, unless p.fused does it
// (with the scale factors, Montgomery form; unused without a GS_NTT_FUSE_SCALE_* flag).
GS_FN void ntt_block_body(u32 lane, u32 group, u32 lanes, GS_THREADGROUP u32* scratch,
                          GS_DEVICE u32* data, GS_DEVICE const u32* twiddles, GS_DEVICE const u32* factors,
                          NttParams p) {
    const u32 size = 1u << p.log_block, width = ntt_block_width(p);
    const u32 runs = (p.batch + width - 1u) / width;
    const u32 first_col = (group % runs) * width, first_row = (group / runs) << p.log_block;
    const u32 cols = p.batch - first_col < width ? p.batch - first_col : width;
    for (u32 i = lane; i < size * cols; i += lanes) {
        const u32 r = i / cols, j = i % cols;
        u32 v = data[ntt_index(p, first_row + r, first_col + j)];
        if ((p.fused & GS_NTT_FUSE_SCALE_IN) != 0u) v = fp_mul(fp_raw(v), fp_raw(factors[first_row + r])).m;
        const u32 to = (p.fused & GS_NTT_FUSE_BIT_REVERSE) != 0u ? ntt_bit_reverse(r, p.log_block) : r;
        scratch[to * width + j] = v;
    }
    GS_GROUP_BARRIER();
    for (u32 stage = 0; stage < p.log_block; ++stage) {
        for (u32 b = lane; b < (size / 2u) * cols; b += lanes) {
            // Rows inside the block: the block starts at a multiple of 2^log_block, so the
            // stage's pairing and twiddles are those of the whole column.
            const u32 j = b % cols;
            NttButterfly bf = ntt_stage_butterfly(b / cols, stage, p.log_n);
            Fp a = fp_raw(scratch[bf.row0 * width + j]);
            Fp t = fp_mul(fp_raw(scratch[bf.row1 * width + j]), fp_raw(twiddles[bf.twiddle]));
            scratch[bf.row0 * width + j] = fp_add(a, t).m;
            scratch[bf.row1 * width + j] = fp_sub(a, t).m;
        }
        GS_GROUP_BARRIER();
    }
    for (u32 i = lane; i < size * cols; i += lanes) {
        const u32 r = i / cols, j = i % cols;
        u32 v = scratch[r * width + j];
        if ((p.fused & GS_NTT_FUSE_SCALE_OUT) != 0u) v = fp_mul(fp_raw(v), fp_raw(factors[first_row + r])).m;
        data[ntt_index(p, first_row + r, first_col + j)] = v;
    }
}
