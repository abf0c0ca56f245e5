#include "stacked_pcs.h"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "../core/parallel.h"
#include "../core/spans.h"
#include "../kernels/field/babybear.h"
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

std::vector<uint32_t> stack_traces(const StackedLayout& layout, const std::vector<TraceView>& traces) {
    const size_t height = size_t(1) << layout.log_height;
    const uint32_t width = layout.width;
    std::vector<uint32_t> q(height * width, 0);
    for (const StackedSlot& s : layout.slots) {
        const TraceView& t = traces[s.matrix];
        // Short columns are spread with stride 2^(l_skip - log_h) over a 2^l_skip slice (5.2).
        const size_t stride = s.log_h < layout.l_skip ? size_t(1) << (layout.l_skip - s.log_h) : 1;
        for (size_t i = 0; i < t.height; ++i)
            q[(s.row_idx + i * stride) * width + s.stacked_col] = t.data[i * t.width + s.column];
    }
    return q;
}

static inline uint32_t add_canonical(uint32_t a, uint32_t b) {
    uint32_t s = a + b;  // < 2^32 since a, b < p < 2^31
    return s >= GS_P ? s - GS_P : s;
}

std::vector<uint32_t> eval_to_coeff_message(const std::vector<uint32_t>& matrix, uint32_t log_height,
                                            uint32_t width, uint32_t l_skip, Backend& backend) {
    const size_t n = size_t(1) << l_skip;
    const size_t chunks = size_t(1) << (log_height - l_skip);
    // Regroup so the position inside a chunk is the outer index: one batched inverse NTT of
    // size 2^l_skip then transforms every (chunk, column) pair at once.
    const size_t batch = chunks * width;
    std::vector<uint32_t> t(n * batch);
    for (size_t x = 0; x < chunks; ++x)
        for (size_t a = 0; a < n; ++a)
            for (uint32_t c = 0; c < width; ++c) t[a * batch + x * width + c] = matrix[(x * n + a) * width + c];
    backend.ntt(t.data(), NttShape{l_skip, uint32_t(batch)}, /*inverse=*/true, /*shift=*/1);
    // Subset zeta over the chunk bits: coefficient j' contributes to every superset j of j'.
    for (uint32_t b = 0; b < l_skip; ++b)
        for (size_t a = 0; a < n; ++a)
            if ((a >> b) & 1) {
                uint32_t* dst = t.data() + a * batch;
                const uint32_t* src = t.data() + (a ^ (size_t(1) << b)) * batch;
                parallel_for(batch, 4096, [&](size_t begin, size_t end) {
                    for (size_t i = begin; i < end; ++i) dst[i] = add_canonical(dst[i], src[i]);
                });
            }
    std::vector<uint32_t> msg(matrix.size());
    for (size_t x = 0; x < chunks; ++x)
        for (size_t a = 0; a < n; ++a)
            for (uint32_t c = 0; c < width; ++c) msg[(x * n + a) * width + c] = t[a * batch + x * width + c];
    return msg;
}

std::vector<uint32_t> rs_encode(const std::vector<uint32_t>& message, uint32_t log_height, uint32_t width,
                                uint32_t log_blowup, Backend& backend) {
    const uint32_t log_rows = log_height + log_blowup;
    std::vector<uint32_t> codeword((size_t(1) << log_rows) * width, 0);
    std::copy(message.begin(), message.end(), codeword.begin());  // rows beyond 2^m stay zero
    backend.ntt(codeword.data(), NttShape{log_rows, width}, /*inverse=*/false, /*shift=*/1);
    return codeword;
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
    d.matrix = stack_traces(d.layout, traces);
    ScopedSpan rs_span("rs_code_matrix");
    d.message = eval_to_coeff_message(d.matrix, m, d.layout.width, l_skip, backend);
    std::vector<uint32_t> codeword = rs_encode(d.message, m, d.layout.width, log_blowup, backend);
    rs_span.close();
    ScopedSpan merkle_span("merkle_tree");
    d.tree = backend.merkle_tree(codeword.data(), size_t(1) << (m + log_blowup), d.layout.width, k);
    return d;
}

}  // namespace gpustark
