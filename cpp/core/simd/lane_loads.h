// Loading the DAG's inputs into lanes (structure of arrays) for dag_run_lanes.cpp: round 0's rows
// of canonical words, and the pairs of a round's tables that each lane folds. Plain lane loops
// here; the AVX-512 copy gathers and permutes whole registers (lane_loads_avx512.h).
#pragma once
#include <algorithm>
#include <cstddef>

#include "ef_lanes.h"

namespace gpustark {
namespace {

// Which pair of a table each lane reads: pair[j] (its low entry at 2 pair[j], its high one next).
struct PairLanes {
    size_t pair[kCpuLanes];
#ifdef GS_FP_LANES_AVX512
    size_t words;   // u32 words from the first lane's pair to the end of the last lane's
    __m512i index[8];  // low c0..c3, high c0..c3: each lane's word among them
#endif
};

}  // namespace
}  // namespace gpustark

#ifdef GS_FP_LANES_AVX512
#include "lane_loads_avx512.h"
#else
namespace gpustark {
namespace {

inline void prepare_pair_lanes(PairLanes&) {}

// Columns [0, cols) of `live` rows of canonical words (row j at rows + j * stride) into lanes,
// Montgomery form; idle lanes repeat the last row.
inline void load_rows(const uint32_t* rows, size_t stride, size_t live, size_t cols, FpLanes* out) {
    for (int j = 0; j < kCpuLanes; ++j) {
        const uint32_t* row = rows + std::min(size_t(j), live - 1) * stride;
        for (size_t c = 0; c < cols; ++c) out[c].v[j] = row[c];
    }
    // A product by 2^64 mod p is the conversion to Montgomery form, for a whole column at once.
    const FpLanes r2 = fp_lanes_splat(GS_R2_MOD_P);
    for (size_t c = 0; c < cols; ++c) out[c] = fp_mul(out[c], r2);
}

// The lanes' pairs of one table: low[j] = column[2 pair[j]], high[j] = column[2 pair[j] + 1].
inline void load_pairs(const Ef* column, const PairLanes& lanes, EfLanes& low, EfLanes& high) {
    for (int j = 0; j < kCpuLanes; ++j) {
        ef_set_lane(low, j, column[2 * lanes.pair[j]]);
        ef_set_lane(high, j, column[2 * lanes.pair[j] + 1]);
    }
}

}  // namespace
}  // namespace gpustark
#endif
