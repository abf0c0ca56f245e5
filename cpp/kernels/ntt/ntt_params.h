// Launch arguments of the NTT kernels, shared by host and device: scalars only, pinned by
// static_assert so that MSL, CUDA and C++ agree on the layout.
#pragma once
#include "../platform.h"

// A batch of `batch` columns of length 2^log_n. Element (row r, column c) lives at
// data[r * row_stride + c * col_stride]: row-major is (batch, 1), column-major is (1, n).
struct NttParams {
    u32 log_n;
    u32 batch;
    u32 row_stride;
    u32 col_stride;
    u32 stage;      // radix-2 stage: butterflies span 2^stage rows
    u32 log_block;  // block kernel: stages 0..log_block-1 run in group scratch
};

#ifndef __METAL_VERSION__
static_assert(sizeof(NttParams) == 24, "NttParams layout is shared with MSL and CUDA");
#endif
