// The stacked PCS commitment (PROTOCOL 6): lay trace columns out in a stacked matrix of height
// 2^(l_skip + n_stack), encode every stacked column with the eval-to-coeff Reed-Solomon code and
// commit to the codeword rows with a grouped Merkle tree (2^k rows per query).
//
// All buffers hold canonical u32 field elements, row-major: element (row, col) of an R x W
// matrix is at [row * W + col].
#pragma once
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "../core/backend.h"
#include "../core/merkle_tree.h"

namespace gpustark {

// Where one source column sits in the stacked matrix. A column of height 2^log_h fills a slice
// of max(2^log_h, 2^l_skip) rows starting at row_idx; a short column (log_h < l_skip) is written
// with stride 2^(l_skip - log_h).
struct StackedSlot {
    uint32_t matrix = 0;       // index of the source matrix (in the given, height-sorted order)
    uint32_t column = 0;       // column within that matrix
    uint32_t stacked_col = 0;  // stacked column holding the slice
    size_t row_idx = 0;        // first row of the slice
    uint32_t log_h = 0;        // log2 of the source column's true height
};

struct StackedLayout {
    uint32_t l_skip = 0;
    uint32_t log_height = 0;  // log2 of the stacked height, m = l_skip + n_stack
    uint32_t width = 0;       // number of stacked columns used
    uint32_t num_matrices = 0;
    std::vector<StackedSlot> slots;  // matrix by matrix, column by column
};

// PROTOCOL 6.1. `matrices` are (log_h, width) pairs sorted by descending log_h; a width-0
// matrix takes no slot. Throws std::invalid_argument on unsorted input or log_h > log height.
StackedLayout stacked_layout(uint32_t l_skip, uint32_t log_stacked_height,
                             const std::vector<std::pair<uint32_t, uint32_t>>& matrices);

// One source trace: `height` x `width` row-major canonical values.
struct TraceView {
    const uint32_t* data = nullptr;
    size_t height = 0;
    uint32_t width = 0;
};

// The committed data a prover keeps for the opening phases.
struct StackedPcsData {
    StackedLayout layout;
    uint32_t l_skip = 0, n_stack = 0, log_blowup = 0, k = 0;
    std::vector<uint32_t> matrix;   // stacked evaluations, 2^m x width
    std::vector<uint32_t> message;  // RS messages (multilinear coefficient tables), 2^m x width
    MerkleTree tree;                // over the codeword, 2^(m + log_blowup) x width (tree.matrix)

    uint32_t log_stacked_height() const { return l_skip + n_stack; }
    size_t height() const { return size_t(1) << log_stacked_height(); }
    uint32_t width() const { return layout.width; }
    Digest root() const { return tree.root(); }
    const std::vector<uint32_t>& codeword() const { return tree.matrix; }
};

// PROTOCOL 6.2: the stacked matrix (2^m x layout.width) of traces that match `layout`.
std::vector<uint32_t> stack_traces(const StackedLayout& layout, const std::vector<TraceView>& traces);

// The whole commitment. `traces` must be sorted by descending height (powers of two, each at
// most 2^(l_skip + n_stack)) and have at least one column in total.
StackedPcsData stacked_commit(const std::vector<TraceView>& traces, uint32_t l_skip, uint32_t n_stack,
                              uint32_t log_blowup, uint32_t k, Backend& backend);

}  // namespace gpustark
