// The stacked commitment and the stacked matrix on the device (core/stacked_matrix.h), written
// once over gpu::Device: the traces go up once; stacking, the message, the codeword and its tree
// are computed on the device. What stays after the commitment is the tree's upper levels and the
// matrix, and not even the matrix while the device holds copies of the traces (hold_traces): it
// is scattered again from them when first read or as they are released (StackedSource). The
// message (one pass over the matrix) and the codeword (the message's NTT, twice the traces) are
// made again where they are read, as OpenVM's prover does by default (GPUSTARK_KEEP_CODEWORD=1
// keeps the codeword). The openings' passes run there too: round 0's slot sums come back (N per
// slot), the tables after u_0 stay for the rounds, and WHIR's batched message comes back (one
// value per row) or is written into a table in place.
#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "../../core/spans.h"
#include "../../core/stacked_matrix.h"
#include "../../kernels/field/two_adic.h"
#include "../../kernels/hash/poseidon2.h"
#include "../../kernels/stacked/stacked_params.h"
#include "gpu_ntt_tables.h"
#include "phases.h"
#include "primitives.h"

namespace gpustark {
namespace gpu {
namespace {

// GPUSTARK_KEEP_CODEWORD: 0 (unset) drops the stacked codeword after hashing and makes it again for
// the openings, as OpenVM's prover does by default; 1 keeps it on the device from the commitment to
// the openings: on an H200 at keccakf 1024, about 7.5 ms less in WHIR for 0.66 GiB more held through
// round 0, where the proof's peak is (docs/benchmarks.md). Read at each commitment.
bool keep_stacked_codeword() {
    const char* v = std::getenv("GPUSTARK_KEEP_CODEWORD");
    if (!v || !*v || std::string(v) == "0") return false;
    if (std::string(v) == "1") return true;
    throw std::invalid_argument(std::string("GPUSTARK_KEEP_CODEWORD: expected 0 or 1 (or unset), found '") + v + "'");
}


void check_weights(size_t found, uint32_t width) {
    if (found != width)
        throw std::invalid_argument("stacked matrix: expected " + std::to_string(width) +
                                    " batching weights, found " + std::to_string(found));
}

// The stacked matrix in device memory and what makes its message and codeword from it.
struct DeviceStacked {
    Buffer matrix;  // height x width words, row-major
    Buffer powers;  // stacked_message_twiddles(l_skip).inv_powers
    Fp inv_n;       // Montgomery form, as the message kernel takes it
    size_t height;
    uint32_t width, l_skip;
};

// Inside an operation: the powers the message kernel reads, uploaded through the operation's
// staging (reserve room for staged_size(powers_bytes(l_skip)) first).
size_t powers_bytes(uint32_t l_skip) { return (size_t(1) << l_skip) * sizeof(Fp); }
DeviceStacked stacked_on_device(Device& device, Buffer matrix, size_t height, uint32_t width, uint32_t l_skip) {
    const StackedMessageTwiddles tw = stacked_message_twiddles(l_skip);
    DeviceStacked d{std::move(matrix), device.allocate(powers_bytes(l_skip)), tw.inv_n, height, width, l_skip};
    device.upload(d.powers, tw.inv_powers.data(), powers_bytes(l_skip));
    return d;
}

// PROTOCOL 6.3 steps 1-2, inside an operation: each chunk's inverse DFT and subset zeta, from
// `matrix` into the first height rows of `message` (the message itself, or a codeword's start).
// The two may be one buffer: each lane reads its chunk of a column before it writes it.
void write_message(Device& device, const DeviceStacked& d, const Buffer& matrix, const Buffer& message) {
    StackedMessageParams p{};
    p.lanes = uint64_t(d.height >> d.l_skip) * d.width;
    p.inv_n = d.inv_n;
    p.width = d.width;
    p.l_skip = d.l_skip;
    const uint64_t bytes = 2 * uint64_t(d.height) * d.width * sizeof(uint32_t);
    if (p.lanes != 0)
        device.dispatch(Kernel::StackedMessage, device.lane_plan(Kernel::StackedMessage, p.lanes), bytes,
                        {matrix, d.powers, message}, p);
}

// Inside an operation, before its staged copies: new memory for the codeword (2^log_rows x width
// words) with the message in its first rows; the NTT's twiddles ready on the device.
Buffer codeword_with_message(Device& device, const DeviceStacked& d, uint32_t log_rows) {
    device.ntt_tables().twiddles(device, log_rows, false);
    const Buffer code = device.allocate((size_t(1) << log_rows) * d.width * sizeof(uint32_t));
    write_message(device, d, d.matrix, code);
    return code;
}

// One trace's part of PROTOCOL 6.2 on the device: its slots in device memory, its launch.
struct DeviceScatter {
    const uint32_t* host;  // the trace, found on the device by held() or uploaded
    size_t bytes;
    Buffer slots;
    StackedScatterParams params;
};

// Inside an operation, before its staged copies: every trace's slots (tables, no staging).
std::vector<DeviceScatter> device_scatters(Device& device, const StackedLayout& layout,
                                           const std::vector<TraceView>& traces) {
    std::vector<DeviceScatter> out;
    for (const TraceScatter& scatter : stacked_scatter_plan(layout)) {
        const TraceView& t = traces.at(scatter.trace);
        const uint64_t lanes = uint64_t(t.height) * scatter.slots.size();
        if (lanes == 0) continue;
        DeviceScatter s{t.data, t.height * t.width * sizeof(uint32_t), {}, {}};
        s.slots = device.upload_table(scatter.slots.data(), scatter.slots.size() * sizeof(scatter.slots[0]));
        s.params.lanes = lanes;
        s.params.trace_width = uint32_t(t.width);
        s.params.slot_count = uint32_t(scatter.slots.size());
        s.params.width = layout.width;
        out.push_back(std::move(s));
    }
    return out;
}

// Enqueues one trace's scatter from `trace` (its device copy) into `matrix`.
void enqueue_scatter(Device& device, const DeviceScatter& s, const Buffer& trace, const Buffer& matrix) {
    device.dispatch(Kernel::StackedScatter, device.lane_plan(Kernel::StackedScatter, s.params.lanes),
                    2 * s.params.lanes * 4, {trace, s.slots, matrix}, s.params);
}

// Inside an operation: the matrix (height x width words, zero off the slots) in `matrix` from the
// traces the device holds.
void scatter_held(Device& device, const std::vector<DeviceScatter>& scatters, const Buffer& matrix, size_t bytes) {
    device.fill_zero(matrix, bytes);  // short columns leave gaps
    for (const DeviceScatter& s : scatters) {
        const Buffer trace = device.held(s.host, s.bytes);
        if (!trace)
            throw std::logic_error("stacked matrix: its traces are no longer held on the device, and it was "
                                   "dropped after the commitment to be scattered again from them");
        enqueue_scatter(device, s, trace, matrix);
    }
}

// The stacked matrix, kept or (when every trace was a held copy) dropped after the commitment
// and scattered again from the held traces on first read, or as they are released, whichever
// comes first: round 0 and the MLE rounds, where the proof's memory peaks, run without it.
class StackedSource {
public:
    // Keeps d.matrix; or, when d.matrix is empty, makes it again from `scatters`.
    StackedSource(Device& device, DeviceStacked d, std::vector<DeviceScatter> scatters)
        : device_(device), d_(std::move(d)), scatters_(std::move(scatters)) {
        if (!d_.matrix) device_.on_traces_released(this, [this] {
                Call call(device_, "stacked_matrix.restack");
                stacked();
                call.commit();
            });
    }
    ~StackedSource() { device_.forget_traces_released(this); }
    StackedSource(const StackedSource&) = delete;
    StackedSource& operator=(const StackedSource&) = delete;

    // Inside an operation, before its staged copies: the matrix, scattered again first if dropped.
    const DeviceStacked& stacked() {
        if (!d_.matrix) {
            const size_t bytes = d_.height * d_.width * sizeof(uint32_t);
            const Buffer matrix = device_.allocate(bytes);
            scatter_held(device_, scatters_, matrix, bytes);
            d_.matrix = matrix;
            scatters_.clear();
            device_.forget_traces_released(this);
        }
        return d_;
    }

private:
    Device& device_;
    DeviceStacked d_;
    std::vector<DeviceScatter> scatters_;  // while the matrix is dropped
};

class DeviceStackedMatrix final : public StackedMatrix {
public:
    // Reads the matrix through `source` (written by work already enqueued on the device, which
    // runs in order, so later operations' kernels see it).
    DeviceStackedMatrix(Device& device, std::shared_ptr<StackedSource> source, const DeviceStacked& d)
        : StackedMatrix(d.height, d.width, d.l_skip), device_(device), source_(std::move(source)) {}
    ~DeviceStackedMatrix() override { device_.drain(); }

    void slot_sums(const std::vector<StackedSlotSums>& slots, const std::vector<std::vector<Ef>>& eq_tables, Ef* s,
                   Ef* t) override {
        check_slots(slots, eq_tables);
        const size_t n = size_t(1) << l_skip(), out_count = slots.size() * n;
        if (out_count == 0) return;
        std::vector<Ef> eq;
        const std::vector<StackedSlotDesc> desc = device_slot_descs(slots, eq_tables, &eq);
        const size_t eq_bytes = eq.size() * sizeof(Ef), desc_bytes = desc.size() * sizeof(StackedSlotDesc);
        const size_t partial_bytes = out_count * kStackedSlotPieces * 2 * sizeof(Ef), out_bytes = out_count * sizeof(Ef);

        Call call(device_, "stacked_matrix.slot_sums");
        const Buffer matrix = source_->stacked().matrix;
        const Buffer d_eq = device_.allocate(eq_bytes), d_desc = device_.allocate(desc_bytes);
        const Buffer partials = device_.allocate(partial_bytes), out = device_.allocate(2 * out_bytes);
        device_.reserve_staging(std::max(staged_size(eq_bytes) + staged_size(desc_bytes), staged_size(2 * out_bytes)));
        device_.upload(d_eq, eq.data(), eq_bytes);
        device_.upload(d_desc, desc.data(), desc_bytes);
        StackedSlotSumsParams p{};
        p.lanes = uint64_t(slots.size()) * kStackedSlotPieces * n;
        p.width = width();
        p.l_skip = l_skip();
        p.pieces = kStackedSlotPieces;
        device_.dispatch(Kernel::StackedSlotSums, device_.lane_plan(Kernel::StackedSlotSums, p.lanes),
                         uint64_t(height()) * width() * 4 + partial_bytes, {matrix, d_desc, d_eq, partials}, p);
        StackedPieceSumsParams q{};
        q.lanes = out_count;
        q.l_skip = l_skip();
        q.pieces = kStackedSlotPieces;
        device_.dispatch(Kernel::StackedPieceSums, device_.lane_plan(Kernel::StackedPieceSums, q.lanes),
                         partial_bytes + 2 * out_bytes, {partials, out, out.at(out_bytes)}, q);
        const Ef* sums = static_cast<const Ef*>(device_.download(out, 2 * out_bytes));
        call.finish("stacked slot sums");
        std::memcpy(s, sums, out_bytes);
        std::memcpy(t, sums + out_count, out_bytes);
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
        const size_t coeff_bytes = coeffs.size() * sizeof(StackedKernelCoeffs), table_bytes = 2 * w * chunks * sizeof(Ef);
        static_assert(sizeof(StackedKernelCoeffs) == 2 * sizeof(Ef), "coefficients go up as (eq, wrap) Ef pairs");
        Buffer tables;
        {
            Call call(device_, "stacked_matrix.column_tables");
            const Buffer matrix = source_->stacked().matrix;
            const Buffer d_lagrange = device_.allocate(lagrange_bytes), d_eq = device_.allocate(eq_bytes);
            const Buffer d_desc = device_.allocate(desc_bytes), d_first = device_.allocate(first_bytes);
            const Buffer d_coeffs = device_.allocate(coeff_bytes);
            tables = device_.allocate(table_bytes);
            device_.reserve_staging(staged_size(lagrange_bytes) + staged_size(eq_bytes) + staged_size(desc_bytes) +
                                    staged_size(first_bytes) + staged_size(coeff_bytes));
            device_.upload(d_lagrange, lagrange.data(), lagrange_bytes);
            device_.upload(d_eq, eq.data(), eq_bytes);
            device_.upload(d_desc, desc.data(), desc_bytes);
            device_.upload(d_first, first_lane.data(), first_bytes);
            device_.upload(d_coeffs, coeffs.data(), coeff_bytes);
            // The kernels are zero off the slots: clear every table, then write both kinds.
            device_.fill_zero(tables, table_bytes);
            StackedFoldColumnsParams p{};
            p.lanes = uint64_t(chunks) * w;
            p.chunks = chunks;
            p.width = width();
            p.l_skip = l_skip();
            if (p.lanes != 0)
                device_.dispatch(Kernel::StackedFoldColumns, device_.lane_plan(Kernel::StackedFoldColumns, p.lanes),
                                 uint64_t(height()) * w * 4 + table_bytes / 2, {matrix, d_lagrange, tables}, p);
            StackedKernelTableParams q{};
            q.lanes = lanes;
            q.chunks = chunks;
            q.slot_count = uint32_t(slots.size());
            if (lanes != 0)
                device_.dispatch(Kernel::StackedKernelTable, device_.lane_plan(Kernel::StackedKernelTable, lanes),
                                 lanes * 3 * sizeof(Ef), {d_desc, d_first, d_eq, d_coeffs, tables}, q);
            // No wait here: the tables' first round is ordered after these kernels and waits (a
            // device that staged the uploads waits for them as the operation ends).
            call.commit();
        }
        return adopt_tables(device_, std::move(tables), 2 * w, chunks);
    }

    void batched_message(const std::vector<Ef>& weights, Ef* f) override {
        check_weights(weights.size(), width());
        const size_t weight_bytes = weights.size() * sizeof(Ef), f_bytes = height() * sizeof(Ef);
        Call call(device_, "stacked_matrix.batched_message");
        const Buffer msg = message();
        const Buffer d_weights = device_.allocate(weight_bytes), d_f = device_.allocate(f_bytes);
        device_.reserve_staging(std::max(staged_size(weight_bytes), staged_size(f_bytes)));
        device_.upload(d_weights, weights.data(), weight_bytes);
        device_.dispatch(Kernel::StackedBatchMessage, device_.lane_plan(Kernel::StackedBatchMessage, height()),
                         uint64_t(height()) * width() * 4 + f_bytes, {msg, d_weights, d_f},
                         batch_params(false));
        const void* values = device_.download(d_f, f_bytes);
        call.finish("batched message");
        std::memcpy(f, values, f_bytes);
    }

    // Straight into the table's device memory: nothing crosses to the host.
    bool batched_message_into(const std::vector<Ef>& weights, EfTables& tables, size_t c, bool accumulate) override {
        const Buffer table = table_buffer(device_, tables, c);
        if (!table || tables.length() != height()) return false;
        check_weights(weights.size(), width());
        const size_t weight_bytes = weights.size() * sizeof(Ef);
        Call call(device_, "stacked_matrix.batched_message_into");
        const Buffer msg = message();
        const Buffer d_weights = device_.allocate(weight_bytes);
        device_.reserve_staging(staged_size(weight_bytes));
        device_.upload(d_weights, weights.data(), weight_bytes);
        device_.dispatch(Kernel::StackedBatchMessage, device_.lane_plan(Kernel::StackedBatchMessage, height()),
                         uint64_t(height()) * width() * 4 + height() * sizeof(Ef) * (accumulate ? 2 : 1),
                         {msg, d_weights, table}, batch_params(accumulate));
        call.finish("batched message");
        return true;
    }

    std::vector<uint32_t> matrix_words() override {
        Call call(device_, "stacked_matrix.matrix");
        return read(source_->stacked().matrix, "stacked_matrix.matrix");
    }
    std::vector<uint32_t> message_words() override {
        Call call(device_, "stacked_matrix.message");
        return read(message(), "stacked_matrix.message");
    }

private:
    // Inside an operation, before its staged copies: the message in new memory (it lives while
    // the operation's kernels use it).
    Buffer message() const {
        const DeviceStacked& d = source_->stacked();
        const Buffer out = device_.allocate(height() * width() * sizeof(uint32_t));
        write_message(device_, d, d.matrix, out);
        return out;
    }

    StackedBatchMessageParams batch_params(bool accumulate) const {
        StackedBatchMessageParams p{};
        p.lanes = height();
        p.width = width();
        p.accumulate = accumulate ? 1 : 0;
        return p;
    }

    std::vector<uint32_t> read(const Buffer& words, const char* what) {
        std::vector<uint32_t> out(height() * width());
        if (out.empty()) return out;
        const size_t bytes = out.size() * sizeof(uint32_t);
        device_.reserve_staging(staged_size(bytes));
        const void* values = device_.download(words, bytes);
        device_.finish(what);  // whatever still writes it (the commitment's kernels) is done
        std::memcpy(out.data(), values, bytes);
        return out;
    }

    Device& device_;
    std::shared_ptr<StackedSource> source_;
};

// PROTOCOL 6.2 for traces the device does not hold: each trace up, one at a time, and scattered
// into its slots of `matrix` (already zero).
void scatter_uploaded(Device& device, const std::vector<DeviceScatter>& scatters, const Buffer& matrix) {
    for (const DeviceScatter& s : scatters) {
        Call call(device, "stacked_commit.stack");
        Buffer trace = device.held(s.host, s.bytes);
        const bool copied = !trace;
        if (copied) {
            trace = device.allocate(s.bytes);
            device.reserve_staging(staged_size(s.bytes));
            device.upload(trace, s.host, s.bytes);
        }
        enqueue_scatter(device, s, trace, matrix);
        call.finish("trace scattered");  // a copied trace goes when this scope ends
    }
}

}  // namespace

StackedCommit commit_stacked(Device& device, const StackedLayout& layout, const std::vector<TraceView>& traces,
                             uint32_t log_blowup, uint32_t k) {
    const uint32_t m = layout.log_height, l_skip = layout.l_skip, width = layout.width;
    if (!chunk_in_registers(l_skip))
        throw std::invalid_argument("commit_stacked: chunks longer than GS_STACKED_MAX_CHUNK take the host's path");
    if (m + log_blowup > GS_TWO_ADICITY)
        throw std::invalid_argument("commit_stacked: the codeword exceeds 2^" + std::to_string(GS_TWO_ADICITY) +
                                    " rows");
    const size_t height = size_t(1) << m, bytes = height * width * sizeof(uint32_t);
    const uint32_t log_rows = m + log_blowup;
    // With every trace a held copy, the matrix is scattered into the codeword's first rows and
    // becomes the message there; it is made again from the held traces (StackedSource).
    std::vector<DeviceScatter> scatters;
    DeviceStacked d;
    Buffer code;
    bool held = true;
    {
        Call call(device, "stacked_commit.stack");
        scatters = device_scatters(device, layout, traces);
        for (const DeviceScatter& s : scatters) held = held && device.holds_copy(s.host, s.bytes);
        device.reserve_staging(staged_size(powers_bytes(l_skip)));
        d = stacked_on_device(device, Buffer{}, height, width, l_skip);
        if (held) {
            ScopedSpan rs_span("rs_code_matrix");
            device.ntt_tables().twiddles(device, log_rows, false);
            code = device.allocate((size_t(1) << log_rows) * width * sizeof(uint32_t));
            scatter_held(device, scatters, code, bytes);
            write_message(device, d, code, code);
        } else {
            d.matrix = device.allocate(bytes);
            device.fill_zero(d.matrix, bytes);  // short columns leave gaps
        }
        call.commit();
    }
    if (!held) {
        scatter_uploaded(device, scatters, d.matrix);
        scatters.clear();
        ScopedSpan rs_span("rs_code_matrix");
        Call call(device, "stacked_commit.message");
        code = codeword_with_message(device, d, log_rows);
        call.commit();
    }
    auto source = std::make_shared<StackedSource>(device, d, std::move(scatters));

    // PROTOCOL 6.3 and 6.4: the codeword from the message, on the device, and its tree. The tree
    // lets the codeword go once hashed (twice the traces' memory) and an opening makes it again,
    // as OpenVM's prover does by default; GPUSTARK_KEEP_CODEWORD=1 keeps it instead.
    StackedCommit out;
    {
        ScopedSpan merkle_span("merkle_tree");
        Call call(device, "encode_and_commit");
        device.reserve_staging(staged_size(GS_DIGEST_WIDTH * sizeof(uint32_t)));
        Device* dev = &device;
        MatrixSource remake;
        if (!keep_stacked_codeword())
            remake = [dev, source, log_rows, height](bool beside) {
                const DeviceStacked& again_from = source->stacked();  // on the queue: others read it
                std::optional<Device::Beside> scope;
                if (beside) scope.emplace(*dev);
                const Buffer again = codeword_with_message(*dev, again_from, log_rows);
                encode_in_place(*dev, again, height, again_from.width, log_rows);
                return again;
            };
        out.tree = commit_codeword(device, std::move(code), height, width, log_rows, k, "commit_stacked", std::move(remake));
    }
    out.stacked = std::make_unique<DeviceStackedMatrix>(device, std::move(source), d);
    return out;
}

std::unique_ptr<StackedMatrix> stacked_matrix(Device& device, const HostVector<uint32_t>& matrix,
                                              const HostVector<uint32_t>& message, size_t height, uint32_t width,
                                              uint32_t l_skip) {
    // The message is made from the matrix on the device when read, as for a commitment made there.
    check_stacked_shape(matrix.size(), message.size(), height, width, l_skip);
    if (!chunk_in_registers(l_skip))
        throw std::invalid_argument("stacked_matrix: chunks longer than GS_STACKED_MAX_CHUNK take the host's path");
    const size_t bytes = matrix.size() * sizeof(uint32_t);
    DeviceStacked d;
    {
        Call call(device, "stacked_matrix");
        Buffer d_matrix = device.allocate(bytes);
        device.reserve_staging(staged_size(bytes) + staged_size(powers_bytes(l_skip)));
        device.upload(d_matrix, matrix.data(), bytes);
        d = stacked_on_device(device, std::move(d_matrix), height, width, l_skip);
        call.commit();  // a device that staged the copies waits for them as the operation ends
    }
    auto source = std::make_shared<StackedSource>(device, d, std::vector<DeviceScatter>{});
    return std::make_unique<DeviceStackedMatrix>(device, std::move(source), d);
}

}  // namespace gpu
}  // namespace gpustark
