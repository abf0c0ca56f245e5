#include "stacked_pcs.h"

#include <algorithm>
#include <memory>
#include <stdexcept>
#include <string>

#include "../core/spans.h"
#include "../kernels/field/two_adic.h"

namespace gpustark {

StackedLayout stacked_layout(uint32_t l_skip, uint32_t log_stacked_height,
                             const std::vector<std::pair<uint32_t, uint32_t>>& matrices) {
    if (l_skip > log_stacked_height)
        throw std::invalid_argument("stacked_layout: l_skip " + std::to_string(l_skip) + " exceeds the log stacked height " +
                                    std::to_string(log_stacked_height));
    StackedLayout layout;
    layout.l_skip = l_skip;
    layout.log_height = log_stacked_height;
    layout.num_matrices = uint32_t(matrices.size());
    const size_t height = size_t(1) << log_stacked_height;
    uint32_t col = 0;
    size_t row = 0;
    for (size_t mi = 0; mi < matrices.size(); ++mi) {
        auto [log_h, width] = matrices[mi];
        if (mi > 0 && log_h > matrices[mi - 1].first)
            throw std::invalid_argument("stacked_layout: matrices must be sorted by descending height; matrix " +
                                        std::to_string(mi) + " has log height " + std::to_string(log_h) +
                                        " after " + std::to_string(matrices[mi - 1].first));
        if (width == 0) continue;
        if (log_h > log_stacked_height)
            throw std::invalid_argument("stacked_layout: matrix " + std::to_string(mi) + " has log height " +
                                        std::to_string(log_h) + " > log stacked height " +
                                        std::to_string(log_stacked_height));
        // Slice lengths are non-increasing powers of two, so a slice that does not fit in the
        // rest of a column means the column is exactly full.
        const size_t slice_len = size_t(1) << (log_h > l_skip ? log_h : l_skip);
        for (uint32_t j = 0; j < width; ++j) {
            if (row + slice_len > height) {
                ++col;
                row = 0;
            }
            layout.slots.push_back(StackedSlot{uint32_t(mi), j, col, row, log_h});
            row += slice_len;
        }
    }
    layout.width = col + (row != 0 ? 1 : 0);
    return layout;
}

std::shared_ptr<StackedMatrix> stacked_on(const StackedPcsData& d, Backend& backend) {
    if (d.stacked_backend == &backend) return d.stacked;
    return backend.stacked_matrix(host_copy(d.matrix()), host_copy(d.message()), d.height(), d.width(), d.l_skip);
}

StackedPcsData stacked_commit(const std::vector<TraceView>& traces, uint32_t l_skip, uint32_t n_stack,
                              uint32_t log_blowup, uint32_t k, Backend& backend) {
    ScopedSpan span("stacked_commit");
    const uint32_t m = l_skip + n_stack;
    if (m + log_blowup > GS_TWO_ADICITY)
        throw std::invalid_argument("stacked_commit: l_skip + n_stack + log_blowup exceeds 27");
    if (k > m + log_blowup) throw std::invalid_argument("stacked_commit: 2^k rows per query exceed the codeword");
    std::vector<std::pair<uint32_t, uint32_t>> dims;
    for (const TraceView& t : traces) {
        if (t.height == 0 || (t.height & (t.height - 1)) != 0)
            throw std::invalid_argument("stacked_commit: trace heights must be powers of two");
        uint32_t log_h = 0;
        while ((size_t(1) << log_h) < t.height) ++log_h;
        dims.emplace_back(log_h, t.width);
    }
    StackedPcsData d;
    d.layout = stacked_layout(l_skip, m, dims);
    if (d.layout.width == 0) throw std::invalid_argument("stacked_commit: the traces have no columns");
    d.l_skip = l_skip;
    d.n_stack = n_stack;
    d.log_blowup = log_blowup;
    d.k = k;
    StackedCommit commit = backend.commit_stacked(d.layout, traces, log_blowup, k);
    d.tree = std::move(commit.tree);
    d.stacked = std::move(commit.stacked);
    d.stacked_backend = &backend;
    return d;
}

}  // namespace gpustark
