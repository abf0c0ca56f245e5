// Round 0 of one trace (core/round0_sums.h) on the device, written once for every GPU: the trace
// goes up once (unless held); per block of chunks the gather, the inverse NTT, each coset's copy,
// shifted NTT and DAG evaluation are enqueued, and the per-point sums of a group of blocks come
// back after one wait (round0_blocks_per_wait); the host weights them by eq and adds them per a
// (round0_blocks.h), as the reference does. The gather lays a block out column by column, each
// chunk's N points together, in Montgomery form: the NTTs run on it column-major and the DAG reads
// it as it is (neighbouring threads, neighbouring points, read neighbouring words), with no
// transpose and no conversion between.
#include <algorithm>
#include <cstring>
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
    if (l > kMaxLogN) throw std::invalid_argument("round0_sums: l_skip must be <= " + std::to_string(kMaxLogN));
    const uint64_t block_elements = device.launch_caps().round0_block_elements;
    const Round0Blocks blocks = round0_blocks(t, block_elements);
    const size_t n = blocks.n, cols = blocks.cols, chunks = blocks.chunks, block = blocks.block, evals = blocks.evals;
    const size_t cosets = t.coset_shifts.size();
    Round0Sums out = round0_zero_sums(t);
    // Nothing to evaluate (or no group in the program: every sum is zero).
    if (evals == 0 || program.groups.empty()) return out;
    // The NTT kernels count n * batch lanes in 32 bits.
    require_u32(uint64_t(n) * block * cols, "a block's N * count * (width + 3)", "round0_sums");

    Call call(device, "round0_sums");
    // Every allocation and table upload before the staged copies.
    const size_t trace_bytes = (size_t(1) << t.log_height) * width * sizeof(uint32_t);
    const size_t points = n * block, local_bytes = points * cols * 4, next_bytes = points * width * 4;
    Buffer trace = device.held(t.values, trace_bytes);
    const bool upload_trace = !trace;
    if (upload_trace) trace = device.allocate(trace_bytes);
    const Buffer local = device.allocate(local_bytes), next = device.allocate(next_bytes);
    // Each coset but the last transforms a copy of the block's coefficients.
    const Buffer local_c = cosets > 1 ? device.allocate(local_bytes) : Buffer{};
    const Buffer next_c = cosets > 1 ? device.allocate(next_bytes) : Buffer{};
    // The sums of `group` blocks share one buffer and come back after one wait; the blocks between
    // reuse the block buffers in the device's order.
    const size_t group = round0_blocks_per_wait(blocks, block_elements);
    const Buffer sums = device.allocate(group * evals * points * sizeof(DagSums));
    const DagOnDevice dag(device, *t.dag);
    DagBaseSums eval(device, dag, points, /*montgomery_points=*/true);
    NttTables& tables = device.ntt_tables();
    Buffer inverse_twiddles, forward_twiddles, inverse_factors;
    std::vector<Buffer> coset_factors;  // empty (no scale pass) for a shift of 1
    if (cosets) {
        inverse_twiddles = tables.twiddles(device, l, true);
        forward_twiddles = tables.twiddles(device, l, false);
        inverse_factors = tables.scale_factors(device, l, true, 1);
        for (uint32_t shift : t.coset_shifts) coset_factors.push_back(tables.scale_factors(device, l, false, shift));
    }

    size_t downloads = 0;
    for (size_t first = 0; first < chunks; first += block * group)
        downloads += staged_size(evals * n * std::min(block * group, chunks - first) * sizeof(DagSums));
    device.reserve_staging(std::max((upload_trace ? staged_size(trace_bytes) : 0) + dag.staged(), downloads));
    if (upload_trace) device.upload(trace, t.values, trace_bytes);
    dag.upload(device);

    // round0_gather(trace, out, params): chunks [first, first + count) into (cols, count, N).
    auto gather = [&](size_t first, size_t count, size_t shift, bool selectors, const Buffer& dst) {
        const Round0GatherParams p = round0_gather_params(first, count, shift, selectors, width, t.log_height, l);
        if (p.lanes == 0) return;
        device.dispatch(Kernel::Round0Gather, device.lane_plan(Kernel::Round0Gather, p.lanes), 2 * p.lanes * 4,
                        {trace, dst}, p);
    };
    // The block's points (local rows with their selectors, next rows) at `slot` of the sums of
    // the group's block `in_group`.
    auto evaluate = [&](const Buffer& here, const Buffer& after, size_t count, size_t in_group, size_t slot) {
        const uint64_t block_points = uint64_t(n) * count;
        eval.enqueue({here, 1, block_points, after, 1, block_points, block_points, /*montgomery=*/true},
                     sums.at_element<DagSums>(in_group * evals * points + slot * block_points));
    };
    auto transform = [&](const Buffer& l_data, const Buffer& n_data, size_t count, bool inverse, const Buffer& twiddles,
                         const Buffer& factors) {
        ntt(device, l_data, {l, uint32_t(count * cols)}, inverse, twiddles, factors, NttLayout::ColumnMajor);
        ntt(device, n_data, {l, uint32_t(count * width)}, inverse, twiddles, factors, NttLayout::ColumnMajor);
    };
    std::vector<DagSums> host;
    for (size_t group_first = 0; group_first < chunks; group_first += block * group) {
        const size_t group_end = std::min(chunks, group_first + block * group);
        for (size_t first = group_first; first < group_end; first += block) {
            const size_t count = std::min(block, group_end - first), block_points = n * count;
            const size_t in_group = (first - group_first) / block;
            gather(first, count, 0, true, local);
            gather(first, count, 1, false, next);
            if (t.logup_on_d) evaluate(local, next, count, in_group, cosets);  // the rows themselves: D
            if (cosets) transform(local, next, count, true, inverse_twiddles, inverse_factors);
            for (size_t c = 0; c < cosets; ++c) {
                // The last coset, which no later one needs, transforms the coefficients in place.
                const bool last = c + 1 == cosets;
                if (!last) {
                    device.copy(local_c, local, block_points * cols * 4);
                    device.copy(next_c, next, block_points * width * 4);
                }
                transform(last ? local : local_c, last ? next : next_c, count, false, forward_twiddles,
                          coset_factors[c]);
                evaluate(last ? local : local_c, last ? next : next_c, count, in_group, c);
            }
        }
        // Every block of the group but the last is whole; each block's sums start at a stride of
        // evals * points.
        const size_t blocks_in_group = (group_end - group_first + block - 1) / block;
        const size_t last_count = group_end - group_first - (blocks_in_group - 1) * block;
        const size_t bytes = ((blocks_in_group - 1) * evals * points + evals * n * last_count) * sizeof(DagSums);
        const void* staged = device.download(sums, bytes);
        call.finish("round0 block sums");  // the next group rewrites the buffers
        host.resize(bytes / sizeof(DagSums));
        std::memcpy(host.data(), staged, bytes);
        for (size_t b = 0; b < blocks_in_group; ++b) {
            const size_t first = group_first + b * block;
            add_round0_sums(t, host.data() + b * evals * points, first, std::min(block, group_end - first), out);
        }
    }
    return out;
}

}  // namespace gpu
}  // namespace gpustark
