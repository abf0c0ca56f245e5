// One lane of round 0's gather (core/round0_sums.h): a trace's rows into a block laid out column
// by column, each (column, chunk) pair's N = 2^l_skip values one after another: the layout of a
// column-major batched size-N NTT per (column, chunk), and the one the DAG reads (neighbouring
// threads, neighbouring points, read neighbouring words). Lane = one gathered value. The CUDA kernel
// (backends/cuda/round0.cu) and the Metal kernel (metal/round0.metal) are grid-stride loops over
// this body.
#pragma once
#include "../field/babybear.h"

// Chunks [first, first + count) of N = 2^l_skip rows, each row shifted by `shift`; cols = width,
// or width + 3 with the selectors; lanes = N * count * cols.
struct Round0GatherParams {
    u64 first;
    u64 count;
    u64 shift;
    u64 lanes;
    u32 width;
    u32 log_height;
    u32 l_skip;
    u32 cols;
};

#ifndef __METAL_VERSION__
static_assert(sizeof(Round0GatherParams) == 48 && __builtin_offsetof(Round0GatherParams, width) == 32,
              "Round0GatherParams layout is shared with MSL");
#endif

// Element (c, x, a) of the block, at out[c N count + x N + a] (point x N + a of column c): row
// (N (first + x) + a + shift) mod h of the trace, column c < width; then is_first, is_last,
// is_transition of that row. Written in Montgomery form: the NTTs after it are linear maps with
// Montgomery-form constants, so they keep the form, and the DAG then reads each value with one
// load instead of a load and a multiply (it reads each column many times). Lanes go in tiles of
// T = min(8, N) points by every column, so that a SIMD group reads a few neighbouring columns of
// T rows and writes T neighbouring points of each: lane = (tile cols + c) T + (point mod T),
// tile = point / T.
GS_FN void round0_gather_lane(u64 lane, GS_DEVICE const u32* trace, u32 width, u32 log_height, u32 l_skip, u64 first,
                              u64 count, u64 shift, u32 cols, GS_DEVICE u32* out) {
    const u64 height_mask = ((u64)1 << log_height) - 1, n = (u64)1 << l_skip, points = n * count;
    const u32 log_tile = l_skip < 3u ? l_skip : 3u;
    const u64 in_tile = lane & (((u64)1 << log_tile) - 1), rest = lane >> log_tile;
    const u64 c = rest % cols, point = ((rest / cols) << log_tile) | in_tile;
    const u64 row = (n * first + point + shift) & height_mask;
    u32 v;
    if (c < width) {
        v = fp_from_canonical(trace[row * width + c]).m;
    } else {
        const bool flag = c == width ? row == 0 : c == width + 1 ? row == height_mask : row != height_mask;
        v = flag ? fp_one().m : 0u;
    }
    out[c * points + point] = v;
}
