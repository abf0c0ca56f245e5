// Round 0 of one trace (core/round0_sums.h) on the device, written once for every GPU: the trace
// goes up once (unless held); per block of chunks and per evaluation domain (D when the trace
// has interactions, then each coset) one gather takes the block's chunks to that domain and the
// DAG evaluates them; the per-point sums of a group of blocks come back after one wait
// (round0_blocks_per_wait), and the host weights them by eq and adds them per a
// (round0_blocks.h), as the reference does. The gather lays a block out column by column, each
// chunk's N points together, in Montgomery form, which the DAG reads as it is.
#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

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
    const size_t points = n * block;
    Buffer trace = device.held(t.values, trace_bytes);
    const bool upload_trace = !trace;
    if (upload_trace) trace = device.allocate(trace_bytes);
    const Buffer local = device.allocate(points * cols * 4), next = device.allocate(points * width * 4);
    // The sums of `group` blocks share one buffer and come back after one wait; the blocks between
    // reuse the block buffers in the device's order.
    const size_t group = round0_blocks_per_wait(blocks, block_elements);
    const Buffer sums = device.allocate(group * evals * points * sizeof(DagSums));
    const DagOnDevice dag(device, *t.dag);
    DagBaseSums eval(device, dag, points, /*montgomery_points=*/true);
    std::vector<Buffer> coset_powers;
    for (uint32_t shift : t.coset_shifts) coset_powers.push_back(device.ntt_tables().coset_powers(device, l, shift));

    size_t downloads = 0;
    for (size_t first = 0; first < chunks; first += block * group)
        downloads += staged_size(evals * n * std::min(block * group, chunks - first) * sizeof(DagSums));
    device.reserve_staging(std::max((upload_trace ? staged_size(trace_bytes) : 0) + dag.staged(), downloads));
    if (upload_trace) device.upload(trace, t.values, trace_bytes);
    dag.upload(device);

    // Chunks [first, first + count) on the evaluation domain `slot` (coset `slot` < cosets, or D),
    // then the DAG at their points into the group's block `in_group`.
    auto gather_and_evaluate = [&](size_t first, size_t count, size_t in_group, size_t slot) {
        const bool coset = slot < cosets;
        const Round0GatherParams p = round0_gather_params(first, count, coset, width, t.log_height, l);
        const uint64_t block_points = uint64_t(n) * count;
        // round0_gather(trace, local, next, powers, params); on D the powers are not read.
        device.dispatch(Kernel::Round0Gather, device.lane_plan(Kernel::Round0Gather, p.lanes),
                        block_points * (2 * width + cols) * 4,
                        {trace, local, next, coset ? coset_powers[slot] : trace}, p);
        eval.enqueue({local, 1, block_points, next, 1, block_points, block_points, /*montgomery=*/true},
                     sums.at_element<DagSums>(in_group * evals * points + slot * block_points));
    };
    for (size_t group_first = 0; group_first < chunks; group_first += block * group) {
        const size_t group_end = std::min(chunks, group_first + block * group);
        for (size_t first = group_first; first < group_end; first += block) {
            const size_t count = std::min(block, group_end - first), in_group = (first - group_first) / block;
            if (t.logup_on_d) gather_and_evaluate(first, count, in_group, cosets);  // the rows themselves: D
            for (size_t c = 0; c < cosets; ++c) gather_and_evaluate(first, count, in_group, c);
        }
        // Every block of the group but the last is whole; each block's sums start at a stride of
        // evals * points.
        const size_t blocks_in_group = (group_end - group_first + block - 1) / block;
        const size_t last_count = group_end - group_first - (blocks_in_group - 1) * block;
        const size_t bytes = ((blocks_in_group - 1) * evals * points + evals * n * last_count) * sizeof(DagSums);
        // Added where the download left them (a copy first cost a fresh host buffer and a pass
        // over it on one thread); the next group's kernels are enqueued only after this.
        const DagSums* staged = static_cast<const DagSums*>(device.download(sums, bytes));
        call.finish("round0 block sums");
        for (size_t b = 0; b < blocks_in_group; ++b) {
            const size_t first = group_first + b * block;
            add_round0_sums(t, staged + b * evals * points, first, std::min(block, group_end - first), out);
        }
    }
    return out;
}

}  // namespace gpu
}  // namespace gpustark
