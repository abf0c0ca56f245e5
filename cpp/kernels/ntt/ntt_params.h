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
    u32 stage;      // radix-2 stage: butterflies span 2^stage rows; block kernel: its first stage
    u32 log_block;  // block kernel: stages stage..stage+log_block-1 run in group scratch
    u32 block_columns;  // block kernel: columns per group (0 counts as 1)
    u32 fused;          // block kernel: GS_NTT_FUSE_* passes it does too (whole transform in one
                        // block), GS_NTT_REVERSED_OUT (any block pass of such a transform)
};

// What the block kernel folds into its one read and write when it holds the whole transform
// (log_block == log_n), instead of separate passes over the data:
#define GS_NTT_FUSE_BIT_REVERSE 1u  // rows loaded into bit-reversed positions (ntt_bit_reverse)
#define GS_NTT_FUSE_SCALE_IN 2u     // row r times factors[r] as it is loaded (a forward coset's shift)
#define GS_NTT_FUSE_SCALE_OUT 4u    // row r times factors[r] as it is stored (an inverse's 1/n, shift)
// A forward transform from natural order into bit-reversed order, with no bit-reversal pass: every
// block pass finds logical row r (the decimation-in-time row, whose input is coefficient
// rev(r)) at physical row rev(r), so the coefficients are read where they lie and output i ends
// at row rev(i). For codewords that are only hashed and opened by row (gpu/gpu_merkle.cpp).
#define GS_NTT_REVERSED_OUT 8u

#ifndef __METAL_VERSION__
static_assert(sizeof(NttParams) == 32, "NttParams layout is shared with MSL and CUDA");
#endif
