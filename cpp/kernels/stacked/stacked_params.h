// Launch arguments of the Metal stacked kernels (metal/stacked.metal) over the bodies of
// stacked/stacked_reduction_lanes.h and stacked/stacked_commit.h; CUDA passes the same scalars as kernel
// arguments (backends/cuda/stacked.cu).
#pragma once
#include "stacked_commit.h"
#include "stacked_reduction_lanes.h"

// stacked_slot_sums: lanes = slots * pieces * 2^l_skip.
struct StackedSlotSumsParams {
    u64 lanes;
    u32 width;
    u32 l_skip;
    u32 pieces;
    u32 pad;
};

// stacked_piece_sums: lanes = slots * 2^l_skip.
struct StackedPieceSumsParams {
    u64 lanes;
    u32 l_skip;
    u32 pieces;
};

// stacked_fold_columns: lanes = chunks * width.
struct StackedFoldColumnsParams {
    u64 lanes;
    u64 chunks;
    u32 width;
    u32 l_skip;
};

// stacked_batch_message: lanes = rows (2^m), one per row of the message.
struct StackedBatchMessageParams {
    u64 lanes;
    u32 width;
    u32 accumulate;  // nonzero: add to f instead of writing it
};

// stacked_scatter: lanes = trace rows * slot_count; width = the stacked matrix's.
struct StackedScatterParams {
    u64 lanes;
    u32 trace_width;
    u32 slot_count;
    u32 width;
    u32 pad;
};

// stacked_message: lanes = chunks * width; inv_n = N^-1 (Montgomery form, as CUDA passes it),
// N = 2^l_skip <= GS_STACKED_MAX_CHUNK (the host checks).
struct StackedMessageParams {
    u64 lanes;
    Fp inv_n;
    u32 width;
    u32 l_skip;
    u32 pad;
};

// stacked_kernel_table: lanes = the slots' total x_len (first_lane[slot_count - 1] + its x_len);
// chunks = the length of each of the 2 width tables.
struct StackedKernelTableParams {
    u64 lanes;
    u64 chunks;
    u32 slot_count;
    u32 pad;
};

#ifndef __METAL_VERSION__
static_assert(sizeof(StackedSlotSumsParams) == 24 && sizeof(StackedPieceSumsParams) == 16 &&
                  sizeof(StackedFoldColumnsParams) == 24,
              "the stacked kernels' params layout is shared with MSL");
static_assert(sizeof(StackedBatchMessageParams) == 16 && __builtin_offsetof(StackedBatchMessageParams, width) == 8,
              "StackedBatchMessageParams layout is shared with MSL");
static_assert(sizeof(StackedScatterParams) == 24 && __builtin_offsetof(StackedScatterParams, trace_width) == 8 &&
                  __builtin_offsetof(StackedScatterParams, slot_count) == 12 &&
                  __builtin_offsetof(StackedScatterParams, width) == 16,
              "StackedScatterParams layout is shared with MSL");
static_assert(sizeof(Fp) == 4 && sizeof(StackedMessageParams) == 24 &&
                  __builtin_offsetof(StackedMessageParams, inv_n) == 8 &&
                  __builtin_offsetof(StackedMessageParams, width) == 12 &&
                  __builtin_offsetof(StackedMessageParams, l_skip) == 16,
              "StackedMessageParams layout is shared with MSL");
static_assert(sizeof(StackedKernelTableParams) == 24 && __builtin_offsetof(StackedKernelTableParams, chunks) == 8 &&
                  __builtin_offsetof(StackedKernelTableParams, slot_count) == 16,
              "StackedKernelTableParams layout is shared with MSL");
#endif
