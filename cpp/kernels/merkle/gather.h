// Reading a few rows and digests of a tree kept in device memory (core/merkle_tree.h): `runs` runs
// of `words` consecutive words, run i starting at src[starts[i]], packed one after another.
#pragma once
#include "../platform.h"

// Lane = one output word.
GS_FN void gather_words_lane(u64 lane, const GS_DEVICE u32* src, const GS_DEVICE u64* starts, u32 words,
                             GS_DEVICE u32* out) {
    out[lane] = src[starts[lane / words] + lane % words];
}
