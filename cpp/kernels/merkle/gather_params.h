// Launch arguments of the Metal gather_words kernel (metal/gather.metal) over the body of
// merkle/gather.h; CUDA passes the same scalars as kernel arguments (backends/cuda/merkle.cu).
#pragma once
#include "gather.h"

// lanes = runs * words: out[i * words + w] = src[starts[i] + w].
struct GatherWordsParams {
    u64 lanes;
    u32 words;
    u32 pad;
};

#ifndef __METAL_VERSION__
static_assert(sizeof(GatherWordsParams) == 16, "GatherWordsParams layout is shared with MSL");
#endif
