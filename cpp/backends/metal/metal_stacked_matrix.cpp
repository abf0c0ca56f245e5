// MetalBackend::commit_stacked and stacked_matrix (core/stacked_matrix.h) over metal/stacked.metal,
// in the structure of the CUDA backend's (cuda_stacked_matrix.cpp): each trace is bound once (in
// place when it already lies in a Metal buffer) and scattered into the stacked matrix; the message,
// the codeword and its tree are computed on the GPU and kept in shared buffers, the tree in its
// MetalMerkleStore. The openings' passes run there too: round 0's slot sums come back (N per slot),
// the tables after u_0 stay for the rounds, and WHIR's batched message comes back (one value per
// row). Shared storage needs no staging: the host reads the kernels' output buffers directly once
// the call has waited. Kernel arguments follow metal/stacked.metal's [[buffer(i)]] order.
#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "../../core/spans.h"
#include "../../kernels/stacked/stacked_params.h"
#include "metal_backend.h"
#include "metal_ef_tables.h"

namespace gpustark {

using metal::Arg;

namespace {

class MetalStackedMatrix final : public StackedMatrix {
public:
    // Adopts the matrix and message buffers, filled by work already encoded on the backend (every
    // queue's command buffers run in order, so later calls' kernels see them).
    MetalStackedMatrix(MetalBackend& backend, metal::BufferPtr matrix, metal::BufferPtr message, size_t height,
                       uint32_t width, uint32_t l_skip)
        : StackedMatrix(height, width, l_skip), backend_(backend), matrix_(std::move(matrix)),
          message_(std::move(message)) {}

    void slot_sums(const std::vector<StackedSlotSums>& slots, const std::vector<std::vector<Ef>>& eq_tables, Ef* s,
                   Ef* t) override {
        check_slots(slots, eq_tables);
        const size_t n = size_t(1) << l_skip(), out_count = slots.size() * n;
        if (out_count == 0) return;
        std::vector<Ef> eq;
        const std::vector<StackedSlotDesc> desc = device_slot_descs(slots, eq_tables, &eq);
        const size_t eq_bytes = eq.size() * sizeof(Ef), desc_bytes = desc.size() * sizeof(StackedSlotDesc);
        const size_t partial_bytes = out_count * kStackedSlotPieces * 2 * sizeof(Ef), out_bytes = out_count * sizeof(Ef);

        MetalBackend::Call call(backend_, "stacked_matrix.slot_sums");
        const metal::BufferPtr d_eq = backend_.allocate(eq_bytes), d_desc = backend_.allocate(desc_bytes);
        const metal::BufferPtr partials = backend_.allocate(partial_bytes), out = backend_.allocate(2 * out_bytes);
        backend_.copy_in(d_eq->contents(), eq.data(), eq_bytes);
        backend_.copy_in(d_desc->contents(), desc.data(), desc_bytes);
        StackedSlotSumsParams p{};
        p.lanes = uint64_t(slots.size()) * kStackedSlotPieces * n;
        p.width = width();
        p.l_skip = l_skip();
        p.pieces = kStackedSlotPieces;
        // stacked_slot_sums(matrix, slots, eq, partials, params)
        backend_.dispatch(gpu::Kernel::StackedSlotSums,
                          {Arg::of(matrix_), Arg::of(d_desc), Arg::of(d_eq), Arg::of(partials), Arg::value(p)},
                          backend_.stride_plan(gpu::Kernel::StackedSlotSums, p.lanes),
                          uint64_t(height()) * width() * 4 + partial_bytes);
        StackedPieceSumsParams q{};
        q.lanes = out_count;
        q.l_skip = l_skip();
        q.pieces = kStackedSlotPieces;
        // stacked_piece_sums(partials, s, t, params)
        backend_.dispatch(gpu::Kernel::StackedPieceSums,
                          {Arg::of(partials), Arg::of(out, 0), Arg::of(out, out_bytes), Arg::value(q)},
                          backend_.stride_plan(gpu::Kernel::StackedPieceSums, q.lanes), partial_bytes + 2 * out_bytes);
        backend_.finish("stacked slot sums");
        backend_.copy_back(s, out->contents(), out_bytes);
        backend_.copy_back(t, out->as<uint8_t>() + out_bytes, out_bytes);
    }

    std::unique_ptr<EfTables> column_tables(const std::vector<Ef>& lagrange, const std::vector<StackedSlotSums>& slots,
                                            const std::vector<std::vector<Ef>>& eq_tables,
                                            const std::vector<StackedKernelCoeffs>& coeffs) override {
        check_column_tables(lagrange, slots, eq_tables, coeffs);
        const size_t chunks = height() >> l_skip(), w = width();
        std::vector<Ef> eq;
        const std::vector<StackedSlotDesc> desc = device_slot_descs(slots, eq_tables, &eq);
        std::vector<uint64_t> first_lane;
        const uint64_t lanes = stacked_kernel_table_lanes(slots, &first_lane);
        const size_t lagrange_bytes = lagrange.size() * sizeof(Ef), eq_bytes = eq.size() * sizeof(Ef);
        const size_t desc_bytes = desc.size() * sizeof(StackedSlotDesc), first_bytes = first_lane.size() * 8;
        const size_t coeff_bytes = coeffs.size() * sizeof(StackedKernelCoeffs);
        const size_t table_bytes = 2 * w * chunks * sizeof(Ef);
        static_assert(sizeof(StackedKernelCoeffs) == 2 * sizeof(Ef), "coefficients go in as (eq, wrap) Ef pairs");
        metal::BufferPtr tables;
        {
            MetalBackend::Call call(backend_, "stacked_matrix.column_tables");
            const metal::BufferPtr d_lagrange = backend_.allocate(lagrange_bytes), d_eq = backend_.allocate(eq_bytes);
            const metal::BufferPtr d_desc = backend_.allocate(desc_bytes), d_first = backend_.allocate(first_bytes);
            const metal::BufferPtr d_coeffs = backend_.allocate(coeff_bytes);
            tables = backend_.allocate(table_bytes);
            backend_.copy_in(d_lagrange->contents(), lagrange.data(), lagrange_bytes);
            backend_.copy_in(d_eq->contents(), eq.data(), eq_bytes);
            backend_.copy_in(d_desc->contents(), desc.data(), desc_bytes);
            backend_.copy_in(d_first->contents(), first_lane.data(), first_bytes);
            backend_.copy_in(d_coeffs->contents(), coeffs.data(), coeff_bytes);
            // The kernels are zero off the slots: clear every table (a new buffer no kernel uses
            // yet), then write both kinds.
            std::memset(tables->contents(), 0, table_bytes);
            StackedFoldColumnsParams p{};
            p.lanes = uint64_t(chunks) * w;
            p.chunks = chunks;
            p.width = width();
            p.l_skip = l_skip();
            // stacked_fold_columns(matrix, lagrange, tables, params)
            if (p.lanes != 0)
                backend_.dispatch(gpu::Kernel::StackedFoldColumns,
                                  {Arg::of(matrix_), Arg::of(d_lagrange), Arg::of(tables), Arg::value(p)},
                                  backend_.stride_plan(gpu::Kernel::StackedFoldColumns, p.lanes),
                                  uint64_t(height()) * w * 4 + table_bytes / 2);
            StackedKernelTableParams q{};
            q.lanes = lanes;
            q.chunks = chunks;
            q.slot_count = uint32_t(slots.size());
            // stacked_kernel_table(slots, first_lane, eq, coeffs, tables, params)
            if (lanes != 0)
                backend_.dispatch(gpu::Kernel::StackedKernelTable,
                                  {Arg::of(d_desc), Arg::of(d_first), Arg::of(d_eq), Arg::of(d_coeffs), Arg::of(tables),
                                   Arg::value(q)},
                                  backend_.stride_plan(gpu::Kernel::StackedKernelTable, lanes), lanes * 3 * sizeof(Ef));
            backend_.commit();  // the tables' first round is ordered after it, and waits
        }
        return adopt_metal_ef_tables(backend_, std::move(tables), 2 * w, chunks);
    }

    void batched_message(const std::vector<Ef>& weights, Ef* f) override {
        if (weights.size() != width())
            throw std::invalid_argument("stacked matrix: expected " + std::to_string(width()) +
                                        " batching weights, found " + std::to_string(weights.size()));
        const size_t weight_bytes = weights.size() * sizeof(Ef), f_bytes = height() * sizeof(Ef);
        MetalBackend::Call call(backend_, "stacked_matrix.batched_message");
        const metal::BufferPtr d_weights = backend_.allocate(weight_bytes), d_f = backend_.allocate(f_bytes);
        backend_.copy_in(d_weights->contents(), weights.data(), weight_bytes);
        StackedBatchMessageParams p{};
        p.lanes = height();
        p.width = width();
        // stacked_batch_message(message, weights, f, params)
        backend_.dispatch(gpu::Kernel::StackedBatchMessage,
                          {Arg::of(message_), Arg::of(d_weights), Arg::of(d_f), Arg::value(p)},
                          backend_.stride_plan(gpu::Kernel::StackedBatchMessage, p.lanes),
                          uint64_t(height()) * width() * 4 + f_bytes);
        backend_.finish("batched message");
        backend_.copy_back(f, d_f->contents(), f_bytes);
    }

    std::vector<uint32_t> matrix_words() override { return read(matrix_, "stacked_matrix.matrix"); }
    std::vector<uint32_t> message_words() override { return read(message_, "stacked_matrix.message"); }

private:
    std::vector<uint32_t> read(const metal::BufferPtr& words, const char* what) {
        std::vector<uint32_t> out(height() * width());
        MetalBackend::Call call(backend_, what);
        backend_.finish(what);  // whatever still writes it (the commitment's kernels) is done
        backend_.copy_back(out.data(), words->contents(), out.size() * sizeof(uint32_t));
        return out;
    }

    MetalBackend& backend_;
    metal::BufferPtr matrix_, message_;
};

}  // namespace

std::unique_ptr<StackedMatrix> MetalBackend::stacked_matrix(std::vector<uint32_t> matrix, std::vector<uint32_t> message,
                                                            size_t height, uint32_t width, uint32_t l_skip) {
    check_stacked_shape(matrix.size(), message.size(), height, width, l_skip);
    const size_t bytes = matrix.size() * sizeof(uint32_t);
    metal::BufferPtr d_matrix, d_message;
    {
        Call call(*this, "stacked_matrix");
        d_matrix = allocate(bytes);
        d_message = allocate(bytes);
        copy_in(d_matrix->contents(), matrix.data(), bytes);
        copy_in(d_message->contents(), message.data(), bytes);
    }
    return std::make_unique<MetalStackedMatrix>(*this, std::move(d_matrix), std::move(d_message), height, width,
                                                l_skip);
}

StackedCommit MetalBackend::commit_stacked(const StackedLayout& layout, const std::vector<TraceView>& traces,
                                           uint32_t log_blowup, uint32_t k) {
    const uint32_t m = layout.log_height, l_skip = layout.l_skip, width = layout.width;
    // The message kernel keeps a chunk in registers; longer chunks take the host's path.
    if ((size_t(1) << l_skip) > GS_STACKED_MAX_CHUNK) return host_commit_stacked(*this, layout, traces, log_blowup, k);
    const uint32_t log_rows = m + log_blowup;
    if (log_rows > kMaxLogN)
        throw std::invalid_argument("metal commit_stacked: the codeword exceeds 2^" + std::to_string(kMaxLogN) +
                                    " rows");
    const size_t height = size_t(1) << m, rows = size_t(1) << log_rows, chunks = height >> l_skip;
    check_device_tree_shape(rows, k, "metal commit_stacked");
    const uint64_t code_words = uint64_t(rows) * width;
    if (code_words > 0xffffffffull)
        throw std::invalid_argument("metal commit_stacked: rows * width = " + std::to_string(code_words) +
                                    " exceeds the 32-bit counts the Metal kernels take");
    const size_t bytes = height * width * sizeof(uint32_t);
    const std::vector<size_t> offsets = merkle_level_offsets(rows, log_rows);

    metal::BufferPtr matrix, message;
    {  // PROTOCOL 6.2: each trace bound once and scattered into its slots (in column order per trace)
        Call call(*this, "stacked_commit.stack");
        matrix = allocate(bytes);
        message = allocate(bytes);
        std::memset(matrix->contents(), 0, bytes);  // short columns leave gaps; no kernel uses it yet
        for (const TraceScatter& scatter : stacked_scatter_plan(layout)) {
            const TraceView& t = traces.at(scatter.trace);
            const std::vector<StackedScatterSlot>& slots = scatter.slots;
            const uint64_t lanes = uint64_t(t.height) * slots.size();
            if (lanes == 0) continue;
            const size_t trace_bytes = t.height * t.width * sizeof(uint32_t);
            const size_t slot_bytes = slots.size() * sizeof(StackedScatterSlot);
            // The trace in place when it lies in a Metal buffer, else its copy in slot A; the
            // slots are refilled for the next trace only after this one's scatter has run.
            const Bound d_trace = bind_input(t.data, trace_bytes, kSlotA);
            const metal::BufferPtr d_slots = slot(kSlotB, slot_bytes);
            copy_in(d_slots->contents(), slots.data(), slot_bytes);
            StackedScatterParams p{};
            p.lanes = lanes;
            p.trace_width = uint32_t(t.width);
            p.slot_count = uint32_t(slots.size());
            p.width = width;
            // stacked_scatter(trace, slots, matrix, params)
            dispatch(gpu::Kernel::StackedScatter, {d_trace.arg(), Arg::of(d_slots), Arg::of(matrix), Arg::value(p)},
                     stride_plan(gpu::Kernel::StackedScatter, lanes), 2 * lanes * 4);
            finish("trace scattered");
        }
    }

    StackedCommit out;
    {  // PROTOCOL 6.3 steps 1-2: each chunk's inverse DFT and subset zeta
        ScopedSpan rs_span("rs_code_matrix");
        const size_t n = size_t(1) << l_skip;
        const StackedMessageTwiddles tw = stacked_message_twiddles(l_skip);
        const std::vector<Fp>& inv_powers = tw.inv_powers;
        Call call(*this, "stacked_commit.message");
        const metal::BufferPtr powers = slot(kSlotA, n * sizeof(Fp));
        copy_in(powers->contents(), inv_powers.data(), n * sizeof(Fp));
        StackedMessageParams p{};
        p.lanes = uint64_t(chunks) * width;
        p.inv_n = tw.inv_n;  // Montgomery form, as the kernel takes it
        p.width = width;
        p.l_skip = l_skip;
        // stacked_message(matrix, inv_powers, message, params)
        if (p.lanes != 0)
            dispatch(gpu::Kernel::StackedMessage, {Arg::of(matrix), Arg::of(powers), Arg::of(message), Arg::value(p)},
                     stride_plan(gpu::Kernel::StackedMessage, p.lanes), 2 * uint64_t(bytes));
        finish("message");  // the host copies it into the codeword next
    }
    {  // PROTOCOL 6.3 step 3 and 6.4: the codeword from the message, on the device, and its tree
        ScopedSpan merkle_span("merkle_tree");
        Call call(*this, "encode_and_commit");
        const metal::BufferPtr tw = twiddles(log_rows, false);
        const Bound code{allocate(size_t(code_words) * sizeof(uint32_t)), 0, false};
        copy_in(code.data(), message->contents(), bytes);
        // Rows beyond the message are zero: the codeword of a degree < height polynomial.
        std::memset(code.data() + bytes, 0, size_t(code_words) * sizeof(uint32_t) - bytes);
        ntt_on_device(code, {log_rows, width}, false, tw, nullptr);
        const metal::BufferPtr levels = allocate(offsets.back() * sizeof(uint32_t));
        merkle_on_device(code, rows, width, k, levels, offsets);
        out.tree = keep_tree(code.buffer, levels, rows, width, k, offsets);
    }
    out.stacked = std::make_unique<MetalStackedMatrix>(*this, std::move(matrix), std::move(message), height, width,
                                                       l_skip);
    return out;
}

}  // namespace gpustark
