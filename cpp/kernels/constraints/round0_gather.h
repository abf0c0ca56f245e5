// One lane of round 0's gather (core/round0_sums.h): a trace's rows into the (N, count * cols)
// layout of a batched size-N NTT per (chunk, column). Lane = one gathered value. The CUDA kernel
// (backends/cuda/round0.cu) and the Metal kernel (metal/round0.metal) are grid-stride loops over
// this body.
#pragma once
#include "../platform.h"

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

// out[lane] = element (a, x, c), lane = (a count + x) cols + c: row (N (first + x) + a + shift)
// mod h of the trace, column c < width; then is_first, is_last, is_transition of that row.
GS_FN void round0_gather_lane(u64 lane, GS_DEVICE const u32* trace, u32 width, u32 log_height, u32 l_skip, u64 first,
                              u64 count, u64 shift, u32 cols, GS_DEVICE u32* out) {
    const u64 height_mask = ((u64)1 << log_height) - 1, n = (u64)1 << l_skip;
    const u64 point = lane / cols, c = lane % cols;
    const u64 a = point / count, x = point % count;
    const u64 row = (n * (first + x) + a + shift) & height_mask;
    u32 v;
    if (c < width) v = trace[row * width + c];
    else if (c == width) v = row == 0;
    else if (c == width + 1) v = row == height_mask;
    else v = row != height_mask;
    out[lane] = v;
}

// round0_transpose: a gathered block (rows = N * count points of `cols` words each, point by
// point) column by column, so that the DAG's neighbouring threads (neighbouring points) read
// neighbouring words. lanes = rows * cols.
struct Round0TransposeParams {
    u64 rows;
    u64 cols;
    u64 lanes;
};

#ifndef __METAL_VERSION__
static_assert(sizeof(Round0TransposeParams) == 24, "Round0TransposeParams layout is shared with MSL");
#endif

// out[lane] = in[point * cols + c], lane = c * rows + point: writes in order, reads strided.
GS_FN void round0_transpose_lane(u64 lane, GS_DEVICE const u32* in, u64 rows, u64 cols, GS_DEVICE u32* out) {
    out[lane] = in[(lane % rows) * cols + lane / rows];
}
