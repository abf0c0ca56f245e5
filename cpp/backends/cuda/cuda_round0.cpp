// CudaBackend::round0_sums: round 0 of one trace from one upload of it. Per block of chunks the
// gather, the inverse NTT, each coset's copy, shifted NTT, transpose and DAG evaluation are all
// enqueued on the stream and the block's per-point sums come back after one wait; the host weights
// them by eq and adds them per a (core/round0_sums.h), as the reference does. The NTTs want the
// block point by point; the DAG reads it column by column (neighbouring threads, neighbouring
// points, neighbouring words), so each evaluated block is transposed first.
#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <vector>

#include "../../core/ntt_tables.h"
#include "../gpu/round0_blocks.h"
#include "../gpu/gpu_dag.h"
#include "../gpu/round0_launch.h"
#include "cuda_backend.h"
#include "device_buffer.h"
#include "launch.h"

namespace gpustark {
namespace {

// Gathered values per block buffer (there are six: local, next, a coset's copy of each, and the
// transposes the DAG reads).
constexpr size_t kBlockElements = size_t(1) << 27;

void check(cudaError_t err, const char* what) {
    if (err != cudaSuccess) {
        cudaGetLastError();
        throw std::runtime_error(std::string("cuda round0_sums: ") + what + " failed: " + cudaGetErrorString(err));
    }
}

// A scale table in device memory; no allocation (a null data()) for an empty table. The copy is
// ordered on the call's stream, like the allocation (a pooled block may still be read by kernels
// queued before it was freed); from pageable memory it has read `host` when it returns.
cuda::DeviceBuffer device_table(const std::vector<uint32_t>& host, cudaStream_t stream) {
    cuda::DeviceBuffer d(host.size() * sizeof(uint32_t));
    if (!host.empty())
        check(cudaMemcpyAsync(d.data(), host.data(), host.size() * sizeof(uint32_t), cudaMemcpyHostToDevice, stream),
              "table upload");
    return d;
}

}  // namespace

Round0Sums CudaBackend::round0_sums(const Round0Trace& t) {
    if (!t.dag || !t.dag->program) throw std::invalid_argument("round0_sums: the trace has no DAG binding");
    const DagProgram& program = *t.dag->program;
    const uint32_t width = program.width, l = t.l_skip;
    const gpu::Round0Blocks blocks = gpu::round0_blocks(t, kBlockElements);
    const size_t n = blocks.n, cols = blocks.cols, chunks = blocks.chunks, block = blocks.block, evals = blocks.evals;
    const size_t cosets = t.coset_shifts.size();
    Round0Sums out = gpu::round0_zero_sums(t);
    // Nothing to evaluate (or no group in the program: every sum is zero).
    if (evals == 0 || program.groups.empty()) return out;

    Call call(*this, "round0_sums");
    // Every allocation and synchronous table upload before the staged copies.
    const size_t trace_bytes = (size_t(1) << t.log_height) * width * sizeof(uint32_t);
    const size_t local_words = n * block * cols, next_words = n * block * width, points = n * block;
    const uint32_t* held = held_trace(t.values, trace_bytes);  // else copied up here
    cuda::DeviceBuffer copy(held ? 0 : trace_bytes), local(local_words * 4), next(next_words * 4);
    const uint32_t* trace = held ? held : copy.as<uint32_t>();
    cuda::DeviceBuffer local_c(cosets > 1 ? local_words * 4 : 0), next_c(cosets > 1 ? next_words * 4 : 0);
    cuda::DeviceBuffer local_t(local_words * 4), next_t(next_words * 4);
    cuda::DeviceBuffer sums(evals * points * sizeof(DagSums));
    const gpu::DagOnDevice dag(device(), *t.dag);
    gpu::DagBaseSums eval(device(), dag, points);
    const uint32_t* inverse_twiddles = cosets ? device_twiddles(l, true) : nullptr;
    const uint32_t* forward_twiddles = cosets ? device_twiddles(l, false) : nullptr;
    cuda::DeviceBuffer inverse_factors =
        device_table(cosets ? ntt_scale_factors(l, true, 1) : std::vector<uint32_t>(), call.stream());
    std::vector<cuda::DeviceBuffer> coset_factors;  // empty (no scale pass) for a shift of 1
    for (uint32_t shift : t.coset_shifts)
        coset_factors.push_back(device_table(ntt_scale_factors(l, false, shift), call.stream()));

    size_t downloads = 0;
    for (size_t first = 0; first < chunks; first += block)
        downloads += staged_size(evals * n * std::min(block, chunks - first) * sizeof(DagSums));
    call.reserve_staging(std::max((held ? 0 : staged_size(trace_bytes)) + dag.staged(), downloads));
    if (!held) call.upload(copy.data(), t.values, trace_bytes);
    dag.upload(device());

    // The kernels take Params structs (kernels/constraints/round0_gather.h), as Metal's do.
    auto words = [](const void* p) { return gpu::Buffer{nullptr, const_cast<void*>(p), 0}; };
    auto gather = [&](size_t first, size_t count, size_t shift, bool selectors, cuda::DeviceBuffer& dst) {
        const Round0GatherParams p = gpu::round0_gather_params(first, count, shift, selectors, width, t.log_height, l);
        device().dispatch(gpu::Kernel::Round0Gather, lane_plan(gpu::Kernel::Round0Gather, p.lanes), 2 * p.lanes * 4,
                          {words(trace), words(dst.data())}, p);
    };
    auto transpose = [&](const cuda::DeviceBuffer& in, uint64_t rows, uint64_t row_words, cuda::DeviceBuffer& out) {
        const Round0TransposeParams p = gpu::round0_transpose_params(rows, row_words);
        device().dispatch(gpu::Kernel::Round0Transpose, lane_plan(gpu::Kernel::Round0Transpose, p.lanes),
                          2 * p.lanes * 4, {words(in.data()), words(out.data())}, p);
    };
    // The block's points (local rows with their selectors, next rows) at `slot` of the sums.
    auto evaluate = [&](const cuda::DeviceBuffer& here, const cuda::DeviceBuffer& after, size_t count, size_t slot) {
        const uint64_t block_points = uint64_t(n) * count;
        transpose(here, block_points, cols, local_t);
        transpose(after, block_points, width, next_t);
        eval.enqueue({words(local_t.data()), 1, block_points, words(next_t.data()), 1, block_points, block_points},
                     words(sums.as<DagSums>() + slot * block_points));
    };
    for (size_t first = 0; first < chunks; first += block) {
        const size_t count = std::min(block, chunks - first), block_points = n * count;
        gather(first, count, 0, true, local);
        gather(first, count, 1, false, next);
        if (t.logup_on_d) evaluate(local, next, count, cosets);  // the rows themselves: D
        if (cosets) {
            const uint32_t* factors = inverse_factors.as<uint32_t>();
            ntt_on_device(local.as<uint32_t>(), {l, uint32_t(count * cols)}, true, inverse_twiddles, factors);
            ntt_on_device(next.as<uint32_t>(), {l, uint32_t(count * width)}, true, inverse_twiddles, factors);
        }
        for (size_t c = 0; c < cosets; ++c) {
            // Each coset's transform works on a copy of the coefficients, but the last one, which
            // no later coset needs, works on them in place.
            const bool last = c + 1 == cosets;
            cuda::DeviceBuffer& local_coset = last ? local : local_c;
            cuda::DeviceBuffer& next_coset = last ? next : next_c;
            if (!last) {
                check(cudaMemcpyAsync(local_c.data(), local.data(), block_points * cols * 4, cudaMemcpyDeviceToDevice,
                                      call.stream()),
                      "copy");
                check(cudaMemcpyAsync(next_c.data(), next.data(), block_points * width * 4, cudaMemcpyDeviceToDevice,
                                      call.stream()),
                      "copy");
            }
            const uint32_t* factors = coset_factors[c].as<uint32_t>();
            ntt_on_device(local_coset.as<uint32_t>(), {l, uint32_t(count * cols)}, false, forward_twiddles, factors);
            ntt_on_device(next_coset.as<uint32_t>(), {l, uint32_t(count * width)}, false, forward_twiddles, factors);
            evaluate(local_coset, next_coset, count, c);
        }
        const size_t bytes = evals * block_points * sizeof(DagSums);
        const void* staged = call.download(sums.data(), bytes);
        call.finish("round0 block sums");
        std::vector<DagSums> host(evals * block_points);
        std::memcpy(host.data(), staged, bytes);
        gpu::add_round0_sums(t, host.data(), first, count, out);
    }
    return out;
}

}  // namespace gpustark
