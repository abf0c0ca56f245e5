// One lane of the trace-tables kernel (core/trace_tables.h): a trace's batch-constraint tables at
// r_0, built on the device. Lane = (chunk x, table c < 2 width + 3), c fastest, so adjacent lanes
// read adjacent columns of the same rows. The CUDA kernel (backends/cuda/trace_tables.cu) and the
// Metal kernel (metal/trace_tables.metal) are grid-stride loops over this body.
#pragma once
#include "../field/ext4.h"

// lanes = length * (2 width + 3); length = chunks = 2^max(log_height - l_skip, 0).
struct TraceTablesParams {
    u64 length;
    u64 lanes;
    u32 width;
    u32 log_height;
    u32 l_skip;
    u32 pad;
};

#ifndef __METAL_VERSION__
static_assert(sizeof(TraceTablesParams) == 32 && __builtin_offsetof(TraceTablesParams, width) == 16,
              "TraceTablesParams layout is shared with MSL");
#endif

// tables[c * length + x] = sum_{a < N} lagrange[a] * T_c(row (a + N x) mod h), N = 2^l_skip, where
// T_c is column c (c < width), the next row's column c - width (c < 2 width), then is_first,
// is_last and is_transition of the row. trace: 2^log_height x width canonical words.
GS_FN void trace_tables_lane(u64 lane, GS_DEVICE const u32* trace, u32 width, u32 log_height, u32 l_skip,
                             GS_DEVICE const Ef* lagrange, GS_DEVICE Ef* tables, u64 length) {
    const u64 mask = ((u64)1 << log_height) - 1, n = (u64)1 << l_skip, per_chunk = 2 * (u64)width + 3;
    const u64 x = lane / per_chunk, c = lane % per_chunk;
    Ef acc = ef_zero();
    for (u64 a = 0; a < n; ++a) {
        const u64 row = (a + n * x) & mask;
        Fp v;
        if (c < width) v = fp_from_canonical(trace[row * width + c]);
        else if (c < 2 * (u64)width) v = fp_from_canonical(trace[((row + 1) & mask) * width + (c - width)]);
        else if (c == 2 * (u64)width) v = row == 0 ? fp_one() : fp_zero();
        else if (c == 2 * (u64)width + 1) v = row == mask ? fp_one() : fp_zero();
        else v = row != mask ? fp_one() : fp_zero();
        acc = ef_add(acc, ef_mul_base(lagrange[a], v));
    }
    tables[c * length + x] = acc;
}
