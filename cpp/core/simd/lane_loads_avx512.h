// lane_loads.h's loads for the 16-lane AVX-512 copy (included there). Rows: one gather per
// column. Pairs: the lanes of a group read a few neighbouring pairs (the round's points run
// fastest across lanes), so up to four registers hold them all and each coefficient of the low
// and the high entries is one or two permutes, instead of 16 scalar loads and stores.
#pragma once
#include <immintrin.h>

namespace gpustark {
namespace {

// The words the permutes can reach: four registers.
constexpr size_t kPairWindow = 64;

// Fills lanes.words and lanes.index from lanes.pair (ascending across lanes).
inline void prepare_pair_lanes(PairLanes& lanes) {
    lanes.words = 8 * (lanes.pair[kCpuLanes - 1] - lanes.pair[0] + 1);
    if (lanes.words > kPairWindow) return;
    for (int k = 0; k < 8; ++k) {  // k = 4 high + coefficient
        alignas(64) int32_t index[kCpuLanes];
        for (int j = 0; j < kCpuLanes; ++j) index[j] = int32_t(8 * (lanes.pair[j] - lanes.pair[0]) + size_t(k));
        lanes.index[k] = _mm512_load_si512(index);
    }
}

inline void load_rows(const uint32_t* rows, size_t stride, size_t live, size_t cols, FpLanes* out) {
    alignas(64) int32_t offset[kCpuLanes];
    for (int j = 0; j < kCpuLanes; ++j) offset[j] = int32_t(std::min(size_t(j), live - 1) * stride);
    const __m512i offsets = _mm512_load_si512(offset);
    const FpLanes r2 = fp_lanes_splat(GS_R2_MOD_P);  // times 2^64 mod p: to Montgomery form
    for (size_t c = 0; c < cols; ++c) {
        const FpLanes raw{U32Lanes(_mm512_i32gather_epi32(offsets, static_cast<const void*>(rows + c), 4))};
        out[c] = fp_mul(raw, r2);
    }
}

inline void load_pairs(const Ef* column, const PairLanes& lanes, EfLanes& low, EfLanes& high) {
    if (lanes.words > kPairWindow) {  // a wide window (one point per pair): lane by lane
        for (int j = 0; j < kCpuLanes; ++j) {
            ef_set_lane(low, j, column[2 * lanes.pair[j]]);
            ef_set_lane(high, j, column[2 * lanes.pair[j] + 1]);
        }
        return;
    }
    // Masked loads read only the window's words, so the last pair of a table is safe to load.
    const uint32_t* base = &column[2 * lanes.pair[0]].c0.m;
    __m512i z[4];
    for (size_t r = 0; r < 4; ++r) {
        const size_t left = lanes.words > 16 * r ? lanes.words - 16 * r : 0;
        z[r] = left ? _mm512_maskz_loadu_epi32(__mmask16(left >= 16 ? 0xFFFFu : (1u << left) - 1u), base + 16 * r)
                    : _mm512_setzero_si512();
    }
    const bool wide = lanes.words > 32;
    FpLanes* out[8] = {&low.c0, &low.c1, &low.c2, &low.c3, &high.c0, &high.c1, &high.c2, &high.c3};
    for (int k = 0; k < 8; ++k) {
        const __m512i index = lanes.index[k];
        __m512i v = _mm512_permutex2var_epi32(z[0], index, z[1]);
        if (wide) {  // words 32..63 from the second pair of registers
            const __mmask16 upper = _mm512_test_epi32_mask(index, _mm512_set1_epi32(32));
            v = _mm512_mask_blend_epi32(upper, v, _mm512_permutex2var_epi32(z[2], index, z[3]));
        }
        out[k]->v = U32Lanes(v);
    }
}

}  // namespace
}  // namespace gpustark
