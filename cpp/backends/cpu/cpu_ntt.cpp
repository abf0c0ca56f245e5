// The plan: the bit reversal (with a forward shift's scale) as one pass, then the stages in a few
// passes, each over groups of rows that fit in the L2 cache together, so that the data cross
// memory once per pass rather than once per stage (a 2^22 x 21 codeword: 22 stages in 3 passes).
// Tasks are (column block, run of groups) pairs: a wide matrix of few rows (round 0's blocks)
// splits by columns, a tall one by groups.
#include "cpu_ntt.h"

#include <algorithm>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

#include "../../core/ntt_tables.h"
#include "../../core/parallel.h"
#include "../../core/simd/ntt_lanes.h"

namespace gpustark {
namespace {

constexpr size_t kTileWords = size_t(1) << 16;  // a task's rows x columns: 256 KiB, in L2
constexpr size_t kWideRow = 256;                // wider rows split into column blocks
constexpr size_t kRun = 16;                     // groups a later pass takes side by side

uint32_t floor_log2(size_t x) {
    uint32_t r = 0;
    while (x >>= 1) ++r;
    return r;
}

// Stage twiddle tables (ntt_stage_twiddles) by (log_n, inverse), kept for the process: a proof
// asks for the same few sizes many times, and a 2^22 table takes longer to build than a small
// transform.
const std::vector<uint32_t>& cached_stage_twiddles(uint32_t log_n, bool inverse) {
    static std::mutex mutex;
    static std::map<std::pair<uint32_t, bool>, std::unique_ptr<const std::vector<uint32_t>>> cache;
    std::lock_guard<std::mutex> lock(mutex);
    auto& slot = cache[{log_n, inverse}];
    if (!slot) slot = std::make_unique<const std::vector<uint32_t>>(ntt_stage_twiddles(log_n, inverse));
    return *slot;
}

// Runs `stages` over every group, tasks of `groups_per_task` groups on each column block.
void run_pass(const NttMatrix& m, const NttStages& stages, size_t batch, size_t block, size_t groups_per_task) {
    const size_t groups = (size_t(1) << m.log_n) >> (stages.stage_end - stages.stage_begin);
    const size_t col_blocks = (batch + block - 1) / block, group_tasks = (groups + groups_per_task - 1) / groups_per_task;
    parallel_for(col_blocks * group_tasks, 1, [&](size_t begin, size_t end) {
        for (size_t t = begin; t < end; ++t) {
            const size_t c0 = (t % col_blocks) * block, g0 = (t / col_blocks) * groups_per_task;
            ntt_stage_groups(m, stages, g0, std::min(groups, g0 + groups_per_task), c0, std::min(batch, c0 + block));
        }
    });
}

}  // namespace

void cpu_ntt(uint32_t* data, NttShape shape, bool inverse, uint32_t shift) {
    const uint32_t log_n = shape.log_n;
    const size_t n = size_t(1) << log_n, batch = shape.batch;
    if (batch == 0) return;
    const std::vector<uint32_t> factors = ntt_scale_factors(log_n, inverse, shift);
    const uint32_t* pre = !inverse && !factors.empty() ? factors.data() : nullptr;
    const uint32_t* post = inverse && !factors.empty() ? factors.data() : nullptr;
    const NttMatrix m{data, batch, log_n};

    // Column blocks: whole rows when they are narrow, else blocks sized so that a group of the
    // first pass fills a tile (rounded to 16 columns, one AVX-512 register).
    size_t block = batch;
    if (batch > kWideRow) block = std::min(batch, std::max(kWideRow, ((kTileWords >> std::min(log_n, 16u)) + 15) / 16 * 16));
    const size_t col_blocks = (batch + block - 1) / block;
    // The bit reversal: tasks of about a tile's words.
    const size_t rows_per_task = std::max<size_t>(1, kTileWords / block);
    const size_t row_tasks = (n + rows_per_task - 1) / rows_per_task;
    parallel_for(col_blocks * row_tasks, 1, [&](size_t begin, size_t end) {
        for (size_t t = begin; t < end; ++t) {
            const size_t c0 = (t % col_blocks) * block, r0 = (t / col_blocks) * rows_per_task;
            ntt_bit_reverse_rows(m, pre, r0, std::min(n, r0 + rows_per_task), c0, std::min(batch, c0 + block));
        }
    });
    if (log_n == 0) {
        if (post) ntt_stage_groups(m, {0, 0, nullptr, post}, 0, 1, 0, batch);
        return;
    }

    // The stages: a first pass over blocks of adjacent rows, as many stages as a tile holds; then
    // passes over runs of kRun adjacent groups (rows 2^stage apart), each run's rows a tile.
    const uint32_t* twiddles = cached_stage_twiddles(log_n, inverse).data();
    const size_t tile_rows = std::max<size_t>(1, kTileWords / block);
    const uint32_t first = std::min(log_n, std::max<uint32_t>(1, floor_log2(tile_rows)));
    run_pass(m, {0, first, twiddles, first == log_n ? post : nullptr}, batch, block,
             std::max<size_t>(1, tile_rows >> first));
    if (first == log_n) return;
    const uint32_t per_pass = std::max<uint32_t>(1, floor_log2(std::max<size_t>(1, tile_rows / kRun)));
    const uint32_t passes = (log_n - first + per_pass - 1) / per_pass;
    for (uint32_t p = 0, s0 = first; p < passes; ++p) {
        const uint32_t s1 = s0 + (log_n - s0 + (passes - p) - 1) / (passes - p);  // balanced
        run_pass(m, {s0, s1, twiddles, p + 1 == passes ? post : nullptr}, batch, block,
                 kRun * std::max<size_t>(1, tile_rows / (kRun << (s1 - s0))));
        s0 = s1;
    }
}

}  // namespace gpustark
