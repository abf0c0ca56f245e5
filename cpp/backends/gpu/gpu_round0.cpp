// Round 0 of one trace (core/round0_sums.h) on the device, written once for every GPU: the trace
// goes up once (unless held); per block of chunks and per evaluation domain (D when the trace
// has interactions, then each coset) one gather takes the block's chunks to that domain and the
// DAG evaluates them; then one kernel weighs the block's per-point sums by eq and adds them per a
// into running partials (kernels/constraints/round0_eq_sums.h), so the next block reuses the
// buffers in the device's order and the host waits once, for N sums per domain. The gather lays a
// block out column by column, each chunk's N points together, in Montgomery form, which the DAG
// reads as it is.
#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

#include "../../kernels/constraints/round0_eq_sums.h"
#include "gpu_dag.h"
#include "gpu_ntt_tables.h"
#include "phases.h"
#include "primitives.h"
#include "round0_blocks.h"
#include "round0_launch.h"

namespace gpustark {
namespace gpu {

Round0Sums round0_sums(Device& device, const Round0Trace& t) {
    if (!t.dag || !t.dag->program) throw std::invalid_argument("round0_sums: the trace has no DAG binding");
    const DagProgram& program = *t.dag->program;
    const uint32_t width = program.width, l = t.l_skip;
    if (!chunk_in_registers(l))
        throw std::invalid_argument("round0_sums: l_skip must be <= " + std::to_string(GS_REGISTER_DFT_MAX_LOG) +
                                    " on a device (longer chunks take the host's composition)");
    const uint64_t block_elements = device.launch_caps().round0_block_elements;
    const Round0Blocks blocks = round0_blocks(t, block_elements);
    const size_t n = blocks.n, cols = blocks.cols, chunks = blocks.chunks, block = blocks.block, evals = blocks.evals;
    const size_t cosets = t.coset_shifts.size();
    Round0Sums out = round0_zero_sums(t);
    // Nothing to evaluate (or no group in the program: every sum is zero).
    if (evals == 0 || program.groups.empty()) return out;

    Call call(device, "round0_sums");
    // Every allocation and table upload before the staged copies.
    const size_t trace_bytes = (size_t(1) << t.log_height) * width * sizeof(uint32_t);
    const size_t points = n * block, eq_bytes = chunks * sizeof(Ef);
    Buffer trace = device.held(t.values, trace_bytes);
    const bool upload_trace = !trace;
    if (upload_trace) trace = device.allocate(trace_bytes);
    const Buffer local = device.allocate(points * cols * 4), next = device.allocate(points * width * 4);
    const Buffer sums = device.allocate(evals * points * sizeof(DagSums)), eq = device.allocate(eq_bytes);
    const uint32_t pieces = round0_sum_pieces(blocks);
    const size_t partial_bytes = evals * pieces * n * sizeof(DagSums), total_bytes = evals * n * sizeof(DagSums);
    const Buffer partials = device.allocate(partial_bytes), totals = device.allocate(total_bytes);
    const DagOnDevice dag(device, *t.dag);
    DagBaseSums eval(device, dag, points, /*montgomery_points=*/true);
    std::vector<Buffer> coset_powers;
    for (uint32_t shift : t.coset_shifts) coset_powers.push_back(device.ntt_tables().coset_powers(device, l, shift));

    device.reserve_staging(std::max((upload_trace ? staged_size(trace_bytes) : 0) + dag.staged() + staged_size(eq_bytes),
                                    staged_size(total_bytes)));
    if (upload_trace) device.upload(trace, t.values, trace_bytes);
    dag.upload(device);
    device.upload(eq, t.eq_cube, eq_bytes);
    device.fill_zero(partials, partial_bytes);

    // Chunks [first, first + count) on the evaluation domain `slot` (coset `slot` < cosets, or D),
    // then the DAG at their points into the block's run `slot` of the sums.
    auto gather_and_evaluate = [&](size_t first, size_t count, size_t slot) {
        const bool coset = slot < cosets;
        const Round0GatherParams p = round0_gather_params(first, count, coset, width, t.log_height, l);
        const uint64_t block_points = uint64_t(n) * count;
        // round0_gather(trace, local, next, powers, params); on D the powers are not read.
        device.dispatch(Kernel::Round0Gather, device.lane_plan(Kernel::Round0Gather, p.lanes),
                        block_points * (2 * width + cols) * 4,
                        {trace, local, next, coset ? coset_powers[slot] : trace}, p);
        eval.enqueue({local, 1, block_points, next, 1, block_points, block_points, /*montgomery=*/true},
                     sums.at_element<DagSums>(slot * block_points));
    };
    for (size_t first = 0; first < chunks; first += block) {
        const size_t count = std::min(block, chunks - first);
        if (t.logup_on_d) gather_and_evaluate(first, count, cosets);  // the rows themselves: D
        for (size_t c = 0; c < cosets; ++c) gather_and_evaluate(first, count, c);
        Round0EqSumsParams p{};
        p.lanes = uint64_t(evals) * pieces * n;
        p.first = first;
        p.count = count;
        p.l_skip = l;
        p.pieces = pieces;
        device.dispatch(Kernel::Round0EqSums, device.lane_plan(Kernel::Round0EqSums, p.lanes),
                        evals * n * count * sizeof(DagSums) + count * sizeof(Ef) + 2 * partial_bytes, {sums, eq, partials},
                        p);
    }
    Round0PieceSumsParams q{};
    q.lanes = uint64_t(evals) * n;
    q.l_skip = l;
    q.pieces = pieces;
    device.dispatch(Kernel::Round0PieceSums, device.lane_plan(Kernel::Round0PieceSums, q.lanes),
                    partial_bytes + total_bytes, {partials, totals}, q);
    const DagSums* staged = static_cast<const DagSums*>(device.download(totals, total_bytes));
    call.finish("round0 sums");
    std::copy(staged, staged + cosets * n, out.on_cosets.begin());
    if (t.logup_on_d) {
        std::copy(staged + cosets * n, staged + evals * n, out.on_d.begin());
        for (DagSums& s : out.on_d) s.constraint = ef_zero();  // D carries no zerocheck
    }
    return out;
}

}  // namespace gpu
}  // namespace gpustark
