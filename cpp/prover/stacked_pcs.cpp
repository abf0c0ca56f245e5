#include "stacked_pcs.h"

#include <algorithm>
#include <memory>
#include <stdexcept>
#include <string>

#include "../core/parallel.h"
#include "../core/spans.h"
#include "../kernels/field/babybear.h"
#include "../kernels/field/two_adic.h"
#include "host_memory.h"

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

namespace {

// Copies the columns of trace `t` into their slots. Work goes by blocks of source rows: a block
// (every column of a few rows) and the stacked rows it lands in stay in cache while each slot
// takes its piece, instead of walking the trace one strided column at a time.
void stack_one_trace(const StackedLayout& layout, const TraceView& t, const StackedSlot* slots, size_t count,
                     uint32_t* q) {
    const uint32_t width = layout.width;
    const size_t rows_per_block = std::max<size_t>(16, (size_t(1) << 15) / std::max<uint32_t>(t.width, 1));
    const size_t blocks = (t.height + rows_per_block - 1) / rows_per_block;
    parallel_for(blocks, 1, [&](size_t b0, size_t b1) {
        for (size_t b = b0; b < b1; ++b) {
            const size_t i0 = b * rows_per_block, i1 = std::min(t.height, i0 + rows_per_block);
            for (size_t si = 0; si < count; ++si) {
                const StackedSlot& s = slots[si];
                // Short columns are spread with stride 2^(l_skip - log_h) over a 2^l_skip slice (5.2).
                const size_t step = (s.log_h < layout.l_skip ? size_t(1) << (layout.l_skip - s.log_h) : 1) * width;
                const uint32_t* src = t.data + s.column;
                uint32_t* dst = q + s.row_idx * width + s.stacked_col;
                for (size_t i = i0; i < i1; ++i) dst[i * step] = src[i * t.width];
            }
        }
    });
}

inline uint32_t add_canonical(uint32_t a, uint32_t b) {
    uint32_t s = a + b;  // < 2^32 since a, b < p < 2^31
    return s >= GS_P ? s - GS_P : s;
}

// t[a][x][c] = matrix[x 2^l_skip + a][c]: the position inside a chunk becomes the outer index, so
// one batched NTT of size 2^l_skip transforms every (chunk, column) pair at once.
void regroup_by_chunk_position(const uint32_t* matrix, size_t chunks, size_t n, uint32_t width, uint32_t* t) {
    const size_t batch = chunks * width;
    parallel_for(chunks, 64, [&](size_t x0, size_t x1) {
        for (size_t x = x0; x < x1; ++x)
            for (size_t a = 0; a < n; ++a) std::copy_n(matrix + (x * n + a) * width, width, t + a * batch + x * width);
    });
}

// The inverse of regroup_by_chunk_position fused with the subset-zeta transform over the chunk
// bits (coefficient j' adds into every superset j of j'): each chunk is gathered into a small
// row-major block, transformed there and written to every buffer in `outs` (all 2^m x width).
void zeta_and_ungroup(const uint32_t* t, size_t chunks, uint32_t l_skip, uint32_t width,
                      const std::vector<uint32_t*>& outs) {
    const size_t n = size_t(1) << l_skip, batch = chunks * width, block_len = n * width;
    parallel_for(chunks, 64, [&](size_t x0, size_t x1) {
        std::vector<uint32_t> block(block_len);
        for (size_t x = x0; x < x1; ++x) {
            for (size_t a = 0; a < n; ++a) std::copy_n(t + a * batch + x * width, width, block.data() + a * width);
            for (uint32_t b = 0; b < l_skip; ++b)
                for (size_t a = 0; a < n; ++a)
                    if ((a >> b) & 1) {
                        uint32_t* dst = block.data() + a * width;
                        const uint32_t* src = block.data() + (a ^ (size_t(1) << b)) * width;
                        for (uint32_t c = 0; c < width; ++c) dst[c] = add_canonical(dst[c], src[c]);
                    }
            for (uint32_t* out : outs) std::copy_n(block.data(), block_len, out + x * block_len);
        }
    });
}

// PROTOCOL 6.3 steps 1-2 into every buffer of `outs`.
void eval_to_coeff_into(const uint32_t* matrix, uint32_t log_height, uint32_t width, uint32_t l_skip, Backend& backend,
                        const std::vector<uint32_t*>& outs) {
    const size_t n = size_t(1) << l_skip, chunks = size_t(1) << (log_height - l_skip);
    const size_t batch = chunks * width;
    std::unique_ptr<uint32_t[]> t = uninitialized_buffer<uint32_t>(n * batch);
    regroup_by_chunk_position(matrix, chunks, n, width, t.get());
    backend.ntt(t.get(), NttShape{l_skip, uint32_t(batch)}, /*inverse=*/true, /*shift=*/1);
    zeta_and_ungroup(t.get(), chunks, l_skip, width, outs);
}

}  // namespace

std::vector<uint32_t> stack_traces(const StackedLayout& layout, const std::vector<TraceView>& traces) {
    const size_t height = size_t(1) << layout.log_height;
    std::vector<uint32_t> q = zeroed_vector<uint32_t>(height * layout.width);
    // Slots are listed matrix by matrix: each trace takes one contiguous run.
    for (size_t first = 0, last; first < layout.slots.size(); first = last) {
        const uint32_t mi = layout.slots[first].matrix;
        for (last = first; last < layout.slots.size() && layout.slots[last].matrix == mi; ++last) {}
        stack_one_trace(layout, traces[mi], layout.slots.data() + first, last - first, q.data());
    }
    return q;
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
    // The message (6.3 steps 1-2); the backend encodes and commits it in one call (step 3 zero-pads
    // it to 2^(m + log_blowup) rows), so a device hashes the codeword where it computed it. The
    // RS NTT therefore runs inside the merkle_tree span.
    d.message = zeroed_vector<uint32_t>(d.matrix.size());
    eval_to_coeff_into(d.matrix.data(), m, d.layout.width, l_skip, backend, {d.message.data()});
    rs_span.close();
    ScopedSpan merkle_span("merkle_tree");
    d.tree = backend.encode_and_commit(d.message.data(), size_t(1) << m, d.layout.width, m + log_blowup, k);
    return d;
}

}  // namespace gpustark
