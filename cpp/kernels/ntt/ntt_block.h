// Stages p.stage .. p.stage + p.log_block - 1 of the NTT in group scratch, over blocks of
// 2^log_block rows of up to p.block_columns neighbouring columns: one global read and one global
// write instead of log_block of each. A block's rows are 2^p.stage apart, so that its stages pair
// rows inside it: with p.stage = 0 they are neighbours, and later passes (p.stage = the stages
// done before) run the remaining stages the same way, so no stage needs a pass of its own.
// Several columns per group keep a short transform's group busy (a size-16 NTT is only 8
// butterflies) and let neighbouring lanes read neighbouring columns of a row.
// Device-only (it synchronises the group); the lane emulator runs it on the CPU.
#pragma once
#include "ntt.h"

// Columns per group of the block kernel (block_columns, 0 counting as 1).
GS_FN u32 ntt_block_width(NttParams p) { return p.block_columns > 1u ? p.block_columns : 1u; }

// Whether the batch lies column by column (each column's n values together, ntt_params.h).
GS_FN bool ntt_column_major(NttParams p) { return p.col_stride != 1u; }

// Words between neighbouring rows of a group's scratch: its columns, made odd for a column-major
// batch. There neighbouring lanes load neighbouring rows of one column, and with an odd pitch
// those land in different banks of the group's memory.
GS_FN u32 ntt_block_pitch(NttParams p) {
    const u32 width = ntt_block_width(p);
    return ntt_column_major(p) ? (width | 1u) : width;
}

// Groups of the block kernel: (n >> log_block) row blocks times ceil(batch / width) column runs.
GS_FN u32 ntt_block_groups(NttParams p) {
    const u32 width = ntt_block_width(p);
    return ((1u << p.log_n) >> p.log_block) * ((p.batch + width - 1u) / width);
}

// Row `k` of the block `block` (in [0, n >> log_block)): the low p.stage bits of the block number
// are the row's low bits and the rest its bits above the pass's stages. With GS_NTT_REVERSED_OUT
// that logical row lies at its bit reversal (a block's rows are then 2^(log_n - stage - log_block)
// apart; blocks still split the rows between them).
GS_FN u32 ntt_block_row(NttParams p, u32 block, u32 k) {
    const u32 low = block & ((1u << p.stage) - 1u), high = block >> p.stage;
    const u32 row = (high << (p.stage + p.log_block)) | (k << p.stage) | low;
    return (p.fused & GS_NTT_REVERSED_OUT) != 0u ? ntt_bit_reverse(row, p.log_n) : row;
}

// A lane's walk over a grid of (rows x cols) items, `lanes` items a step in row-major order:
// item (k, j) goes to (k, j) + (lanes / cols, lanes % cols) with a carry, so a lane divides once
// rather than once per item.
struct NttBlockWalk {
    u32 k;
    u32 j;
    u32 dk;
    u32 dj;
};

GS_FN NttBlockWalk ntt_block_walk(u32 lane, u32 lanes, u32 cols) {
    NttBlockWalk w;
    w.k = lane / cols;
    w.j = lane % cols;
    w.dk = lanes / cols;
    w.dj = lanes % cols;
    return w;
}

GS_FN void ntt_block_step(GS_THREAD NttBlockWalk& w, u32 cols) {
    w.k += w.dk;
    w.j += w.dj;
    if (w.j >= cols) {
        w.j -= cols;
        w.k += 1u;
    }
}

// Two stages t, t + 1 of the block at once (radix 4): quad q owns local rows r0, r0 + 2^t,
// r0 + 2^(t+1), r0 + 3 2^t, where r0 keeps q's low t bits and moves the rest up two. At global
// stage s = p.stage + t, row r0's twiddle exponent is g 2^(log_n - 1 - s) with g = r0 mod 2^s =
// (q mod 2^t) 2^p.stage + low (the block's low row bits); at s + 1 the second pair's row is
// 2^t further, so its g is 2^(t + p.stage) more.
GS_FN void ntt_block_quad(GS_THREADGROUP u32* scratch, u32 pitch, u32 q, u32 j, u32 t, u32 low,
                          GS_DEVICE const u32* twiddles, NttParams p) {
    const u32 m = q & ((1u << t) - 1u);
    const u32 r0 = ((q >> t) << (t + 2u)) | m, r1 = r0 + (1u << t), r2 = r0 + (2u << t), r3 = r2 + (1u << t);
    const u32 shift = p.log_n - 1u - (p.stage + t), g = (m << p.stage) | low;
    const Fp wa = fp_raw(twiddles[g << shift]);
    const Fp wb = fp_raw(twiddles[g << (shift - 1u)]);
    const Fp wc = fp_raw(twiddles[(g + (1u << (t + p.stage))) << (shift - 1u)]);
    const Fp x0 = fp_raw(scratch[r0 * pitch + j]), x1 = fp_raw(scratch[r1 * pitch + j]);
    const Fp x2 = fp_raw(scratch[r2 * pitch + j]), x3 = fp_raw(scratch[r3 * pitch + j]);
    const Fp y1 = fp_mul(x1, wa), y3 = fp_mul(x3, wa);  // stage t: (r0, r1) and (r2, r3)
    const Fp a0 = fp_add(x0, y1), a1 = fp_sub(x0, y1), a2 = fp_add(x2, y3), a3 = fp_sub(x2, y3);
    const Fp z2 = fp_mul(a2, wb), z3 = fp_mul(a3, wc);  // stage t + 1: (r0, r2) and (r1, r3)
    scratch[r0 * pitch + j] = fp_add(a0, z2).m;
    scratch[r2 * pitch + j] = fp_sub(a0, z2).m;
    scratch[r1 * pitch + j] = fp_add(a1, z3).m;
    scratch[r3 * pitch + j] = fp_sub(a1, z3).m;
}

// One stage t of the block (radix 2), for an odd last stage: butterfly b pairs local rows
// r0 = (b's bits above t moved up one) | (b mod 2^t) and r0 + 2^t.
GS_FN void ntt_block_pair(GS_THREADGROUP u32* scratch, u32 pitch, u32 b, u32 j, u32 t, u32 low,
                          GS_DEVICE const u32* twiddles, NttParams p) {
    const u32 m = b & ((1u << t) - 1u);
    const u32 r0 = ((b >> t) << (t + 1u)) | m, r1 = r0 + (1u << t);
    const u32 g = (m << p.stage) | low;
    const Fp w = fp_raw(twiddles[g << (p.log_n - 1u - (p.stage + t))]);
    const Fp a = fp_raw(scratch[r0 * pitch + j]);
    const Fp x = fp_mul(fp_raw(scratch[r1 * pitch + j]), w);
    scratch[r0 * pitch + j] = fp_add(a, x).m;
    scratch[r1 * pitch + j] = fp_sub(a, x).m;
}

// Row k of local column j: loaded from the data into scratch (bit-reversed and scaled where
// p.fused says), or stored back.
GS_FN void ntt_block_load(GS_THREADGROUP u32* scratch, u32 pitch, u32 k, u32 j, u32 block, u32 first_col,
                          GS_DEVICE const u32* data, GS_DEVICE const u32* factors, NttParams p) {
    const u32 row = ntt_block_row(p, block, k);
    u32 v = data[ntt_index(p, row, first_col + j)];
    if ((p.fused & GS_NTT_FUSE_SCALE_IN) != 0u) v = fp_mul(fp_raw(v), fp_raw(factors[row])).m;
    const u32 to = (p.fused & GS_NTT_FUSE_BIT_REVERSE) != 0u ? ntt_bit_reverse(k, p.log_block) : k;
    scratch[to * pitch + j] = v;
}

GS_FN void ntt_block_store(GS_THREADGROUP const u32* scratch, u32 pitch, u32 k, u32 j, u32 block, u32 first_col,
                           GS_DEVICE u32* data, GS_DEVICE const u32* factors, NttParams p) {
    const u32 row = ntt_block_row(p, block, k);
    u32 v = scratch[k * pitch + j];
    if ((p.fused & GS_NTT_FUSE_SCALE_OUT) != 0u) v = fp_mul(fp_raw(v), fp_raw(factors[row])).m;
    data[ntt_index(p, row, first_col + j)] = v;
}

// Group `group` in [0, ntt_block_groups(p)) owns the columns [first, first + cols) of run
// group % runs and the rows ntt_block_row(p, group / runs, k) for k < 2^log_block. Any number of
// lanes works: each lane strides. scratch holds 2^log_block * ntt_block_pitch(p) words: row k of
// local column j at k * pitch + j. Loads and stores walk the block in the data's order (along a
// row for a row-major batch, down a column for a column-major one), so that neighbouring lanes
// touch neighbouring words; the butterflies walk it row by row. The data must already be in
// bit-reversed order, unless p.fused does it (with the scale factors, Montgomery form; unused
// without a GS_NTT_FUSE_SCALE_* flag; fused needs p.stage = 0 and log_block = log_n) or the
// transform reads natural order into bit-reversed order (GS_NTT_REVERSED_OUT, every pass).
GS_FN void ntt_block_lane(u32 lane, u32 group, u32 lanes, GS_THREADGROUP u32* scratch,
                          GS_DEVICE u32* data, GS_DEVICE const u32* twiddles, GS_DEVICE const u32* factors,
                          NttParams p) {
    const u32 size = 1u << p.log_block, width = ntt_block_width(p), pitch = ntt_block_pitch(p);
    const u32 runs = (p.batch + width - 1u) / width;
    const u32 first_col = (group % runs) * width, block = group / runs;
    const u32 cols = p.batch - first_col < width ? p.batch - first_col : width;
    const u32 low = block & ((1u << p.stage) - 1u);
    const NttBlockWalk start = ntt_block_walk(lane, lanes, cols);  // the butterflies': row by row
    // The loads' and stores' walk, in the data's order: (row k, column j) row by row, or (j, k)
    // column by column for a column-major batch.
    const bool down_columns = ntt_column_major(p);
    const u32 outer = down_columns ? cols : size, inner = down_columns ? size : cols;
    const NttBlockWalk data_start = ntt_block_walk(lane, lanes, inner);
    for (NttBlockWalk w = data_start; w.k < outer; ntt_block_step(w, inner))
        ntt_block_load(scratch, pitch, down_columns ? w.j : w.k, down_columns ? w.k : w.j, block, first_col, data,
                       factors, p);
    GS_GROUP_BARRIER();
    u32 t = 0u;
    for (; t + 1u < p.log_block; t += 2u) {
        for (NttBlockWalk w = start; w.k < size / 4u; ntt_block_step(w, cols))
            ntt_block_quad(scratch, pitch, w.k, w.j, t, low, twiddles, p);
        GS_GROUP_BARRIER();
    }
    if (t < p.log_block) {
        for (NttBlockWalk w = start; w.k < size / 2u; ntt_block_step(w, cols))
            ntt_block_pair(scratch, pitch, w.k, w.j, t, low, twiddles, p);
        GS_GROUP_BARRIER();
    }
    for (NttBlockWalk w = data_start; w.k < outer; ntt_block_step(w, inner))
        ntt_block_store(scratch, pitch, down_columns ? w.j : w.k, down_columns ? w.k : w.j, block, first_col, data,
                        factors, p);
}
