// CudaBackend::commit_stacked and stacked_matrix (core/stacked_matrix.h): the traces go up once;
// stacking, the message, the codeword and its tree are computed on the device and stay there.
// The openings' passes run there too: round 0's slot sums come back (N per slot), the tables
// after u_0 stay for the rounds, and WHIR's batched message comes back (one value per row).
#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "../../core/spans.h"
#include "../../kernels/field/two_adic.h"
#include "cuda_backend.h"
#include "cuda_ef_tables.h"
#include "device_buffer.h"
#include "launch.h"

namespace gpustark {
namespace {

class CudaStackedMatrix final : public StackedMatrix {
public:
    // Adopts the matrix and message, filled by work already enqueued on the backend's stream.
    CudaStackedMatrix(CudaBackend& backend, cuda::DeviceBuffer matrix, cuda::DeviceBuffer message, size_t height,
                      uint32_t width, uint32_t l_skip)
        : StackedMatrix(height, width, l_skip), backend_(backend), matrix_(std::move(matrix)),
          message_(std::move(message)) {}
    ~CudaStackedMatrix() override { backend_.drain(); }

    void slot_sums(const std::vector<StackedSlotSums>& slots, const std::vector<std::vector<Ef>>& eq_tables, Ef* s,
                   Ef* t) override {
        check_slots(slots, eq_tables);
        const size_t n = size_t(1) << l_skip(), out_count = slots.size() * n;
        if (out_count == 0) return;
        std::vector<Ef> eq;
        const std::vector<StackedSlotDesc> desc = device_slot_descs(slots, eq_tables, &eq);
        const size_t eq_bytes = eq.size() * sizeof(Ef), desc_bytes = desc.size() * sizeof(StackedSlotDesc);
        const size_t partial_bytes = out_count * kStackedSlotPieces * 2 * sizeof(Ef), out_bytes = out_count * sizeof(Ef);

        CudaBackend::Call call(backend_, "stacked_matrix.slot_sums");
        cuda::DeviceBuffer d_eq(eq_bytes), d_desc(desc_bytes), d_partials(partial_bytes), d_out(2 * out_bytes);
        call.reserve_staging(std::max(CudaBackend::staged_size(eq_bytes) + CudaBackend::staged_size(desc_bytes),
                                      CudaBackend::staged_size(2 * out_bytes)));
        call.upload(d_eq.data(), eq.data(), eq_bytes);
        call.upload(d_desc.data(), desc.data(), desc_bytes);
        const uint64_t lanes = uint64_t(slots.size()) * kStackedSlotPieces * n;
        const device::LaunchPlan plan = backend_.lane_plan(gpu::Kernel::StackedSlotSums, lanes);
        call.dispatch(gpu::Kernel::StackedSlotSums, plan, uint64_t(height()) * width() * 4 + partial_bytes, [&] {
            return int(cuda::launch_stacked_slot_sums(matrix_.as<uint32_t>(), d_desc.as<StackedSlotDesc>(),
                                                      slots.size(), d_eq.as<Ef>(), width(), l_skip(), kStackedSlotPieces,
                                                      d_partials.as<Ef>(), plan, call.stream()));
        });
        const device::LaunchPlan sum_plan = backend_.lane_plan(gpu::Kernel::StackedPieceSums, out_count);
        call.dispatch(gpu::Kernel::StackedPieceSums, sum_plan, partial_bytes + 2 * out_bytes, [&] {
            return int(cuda::launch_stacked_piece_sums(d_partials.as<Ef>(), slots.size(), l_skip(), kStackedSlotPieces,
                                                       d_out.as<Ef>(), d_out.as<Ef>() + out_count, sum_plan,
                                                       call.stream()));
        });
        const Ef* staged = static_cast<const Ef*>(call.download(d_out.data(), 2 * out_bytes));
        call.finish("stacked slot sums");
        std::memcpy(s, staged, out_bytes);
        std::memcpy(t, staged + out_count, out_bytes);
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
        cuda::DeviceBuffer tables;
        {
            CudaBackend::Call call(backend_, "stacked_matrix.column_tables");
            cuda::DeviceBuffer d_lagrange(lagrange_bytes), d_eq(eq_bytes), d_desc(desc_bytes), d_first(first_bytes),
                d_coeffs(coeff_bytes);
            tables = cuda::DeviceBuffer(table_bytes);
            call.reserve_staging(CudaBackend::staged_size(lagrange_bytes) + CudaBackend::staged_size(eq_bytes) +
                                 CudaBackend::staged_size(desc_bytes) + CudaBackend::staged_size(first_bytes) +
                                 CudaBackend::staged_size(coeff_bytes));
            call.upload(d_lagrange.data(), lagrange.data(), lagrange_bytes);
            call.upload(d_eq.data(), eq.data(), eq_bytes);
            call.upload(d_desc.data(), desc.data(), desc_bytes);
            call.upload(d_first.data(), first_lane.data(), first_bytes);
            call.upload(d_coeffs.data(), coeffs.data(), coeff_bytes);
            // The kernels are zero off the slots: clear every table, then write both kinds.
            cuda::check(cudaMemsetAsync(tables.data(), 0, table_bytes, call.stream()), "cudaMemsetAsync (column tables)");
            const uint64_t fold_lanes = uint64_t(chunks) * w;
            const device::LaunchPlan plan = backend_.lane_plan(gpu::Kernel::StackedFoldColumns, fold_lanes);
            call.dispatch(gpu::Kernel::StackedFoldColumns, plan, uint64_t(height()) * w * 4 + table_bytes / 2, [&] {
                return int(cuda::launch_stacked_fold_columns(matrix_.as<uint32_t>(), d_lagrange.as<Ef>(), width(),
                                                             l_skip(), chunks, tables.as<Ef>(), plan, call.stream()));
            });
            const device::LaunchPlan kernel_plan = backend_.lane_plan(gpu::Kernel::StackedKernelTable, lanes);
            call.dispatch(gpu::Kernel::StackedKernelTable, kernel_plan, lanes * 3 * sizeof(Ef), [&] {
                return int(cuda::launch_stacked_kernel_table(d_desc.as<StackedSlotDesc>(), d_first.as<uint64_t>(),
                                                             uint32_t(slots.size()), d_eq.as<Ef>(), d_coeffs.as<Ef>(),
                                                             chunks, lanes, tables.as<Ef>(), kernel_plan,
                                                             call.stream()));
            });
            call.finish("stacked column tables");  // the uploads' buffers are freed when this scope ends
        }
        return adopt_cuda_ef_tables(backend_, std::move(tables), 2 * w, chunks);
    }

    void batched_message(const std::vector<Ef>& weights, Ef* f) override {
        if (weights.size() != width())
            throw std::invalid_argument("stacked matrix: expected " + std::to_string(width()) +
                                        " batching weights, found " + std::to_string(weights.size()));
        const size_t weight_bytes = weights.size() * sizeof(Ef), f_bytes = height() * sizeof(Ef);
        CudaBackend::Call call(backend_, "stacked_matrix.batched_message");
        cuda::DeviceBuffer d_weights(weight_bytes), d_f(f_bytes);
        call.reserve_staging(std::max(CudaBackend::staged_size(weight_bytes), CudaBackend::staged_size(f_bytes)));
        call.upload(d_weights.data(), weights.data(), weight_bytes);
        const device::LaunchPlan plan = backend_.lane_plan(gpu::Kernel::StackedBatchMessage, height());
        call.dispatch(gpu::Kernel::StackedBatchMessage, plan, uint64_t(height()) * width() * 4 + f_bytes, [&] {
            return int(cuda::launch_stacked_batch_message(message_.as<uint32_t>(), d_weights.as<Ef>(), width(),
                                                          height(), false, d_f.as<Ef>(), plan, call.stream()));
        });
        const void* staged = call.download(d_f.data(), f_bytes);
        call.finish("batched message");
        std::memcpy(f, staged, f_bytes);
    }

    // Straight into the table's device memory: nothing crosses to the host.
    bool batched_message_into(const std::vector<Ef>& weights, EfTables& tables, size_t c, bool accumulate) override {
        Ef* table = cuda_ef_table(tables, backend_, c);
        if (!table || tables.length() != height()) return false;
        if (weights.size() != width())
            throw std::invalid_argument("stacked matrix: expected " + std::to_string(width()) +
                                        " batching weights, found " + std::to_string(weights.size()));
        const size_t weight_bytes = weights.size() * sizeof(Ef);
        CudaBackend::Call call(backend_, "stacked_matrix.batched_message_into");
        cuda::DeviceBuffer d_weights(weight_bytes);
        call.reserve_staging(CudaBackend::staged_size(weight_bytes));
        call.upload(d_weights.data(), weights.data(), weight_bytes);
        const device::LaunchPlan plan = backend_.lane_plan(gpu::Kernel::StackedBatchMessage, height());
        call.dispatch(gpu::Kernel::StackedBatchMessage, plan,
                      uint64_t(height()) * width() * 4 + height() * sizeof(Ef) * (accumulate ? 2 : 1), [&] {
            return int(cuda::launch_stacked_batch_message(message_.as<uint32_t>(), d_weights.as<Ef>(), width(),
                                                          height(), accumulate, table, plan, call.stream()));
        });
        call.finish("batched message");  // the weights' buffer goes with this scope
        return true;
    }

    std::vector<uint32_t> matrix_words() override { return download(matrix_, "stacked_matrix.matrix"); }
    std::vector<uint32_t> message_words() override { return download(message_, "stacked_matrix.message"); }

private:
    std::vector<uint32_t> download(const cuda::DeviceBuffer& words, const char* what) {
        std::vector<uint32_t> out(height() * width());
        if (out.empty()) return out;
        CudaBackend::Call call(backend_, what);
        call.reserve_staging(CudaBackend::staged_size(out.size() * 4));
        const void* staged = call.download(words.data(), out.size() * 4);
        call.finish(what);
        std::memcpy(out.data(), staged, out.size() * 4);
        return out;
    }

    CudaBackend& backend_;
    cuda::DeviceBuffer matrix_, message_;
};

}  // namespace

std::unique_ptr<StackedMatrix> CudaBackend::stacked_matrix(std::vector<uint32_t> matrix, std::vector<uint32_t> message,
                                                           size_t height, uint32_t width, uint32_t l_skip) {
    check_stacked_shape(matrix.size(), message.size(), height, width, l_skip);
    const size_t bytes = matrix.size() * sizeof(uint32_t);
    cuda::DeviceBuffer d_matrix, d_message;
    {
        Call call(*this, "stacked_matrix");
        d_matrix = cuda::DeviceBuffer(bytes);
        d_message = cuda::DeviceBuffer(bytes);
        call.reserve_staging(2 * staged_size(bytes));
        call.upload(d_matrix.data(), matrix.data(), bytes);
        call.upload(d_message.data(), message.data(), bytes);
        call.finish("stacked matrix upload");
    }
    return std::make_unique<CudaStackedMatrix>(*this, std::move(d_matrix), std::move(d_message), height, width, l_skip);
}

StackedCommit CudaBackend::commit_stacked(const StackedLayout& layout, const std::vector<TraceView>& traces,
                                          uint32_t log_blowup, uint32_t k) {
    const uint32_t m = layout.log_height, l_skip = layout.l_skip, width = layout.width;
    // The message kernel keeps a chunk in registers; longer chunks take the host's path.
    if ((size_t(1) << l_skip) > GS_STACKED_MAX_CHUNK) return host_commit_stacked(*this, layout, traces, log_blowup, k);
    if (m + log_blowup > GS_TWO_ADICITY) throw std::invalid_argument("cuda commit_stacked: the codeword exceeds 2^27 rows");
    const size_t height = size_t(1) << m, bytes = height * width * sizeof(uint32_t), chunks = height >> l_skip;
    cuda::DeviceBuffer matrix(bytes), message(bytes);

    {  // PROTOCOL 6.2: each trace up once and scattered into its slots (in column order per trace)
        Call call(*this, "stacked_commit.stack");
        cuda::check(cudaMemsetAsync(matrix.data(), 0, bytes, call.stream()), "cudaMemsetAsync (stacked matrix)");  // short columns leave gaps
        call.commit();
    }
    for (const TraceScatter& scatter : stacked_scatter_plan(layout)) {
        const TraceView& t = traces.at(scatter.trace);
        const std::vector<StackedScatterSlot>& slots = scatter.slots;
        const size_t trace_bytes = t.height * t.width * sizeof(uint32_t), slot_bytes = slots.size() * sizeof(slots[0]);
        Call call(*this, "stacked_commit.stack");
        const uint32_t* held = held_trace(t.data, trace_bytes);  // else copied up here
        cuda::DeviceBuffer copy(held ? 0 : trace_bytes), d_slots(slot_bytes);
        const uint32_t* d_trace = held ? held : copy.as<uint32_t>();
        call.reserve_staging((held ? 0 : staged_size(trace_bytes)) + staged_size(slot_bytes));
        if (!held) call.upload(copy.data(), t.data, trace_bytes);
        call.upload(d_slots.data(), slots.data(), slot_bytes);
        const uint64_t lanes = uint64_t(t.height) * slots.size();
        const device::LaunchPlan plan = lane_plan(gpu::Kernel::StackedScatter, lanes);
        call.dispatch(gpu::Kernel::StackedScatter, plan, 2 * lanes * 4, [&] {
            return int(cuda::launch_stacked_scatter(d_trace, t.height, t.width,
                                                    d_slots.as<StackedScatterSlot>(), uint32_t(slots.size()), width,
                                                    matrix.as<uint32_t>(), plan, call.stream()));
        });
        call.finish("trace scattered");  // a copied trace goes when this scope ends
    }

    StackedCommit out;
    {  // PROTOCOL 6.3 steps 1-2: each chunk's inverse DFT and subset zeta
        ScopedSpan rs_span("rs_code_matrix");
        const size_t n = size_t(1) << l_skip;
        const StackedMessageTwiddles tw = stacked_message_twiddles(l_skip);
        const std::vector<Fp>& inv_powers = tw.inv_powers;
        const Fp inv_n = tw.inv_n;
        Call call(*this, "stacked_commit.message");
        cuda::DeviceBuffer d_powers(n * sizeof(Fp));
        call.reserve_staging(staged_size(n * sizeof(Fp)));
        call.upload(d_powers.data(), inv_powers.data(), n * sizeof(Fp));
        const device::LaunchPlan plan = lane_plan(gpu::Kernel::StackedMessage, uint64_t(chunks) * width);
        call.dispatch(gpu::Kernel::StackedMessage, plan, 2 * uint64_t(bytes), [&] {
            return int(cuda::launch_stacked_message(matrix.as<uint32_t>(), d_powers.as<Fp>(), inv_n, width, l_skip,
                                                    chunks, message.as<uint32_t>(), plan, call.stream()));
        });
        call.finish("message");
    }
    {  // PROTOCOL 6.3 step 3 and 6.4: the codeword from the message, on the device, and its tree
        ScopedSpan merkle_span("merkle_tree");
        Call call(*this, "encode_and_commit");
        const uint32_t log_rows = m + log_blowup;
        const uint32_t* twiddles = device_twiddles(log_rows, false);
        cuda::DeviceBuffer code((size_t(1) << log_rows) * width * sizeof(uint32_t));
        call.reserve_staging(staged_size(GS_DIGEST_WIDTH * 4));
        cuda::check(cudaMemcpyAsync(code.data(), message.data(), bytes, cudaMemcpyDeviceToDevice, call.stream()),
                    "cudaMemcpyAsync (message into the codeword)");
        out.tree = commit_codeword(std::move(code), height, width, log_rows, k, twiddles);
    }
    out.stacked = std::make_unique<CudaStackedMatrix>(*this, std::move(matrix), std::move(message), height, width, l_skip);
    return out;
}

}  // namespace gpustark
