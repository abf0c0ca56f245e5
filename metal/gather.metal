// Reading a few rows and digests of a tree kept in device memory (core/merkle_tree.h): runs of
// words packed one after another. A grid-stride loop (lane += threads_per_grid), so any grid
// works. Params struct: cpp/kernels/merkle/gather_params.h.
#include "merkle/gather_params.h"

// buffer 0: src (u32), 1: starts (u64, one word offset per run), 2: out (p.lanes u32),
// 3: GatherWordsParams.
kernel void gather_words(device const u32* src [[buffer(0)]],
                         device const u64* starts [[buffer(1)]],
                         device u32* out [[buffer(2)]],
                         constant GatherWordsParams& p [[buffer(3)]],
                         uint pos [[thread_position_in_grid]],
                         uint threads [[threads_per_grid]]) {
    for (u64 lane = pos; lane < p.lanes; lane += threads) gather_words_lane(lane, src, starts, p.words, out);
}
