// MetalBackend::round0_sums: round 0 of one trace (core/round0_sums.h) fused on the GPU. The trace
// is bound once (in place when it lies in a Metal buffer); per block of chunks the gather
// (metal/round0.metal), the NTTs and the DAG evaluations (metal/dag.metal) are all encoded, and
// the block's per-point sums are read from their shared buffer after one wait; the host weights
// them by eq and adds them per a (add_round0_block), as the reference does. The NTTs want a block
// point by point, the DAG column by column (neighbouring threads read neighbouring words), so each
// evaluated block is transposed into a second pair of buffers first. Each coset re-gathers
// its block and takes it through the inverse NTT again instead of copying the coefficients (a
// copy on Metal is a host copy after a wait): one more size-N inverse NTT per coset, no extra wait.
#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

#include "../../core/round0_sums.h"
#include "../../kernels/dag/dag_lanes.h"
#include "../gpu/gpu_dag.h"
#include "../gpu/round0_blocks.h"
#include "../gpu/round0_launch.h"
#include "metal_backend.h"
#include "metal_phase_device.h"

namespace gpustark {

using metal::Arg;

Round0Sums MetalBackend::round0_sums(const Round0Trace& t) {
    if (!t.dag || !t.dag->program) throw std::invalid_argument("round0_sums: the trace has no DAG binding");
    const DagProgram& program = *t.dag->program;
    const uint32_t width = program.width, l = t.l_skip;
    if (l > kMaxLogN)
        throw std::invalid_argument("metal round0_sums: l_skip must be <= " + std::to_string(kMaxLogN));
    const gpu::Round0Blocks blocks = gpu::round0_blocks(t, options_.round0_block_elements);
    const size_t n = blocks.n, cols = blocks.cols, chunks = blocks.chunks, block = blocks.block, evals = blocks.evals;
    const size_t cosets = t.coset_shifts.size();
    Round0Sums out = gpu::round0_zero_sums(t);
    // Nothing to evaluate (or no group in the program: every sum is zero).
    if (evals == 0 || program.groups.empty()) return out;
    // The NTT kernels count n * batch lanes in a uint.
    if (uint64_t(n) * block * cols > 0xffffffffull)
        throw std::invalid_argument("metal round0_sums: a block's N * count * (width + 3) exceeds 32 bits");

    Call call(*this, "round0_sums");
    const size_t trace_bytes = (size_t(1) << t.log_height) * width * sizeof(uint32_t);
    const Bound trace = bind_input(t.values, trace_bytes, kSlotA);
    const gpu::DagOnDevice dag(*phase_device_, *t.dag);
    dag.upload(*phase_device_);
    const size_t max_points = n * block;
    const metal::BufferPtr local = allocate(max_points * cols * sizeof(uint32_t));
    const metal::BufferPtr next = allocate(max_points * width * sizeof(uint32_t));
    const metal::BufferPtr local_t = allocate(max_points * cols * sizeof(uint32_t));
    const metal::BufferPtr next_t = allocate(max_points * width * sizeof(uint32_t));
    const metal::BufferPtr sums = allocate(evals * max_points * sizeof(DagSums));
    gpu::DagBaseSums eval(*phase_device_, dag, max_points);
    // Tables held here: the scale cache may drop its entries while this call still uses them.
    gpu::Buffer inverse_twiddles, forward_twiddles, inverse_factors;
    std::vector<gpu::Buffer> coset_factors;  // null (no scale pass) for a shift of 1
    if (cosets) {
        inverse_twiddles = twiddles(l, true);
        forward_twiddles = twiddles(l, false);
        inverse_factors = scale_factors(l, true, 1);
        for (uint32_t shift : t.coset_shifts) coset_factors.push_back(scale_factors(l, false, shift));
    }

    // round0_gather(trace, out, params): chunks [first, first + count) into (N, count * cols).
    auto gather = [&](size_t first, size_t count, size_t shift, bool selectors, const metal::BufferPtr& dst) {
        const Round0GatherParams p = gpu::round0_gather_params(first, count, shift, selectors, width, t.log_height, l);
        if (p.lanes == 0) return;
        dispatch(gpu::Kernel::Round0Gather, {trace.arg(), Arg::of(dst), Arg::value(p)},
                 stride_plan(gpu::Kernel::Round0Gather, p.lanes), 2 * p.lanes * 4);
    };
    // round0_transpose(in, out, params): a block of `rows` points of `row_words` words, transposed.
    auto transpose = [&](const metal::BufferPtr& in, uint64_t rows, uint64_t row_words, const metal::BufferPtr& dst) {
        const Round0TransposeParams p = gpu::round0_transpose_params(rows, row_words);
        dispatch(gpu::Kernel::Round0Transpose, {Arg::of(in), Arg::of(dst), Arg::value(p)},
                 stride_plan(gpu::Kernel::Round0Transpose, p.lanes), 2 * p.lanes * 4);
    };
    // The transposed block's sums (gpu_dag.h) at `slot_index` of the block's sums.
    const gpu::Buffer d_local_t = metal::PhaseDevice::adopt(local_t), d_next_t = metal::PhaseDevice::adopt(next_t);
    const gpu::Buffer d_sums = metal::PhaseDevice::adopt(sums);
    auto evaluate = [&](size_t count, size_t slot_index) {
        const uint64_t points = uint64_t(n) * count;
        transpose(local, points, cols, local_t);
        transpose(next, points, width, next_t);
        eval.enqueue({d_local_t, 1, points, d_next_t, 1, points, points},
                     d_sums.at(slot_index * points * sizeof(DagSums)));
    };
    auto to_coefficients = [&](size_t count) {
        const Bound l_bound{local, 0, false}, n_bound{next, 0, false};
        ntt_on_device(l_bound, {l, uint32_t(count * cols)}, true, inverse_twiddles, inverse_factors);
        ntt_on_device(n_bound, {l, uint32_t(count * width)}, true, inverse_twiddles, inverse_factors);
    };
    auto to_coset = [&](size_t count, size_t c) {
        const Bound l_bound{local, 0, false}, n_bound{next, 0, false};
        ntt_on_device(l_bound, {l, uint32_t(count * cols)}, false, forward_twiddles, coset_factors[c]);
        ntt_on_device(n_bound, {l, uint32_t(count * width)}, false, forward_twiddles, coset_factors[c]);
    };

    for (size_t first = 0; first < chunks; first += block) {
        const size_t count = std::min(block, chunks - first);
        // Every kernel of the block runs in order on the same two buffers: the rows themselves for
        // D first, then each coset gathered again, to coefficients and onto its coset.
        if (t.logup_on_d) {
            gather(first, count, 0, true, local);
            gather(first, count, 1, false, next);
            evaluate(count, cosets);
        }
        for (size_t c = 0; c < cosets; ++c) {
            gather(first, count, 0, true, local);
            gather(first, count, 1, false, next);
            to_coefficients(count);
            to_coset(count, c);
            evaluate(count, c);
        }
        finish("round0 block sums");  // the next block rewrites the buffers
        gpu::add_round0_sums(t, sums->as<const DagSums>(), first, count, out);
    }
    return out;
}

}  // namespace gpustark
