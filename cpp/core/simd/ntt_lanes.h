// The CPU's NTT passes over row-major matrices, with lanes across columns: the butterfly of
// kernels/ntt/ntt.h on kCpuLanes columns at once. backends/cpu/cpu_ntt.cpp plans the passes
// (which stages, which rows and columns a task takes) and runs them in parallel.
#pragma once
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace gpustark {

// A matrix of 2^log_n rows, `stride` words apart, transformed along its columns.
struct NttMatrix {
    uint32_t* data;
    size_t stride;
    uint32_t log_n;
};

// Stages [stage_begin, stage_end) of the decimation-in-time transform (after the bit reversal).
// Their butterflies pair rows that differ only in bits stage_begin..stage_end-1, so the rows split
// into independent groups of 2^(stage_end - stage_begin): group g holds the rows whose low
// stage_begin bits are g's low bits and whose bits from stage_end up are g's high bits.
// Consecutive groups are neighbouring rows, so a run of them is taken together: each butterfly
// then reads runs of adjacent rows and adjacent twiddles.
struct NttStages {
    uint32_t stage_begin, stage_end;
    const uint32_t* stage_twiddles;  // stage s's w^(j 2^(log_n-1-s)), j < 2^s, from index 2^s - 1
    const uint32_t* post_factors;    // each row scaled after the pass (inverse transforms), or null
};

// Runs `stages` on groups [group_begin, group_end), columns [col_begin, col_end).
void ntt_stage_groups(const NttMatrix& m, const NttStages& stages, size_t group_begin, size_t group_end,
                      size_t col_begin, size_t col_end);

// Swaps rows [row_begin, row_end) with their bit-reversed partners on columns [col_begin, col_end),
// each row first scaled by pre_factors[row] when given (a forward transform's coset shift).
void ntt_bit_reverse_rows(const NttMatrix& m, const uint32_t* pre_factors, size_t row_begin, size_t row_end,
                          size_t col_begin, size_t col_end);

// The instruction set the functions above use on this CPU ("avx512", "avx2" or "baseline").
const char* ntt_lanes_isa();

// Every compiled copy of ntt_stage_groups this CPU can run, by instruction set (for tests).
using NttStageGroups = void (*)(const NttMatrix&, const NttStages&, size_t, size_t, size_t, size_t);
std::vector<std::pair<const char*, NttStageGroups>> ntt_stage_groups_copies();

}  // namespace gpustark
