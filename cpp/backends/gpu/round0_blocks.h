// Round 0 of one trace as every GPU takes it (core/round0_sums.h): the chunks of N = 2^l_skip rows
// in blocks the device evaluates at once, and the pieces its eq-weighted sums are added in. Only
// the block size is the backend's (its memory budget).
#pragma once
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "../../core/dag_program.h"
#include "../../core/round0_sums.h"

namespace gpustark {
namespace gpu {

struct Round0Blocks {
    size_t n = 0;       // points per chunk, 2^l_skip
    size_t cols = 0;    // gathered columns of a local row: the width and three selectors
    size_t chunks = 0;  // chunks of the trace
    size_t block = 0;   // chunks per block
    size_t evals = 0;   // DAG evaluations per block: one per coset, and D's when logup_on_d
};

// Blocks of at most block_elements gathered values (N x chunks x (width + 3)), at least a chunk,
// and as even as whole chunks allow: no short last block whose kernels leave the device idle.
inline Round0Blocks round0_blocks(const Round0Trace& t, uint64_t block_elements) {
    Round0Blocks b;
    b.n = size_t(1) << t.l_skip;
    b.cols = size_t(t.dag->program->width) + 3;
    b.chunks = t.log_height > t.l_skip ? size_t(1) << (t.log_height - t.l_skip) : 1;
    const size_t most = std::max<size_t>(1, std::min(b.chunks, size_t(block_elements / (b.n * b.cols))));
    const size_t blocks = (b.chunks + most - 1) / most;
    b.block = (b.chunks + blocks - 1) / blocks;
    b.evals = t.coset_shifts.size() + (t.logup_on_d ? 1 : 0);
    return b;
}

// Pieces of round0_eq_sums: each lane adds every pieces-th chunk of a block for one (domain, a), so
// about kRound0SumLanes lanes share a block; at most kRound0MaxSumPieces (round0_piece_sums adds
// them one after another) and no more than a block's chunks.
constexpr uint64_t kRound0SumLanes = uint64_t(1) << 13;
constexpr uint32_t kRound0MaxSumPieces = 256;
inline uint32_t round0_sum_pieces(const Round0Blocks& b) {
    const uint64_t per_piece = std::max<uint64_t>(1, uint64_t(b.evals) * b.n);
    const uint64_t most = std::min<uint64_t>(kRound0MaxSumPieces, b.block);
    return uint32_t(std::max<uint64_t>(1, std::min<uint64_t>(most, kRound0SumLanes / per_piece)));
}

}  // namespace gpu
}  // namespace gpustark
