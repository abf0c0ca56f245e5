#include "launch_plan.h"

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <string>

namespace gpustark {
namespace device {

namespace {

uint64_t ceil_div(uint64_t a, uint64_t b) { return a / b + (a % b != 0); }

// v rounded up to a multiple of m; saturates instead of wrapping (callers compare it with a limit).
uint64_t round_up(uint64_t v, uint64_t m) {
    uint64_t r = ceil_div(v, m);
    return r > std::numeric_limits<uint64_t>::max() / m ? std::numeric_limits<uint64_t>::max() : r * m;
}

uint32_t floor_pow2(uint32_t v) {
    uint32_t p = 1;
    while (p <= v / 2) p *= 2;
    return p;
}

std::string bytes(uint64_t b) { return std::to_string(b) + " bytes"; }

// The largest group both limits allow, after checking that the limits were read at all.
uint32_t group_cap(const DeviceLimits& device, const PipelineLimits& pipeline, const char* who) {
    if (device.max_threads_per_group == 0)
        throw std::invalid_argument(std::string(who) + ": device max_threads_per_group is 0 (limits not read?)");
    if (device.simd_width == 0 && pipeline.thread_execution_width == 0)
        throw std::invalid_argument(std::string(who) + ": SIMD width is 0 on both the device and the pipeline");
    if (pipeline.max_total_threads == 0)
        throw std::invalid_argument(std::string(who) +
                                    ": pipeline max_total_threads is 0 (read it from the compiled pipeline)");
    return std::min(device.max_threads_per_group, pipeline.max_total_threads);
}

uint32_t simd_width(const DeviceLimits& device, const PipelineLimits& pipeline) {
    return pipeline.thread_execution_width != 0 ? pipeline.thread_execution_width : device.simd_width;
}

// Dynamic scratch left per group: static and dynamic scratch share the device's per-group pool.
uint64_t scratch_room(const DeviceLimits& device, const PipelineLimits& pipeline, const char* who) {
    if (pipeline.static_scratch_bytes > device.max_group_scratch_bytes)
        throw std::invalid_argument(std::string(who) + ": pipeline static scratch of " +
                                    bytes(pipeline.static_scratch_bytes) + " exceeds the device's " +
                                    bytes(device.max_group_scratch_bytes) + " per group");
    return device.max_group_scratch_bytes - pipeline.static_scratch_bytes;
}

// The smallest non-zero of two optional caps (0 = none).
uint64_t min_cap(uint64_t a, uint64_t b) {
    if (a == 0) return b;
    if (b == 0) return a;
    return std::min(a, b);
}

// A group size rounded down to the shape the kernel wants: a power of two if asked, and a whole
// number of SIMD groups when at least one fits (partial SIMD groups waste lanes on every step).
uint32_t shape(uint32_t g, uint32_t width, bool pow2) {
    if (pow2) g = floor_pow2(g);
    if (g >= width) g = g / width * width;
    return std::max<uint32_t>(g, 1);
}

// The next smaller group of the same shape, for shrinking until the scratch fits.
uint32_t next_smaller(uint32_t g, uint32_t width, bool pow2) {
    if (pow2) return g / 2;
    return g > width ? g - width : g - 1;
}

}  // namespace

LaunchPlan plan(const DeviceLimits& device, const PipelineLimits& pipeline, const Problem& problem) {
    const char* who = "launch plan";
    uint32_t cap = group_cap(device, pipeline, who);
    if (problem.max_group_threads != 0) cap = std::min(cap, problem.max_group_threads);
    if (problem.items_per_thread == 0) throw std::invalid_argument("launch plan: items_per_thread must be >= 1");
    uint64_t room = scratch_room(device, pipeline, who);
    if (problem.items == 0) return {};

    const uint32_t width = simd_width(device, pipeline);
    const bool pow2 = problem.power_of_two_group;
    const uint64_t threads = ceil_div(problem.items, problem.items_per_thread);

    // As large as the caps allow, but no larger than the work needs, and small enough that the
    // grid reaches every core when there are few items (one group per core is the minimum that
    // keeps them all busy). Below one SIMD group a smaller group saves nothing: the SIMD group
    // runs whole either way.
    uint64_t target = threads;
    if (cap >= width) {
        uint64_t spread = device.core_count != 0 ? ceil_div(threads, device.core_count) : threads;
        target = std::max<uint64_t>(round_up(spread, width), width);
    }
    uint32_t g = shape(static_cast<uint32_t>(std::min<uint64_t>(target, cap)), width, pow2);

    uint64_t scratch = 0;
    for (;;) {
        uint64_t need = problem.scratch_for_group ? problem.scratch_for_group(g) : problem.scratch_bytes;
        scratch = need == 0 ? 0 : round_up(need, kScratchGranularity);
        if (scratch <= room) break;
        uint32_t smaller = problem.scratch_for_group ? next_smaller(g, width, pow2) : 0;
        if (smaller == 0)
            throw std::invalid_argument("launch plan: " + bytes(need) + " of scratch per group of " +
                                        std::to_string(g) + " threads (" + bytes(scratch) +
                                        " rounded to 16) does not fit the " + bytes(room) + " left by the device's " +
                                        bytes(device.max_group_scratch_bytes) + " minus the pipeline's static " +
                                        bytes(pipeline.static_scratch_bytes));
        g = smaller;
    }

    LaunchPlan p;
    p.group = g;
    p.scratch_bytes = scratch;
    p.items_per_thread = problem.items_per_thread;
    p.grid = ceil_div(threads, g);
    uint64_t max_grid = min_cap(device.max_groups, problem.max_groups);
    if (max_grid != 0 && p.grid > max_grid) {
        // Too many groups: keep the group and give each thread more items (grid-stride style).
        p.items_per_thread = ceil_div(problem.items, max_grid * g);
        p.grid = ceil_div(ceil_div(problem.items, p.items_per_thread), g);
    }
    return p;
}

NttBlockPlan plan_ntt_block(const DeviceLimits& device, const PipelineLimits& pipeline, uint32_t log_n,
                            uint32_t batch, uint32_t max_log_block, bool column_major) {
    const char* who = "block NTT plan";
    uint32_t cap = group_cap(device, pipeline, who);
    if (log_n > 31)
        throw std::invalid_argument("block NTT plan: log_n must be <= 31 (32-bit rows), got " + std::to_string(log_n));
    uint64_t room = scratch_room(device, pipeline, who);
    if (log_n == 0 || batch == 0 || max_log_block == 0) return {};

    // With several columns, a group takes at least kNttBlockMinColumns of them (when the batch has
    // them): neighbouring lanes then read a whole 32-byte segment of each row of a row-major
    // batch, at the price of a shorter block (and more global stages) than one column allows.
    // Scratch of a block of 2^lb rows of `columns` columns (ntt_block_scratch_pitch words a row).
    auto scratch = [&](uint32_t lb, uint64_t columns) {
        return round_up((uint64_t(4) << lb) * ntt_block_scratch_pitch(columns, column_major), kScratchGranularity);
    };
    auto largest_block = [&](uint64_t columns) {
        uint32_t largest = 0;
        for (uint32_t lb = 1; lb <= std::min(log_n, max_log_block); ++lb)
            if (scratch(lb, columns) <= room) largest = lb;
        return largest;
    };
    uint64_t min_columns = std::min<uint64_t>(batch, kNttBlockMinColumns);
    uint32_t log_block = largest_block(min_columns);
    if (log_block == 0) log_block = largest_block(min_columns = 1);  // too little scratch for them
    if (log_block == 0)
        throw std::invalid_argument("block NTT plan: a 2-row block needs " + bytes(kScratchGranularity) +
                                    " of scratch, but only " + bytes(room) + " are left by the device's " +
                                    bytes(device.max_group_scratch_bytes) + " minus the pipeline's static " +
                                    bytes(pipeline.static_scratch_bytes));

    NttBlockPlan p;
    p.log_block = log_block;
    const uint64_t block_bytes = uint64_t(4) << log_block;
    uint64_t columns = std::max<uint64_t>({uint64_t(1), min_columns, uint64_t(kNttBlockTargetRows) >> log_block});
    columns = std::min<uint64_t>({columns, batch, std::max<uint64_t>(1, room / block_bytes)});
    while (columns > 1 && scratch(log_block, columns) > room) --columns;
    p.columns = uint32_t(columns);
    p.scratch_bytes = scratch(log_block, columns);
    // kNttBlockWordsPerLane words a lane, but a whole SIMD group where the block has the words.
    const uint64_t words = columns << log_block, simd = simd_width(device, pipeline);
    const uint64_t lanes = std::max<uint64_t>(words / kNttBlockWordsPerLane, std::min<uint64_t>(words, simd));
    p.lanes = shape(uint32_t(std::min<uint64_t>(cap, lanes)), uint32_t(simd), false);
    p.groups = (uint64_t(1) << (log_n - log_block)) * ((batch + columns - 1) / columns);
    // The body takes a 32-bit group index, and the grid has its own limit.
    uint64_t max_groups = min_cap(device.max_groups, uint64_t(1) << 32);
    if (p.groups > max_groups)
        throw std::invalid_argument("block NTT plan: " + std::to_string(p.groups) + " groups (2^" +
                                    std::to_string(log_n - log_block) + " blocks x " + std::to_string(batch) +
                                    " columns) exceed the grid limit of " + std::to_string(max_groups));
    return p;
}

uint64_t resident_threads(const DeviceLimits& device, uint32_t group) {
    if (device.core_count == 0 || device.max_threads_per_core == 0 || group == 0) return 0;
    return uint64_t(device.core_count) * (device.max_threads_per_core / group * group);
}

LaunchPlan as_launch_plan(const NttBlockPlan& b) {
    LaunchPlan p;
    p.grid = b.groups;
    p.group = b.lanes;
    p.scratch_bytes = b.scratch_bytes;
    p.items_per_thread = b.lanes == 0 ? 0 : ((uint64_t(1) << b.log_block) + b.lanes - 1) / b.lanes;
    return p;
}

}  // namespace device
}  // namespace gpustark
