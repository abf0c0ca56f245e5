// Where trace columns sit in the stacked matrix (PROTOCOL 6.1): the layout the prover computes
// (prover/stacked_pcs.h) and the backends fill (core/stacked_matrix.h).
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

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

// One source trace: `height` x `width` row-major canonical values.
struct TraceView {
    const uint32_t* data = nullptr;
    size_t height = 0;
    uint32_t width = 0;
};

}  // namespace gpustark
