// Round 0 of one trace as every GPU takes it (core/round0_sums.h): the chunks of N = 2^l_skip rows
// in blocks the device evaluates at once, the sums starting at zero, and each block's per-point
// sums weighted and added on the host. Only the block size is the backend's (its memory budget).
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

// Blocks whose sums share one buffer and one wait: at most as many sums (evals per point) as a
// block has gathered values, and at least one block. A small trace in many blocks, or a wide one
// in a few, waits once for several.
inline size_t round0_blocks_per_wait(const Round0Blocks& b, uint64_t block_elements) {
    const size_t block_sums = b.evals * b.n * b.block;
    const size_t blocks = (b.chunks + b.block - 1) / b.block;
    return std::max<size_t>(1, std::min<uint64_t>(blocks, block_sums ? block_elements / block_sums : blocks));
}

// Every sum of the trace at zero, in the shapes round0_sums returns.
inline Round0Sums round0_zero_sums(const Round0Trace& t) {
    const size_t n = size_t(1) << t.l_skip, cosets = t.coset_shifts.size();
    Round0Sums out;
    out.zerocheck.assign(cosets * n, ef_zero());
    out.logup_on_cosets.assign(cosets * n, ef_zero());
    if (t.logup_on_d) out.logup_on_d.assign(n, ef_zero());
    return out;
}

// A block's per-point sums (one run of N * count per coset, then D's; point (a, x) at x N + a, as
// the gather lays the block out) added into `out`.
inline void add_round0_sums(const Round0Trace& t, const DagSums* sums, size_t first, size_t count, Round0Sums& out) {
    const size_t n = size_t(1) << t.l_skip, cosets = t.coset_shifts.size(), points = n * count;
    for (size_t c = 0; c < cosets; ++c)
        add_round0_block(t, sums + c * points, first, count, true, out.zerocheck.data() + c * n,
                         out.logup_on_cosets.data() + c * n, Round0PointOrder::ChunkMajor);
    if (t.logup_on_d) {
        std::vector<Ef> unused(n, ef_zero());  // D carries no zerocheck
        add_round0_block(t, sums + cosets * points, first, count, false, unused.data(), out.logup_on_d.data(),
                         Round0PointOrder::ChunkMajor);
    }
}

}  // namespace gpu
}  // namespace gpustark
