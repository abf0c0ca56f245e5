// The host's stacked commitment (core/stacked_matrix.h): stacking, the eval-to-coeff message and
// the codeword's tree, as the CPU backend (and any backend without its own) computes them.
#include <algorithm>
#include <memory>
#include <vector>

#include "backend.h"
#include "host_memory.h"
#include "parallel.h"
#include "spans.h"
#include "stacked_matrix.h"

namespace gpustark {
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
    HostVector<uint32_t> t = uninitialized_vector<uint32_t>(n * batch);
    regroup_by_chunk_position(matrix, chunks, n, width, t.data());
    backend.ntt(t.data(), NttShape{l_skip, uint32_t(batch)}, /*inverse=*/true, /*shift=*/1);
    zeta_and_ungroup(t.data(), chunks, l_skip, width, outs);
}


// PROTOCOL 6.2: the stacked matrix (2^m x layout.width) of traces that match `layout`.
HostVector<uint32_t> stack_traces(const StackedLayout& layout, const std::vector<TraceView>& traces) {
    const size_t height = size_t(1) << layout.log_height;
    HostVector<uint32_t> q = zeroed_vector<uint32_t>(height * layout.width);
    // Slots are listed matrix by matrix: each trace takes one contiguous run.
    for (size_t first = 0, last; first < layout.slots.size(); first = last) {
        const uint32_t mi = layout.slots[first].matrix;
        for (last = first; last < layout.slots.size() && layout.slots[last].matrix == mi; ++last) {}
        stack_one_trace(layout, traces[mi], layout.slots.data() + first, last - first, q.data());
    }
    return q;
}

}  // namespace

StackedCommit host_commit_stacked(Backend& backend, const StackedLayout& layout, const std::vector<TraceView>& traces,
                                  uint32_t log_blowup, uint32_t k) {
    const uint32_t m = layout.log_height;
    HostVector<uint32_t> matrix = stack_traces(layout, traces);
    ScopedSpan rs_span("rs_code_matrix");
    // The message (6.3 steps 1-2); the backend encodes and commits it in one call (step 3 zero-pads
    // it to 2^(m + log_blowup) rows), so a device hashes the codeword where it computed it. The
    // RS NTT therefore runs inside the merkle_tree span.
    HostVector<uint32_t> message = uninitialized_vector<uint32_t>(matrix.size());  // every word written
    eval_to_coeff_into(matrix.data(), m, layout.width, layout.l_skip, backend, {message.data()});
    rs_span.close();
    StackedCommit out;
    {
        ScopedSpan merkle_span("merkle_tree");
        out.tree = backend.encode_and_commit(message.data(), size_t(1) << m, layout.width, m + log_blowup, k);
    }
    out.stacked = backend.stacked_matrix(std::move(matrix), std::move(message), size_t(1) << m, layout.width,
                                         layout.l_skip);
    return out;
}

}  // namespace gpustark
