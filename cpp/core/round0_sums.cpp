#include "round0_sums.h"

#include <algorithm>
#include <stdexcept>
#include <vector>

#include "backend.h"
#include "host_memory.h"
#include "parallel.h"

namespace gpustark {
namespace {

// Rows of chunks [first, first + count) into `out`, laid out (N, count * cols) row-major for a
// batched NTT over each (chunk, column): element (a, x, c) is row (N x + a + shift) mod h, column
// c; with selectors, three more columns (is_first, is_last, is_transition) of that row. A point is
// a whole trace row, so a few points make a task.
void gather_chunks(const Round0Trace& t, uint32_t width, size_t first, size_t count, size_t shift, bool selectors,
                   uint32_t* out) {
    const size_t n = size_t(1) << t.l_skip, height = size_t(1) << t.log_height, cols = width + (selectors ? 3 : 0);
    parallel_for(n * count, 8, [&](size_t begin, size_t end) {
        for (size_t k = begin; k < end; ++k) {
            const size_t a = k / count, x = k % count, row = (n * (first + x) + a + shift) % height;
            uint32_t* dst = out + k * cols;
            std::copy(t.values + row * width, t.values + (row + 1) * width, dst);
            if (selectors) {
                dst[width] = row == 0;
                dst[width + 1] = row == height - 1;
                dst[width + 2] = row != height - 1;
            }
        }
    });
}

}  // namespace

void add_round0_block(const Round0Trace& t, const DagSums* sums, size_t first, size_t count, bool constraints,
                      DagSums* totals) {
    const size_t n = size_t(1) << t.l_skip;
    // Per a, the eq-weighted sums of C, N and D over the block's chunks. The chunks are split over
    // the threads, each keeping its own 3N sums, and the tasks' sums are added at the end: a block
    // of a few points per a still fills the pool.
    const size_t tasks = std::max<size_t>(1, std::min(count, num_threads() * 4));
    const size_t per_task = (count + tasks - 1) / tasks;
    std::vector<DagSums> partial(tasks * n, DagSums{ef_zero(), ef_zero(), ef_zero()});
    parallel_for(tasks, 1, [&](size_t task_begin, size_t task_end) {
        for (size_t task = task_begin; task < task_end; ++task) {
            DagSums* acc = partial.data() + task * n;
            const size_t x_end = std::min(count, (task + 1) * per_task);
            for (size_t x = task * per_task; x < x_end; ++x) {
                const Ef eq = t.eq_cube[first + x];
                for (size_t a = 0; a < n; ++a) {
                    const DagSums& s = sums[a * count + x];
                    if (constraints) acc[a].constraint = ef_add(acc[a].constraint, ef_mul(eq, s.constraint));
                    acc[a].numerator = ef_add(acc[a].numerator, ef_mul(eq, s.numerator));
                    acc[a].denominator = ef_add(acc[a].denominator, ef_mul(eq, s.denominator));
                }
            }
        }
    });
    for (size_t a = 0; a < n; ++a)
        for (size_t task = 0; task < tasks; ++task) {
            const DagSums& part = partial[task * n + a];
            totals[a].constraint = ef_add(totals[a].constraint, part.constraint);
            totals[a].numerator = ef_add(totals[a].numerator, part.numerator);
            totals[a].denominator = ef_add(totals[a].denominator, part.denominator);
        }
}

Round0Sums round0_zero_sums(const Round0Trace& t) {
    const size_t n = size_t(1) << t.l_skip;
    const DagSums zero{ef_zero(), ef_zero(), ef_zero()};
    Round0Sums out;
    out.on_cosets.assign(t.coset_shifts.size() * n, zero);
    if (t.logup_on_d) out.on_d.assign(n, zero);
    return out;
}

size_t host_round0_block_chunks(size_t n, size_t cols, size_t max_block_elements) {
    if (max_block_elements != 0) return std::max<size_t>(1, max_block_elements / (n * cols));
    // 2^20 values, or 128 points (8 lane groups) per thread if that is more: dag_base_sums spreads
    // a block's lane groups over the threads, and with one or two each its last wave leaves most
    // threads idle. At most 2^25 values (128 MiB a buffer).
    const size_t by_memory = (size_t(1) << 20) / (n * cols), by_threads = (num_threads() * 128 + n - 1) / n;
    return std::max<size_t>(1, std::min(std::max(by_memory, by_threads), (size_t(1) << 25) / (n * cols)));
}

Round0Sums host_round0_sums(Backend& backend, const Round0Trace& t, size_t max_block_elements) {
    if (!t.dag || !t.dag->program) throw std::invalid_argument("round0_sums: the trace has no DAG binding");
    const uint32_t width = t.dag->program->width, l = t.l_skip;
    const size_t n = size_t(1) << l, cosets = t.coset_shifts.size(), cols = width + 3;
    const size_t chunks = t.log_height > l ? size_t(1) << (t.log_height - l) : 1;
    Round0Sums out = round0_zero_sums(t);
    const size_t block = std::min(chunks, host_round0_block_chunks(n, cols, max_block_elements));
    // One set of block buffers for every block; each coset transforms a copy of the coefficients.
    const size_t local_words = n * block * cols, next_words = n * block * width;
    // Every value of a block is gathered (or copied) before it is read.
    HostVector<uint32_t> local = uninitialized_vector<uint32_t>(local_words), next = uninitialized_vector<uint32_t>(next_words);
    HostVector<uint32_t> local_c = uninitialized_vector<uint32_t>(cosets > 0 ? local_words : 0);
    HostVector<uint32_t> next_c = uninitialized_vector<uint32_t>(cosets > 0 ? next_words : 0);
    std::vector<DagSums> sums(n * block);
    for (size_t first = 0; first < chunks; first += block) {
        const size_t count = std::min(block, chunks - first), points = n * count;
        gather_chunks(t, width, first, count, 0, true, local.data());
        gather_chunks(t, width, first, count, 1, false, next.data());
        if (t.logup_on_d) {  // on D the values are the rows themselves; the zerocheck sum vanishes
            backend.dag_base_sums(*t.dag, {local.data(), cols, next.data(), width, points}, sums.data());
            add_round0_block(t, sums.data(), first, count, false, out.on_d.data());
        }
        if (cosets == 0) continue;
        backend.ntt(local.data(), {l, uint32_t(count * cols)}, true, 1);
        backend.ntt(next.data(), {l, uint32_t(count * width)}, true, 1);
        for (size_t c = 0; c < cosets; ++c) {
            parallel_copy(local.data(), points * cols, local_c.data());
            parallel_copy(next.data(), points * width, next_c.data());
            backend.ntt(local_c.data(), {l, uint32_t(count * cols)}, false, t.coset_shifts[c]);
            backend.ntt(next_c.data(), {l, uint32_t(count * width)}, false, t.coset_shifts[c]);
            backend.dag_base_sums(*t.dag, {local_c.data(), cols, next_c.data(), width, points}, sums.data());
            add_round0_block(t, sums.data(), first, count, true, out.on_cosets.data() + c * n);
        }
    }
    return out;
}

}  // namespace gpustark
