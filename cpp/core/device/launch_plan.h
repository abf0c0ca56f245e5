// Launch geometry from limits, never from constants: a pure planner shared by the CUDA and Metal
// backends and unit-tested against recorded limits of real devices (M1, M3 Max, H100).
//
//     DeviceLimits dev = ...;          // read once from the device
//     PipelineLimits pipe = ...;       // read from each compiled pipeline / kernel
//     Problem work;
//     work.items = n;
//     LaunchPlan p = plan(dev, pipe, work);
//     launch(p.grid, p.group, p.scratch_bytes);   // the kernel bounds-checks its tail
//
// Everything here is plain C++17 with no device API; errors are std::invalid_argument.
#pragma once
#include <cstdint>
#include <functional>

namespace gpustark {
namespace device {

// What the device allows for any kernel. 0 in an optional field means "unknown / no limit".
struct DeviceLimits {
    uint32_t max_threads_per_group = 0;    // Metal maxThreadsPerThreadgroup; CUDA maxThreadsPerBlock
    uint32_t simd_width = 0;               // Metal threadExecutionWidth (typical); CUDA warpSize
    uint64_t max_group_scratch_bytes = 0;  // Metal maxThreadgroupMemoryLength; CUDA sharedMemPerBlock
                                           // (or sharedMemPerBlockOptin once a kernel has opted in)
    uint32_t core_count = 0;               // GPU cores / SMs; optional, spreads small problems
    uint32_t max_threads_per_core = 0;     // CUDA maxThreadsPerMultiProcessor; optional
    uint64_t max_groups = 0;               // groups per 1-D grid (CUDA 2^31 - 1); optional
};

// What one compiled pipeline allows; register pressure can make max_total_threads smaller than
// the device's limit, and static scratch is taken from the same pool as the dynamic scratch.
struct PipelineLimits {
    uint32_t max_total_threads = 0;  // Metal maxTotalThreadsPerThreadgroup; CUDA attr.maxThreadsPerBlock
    uint64_t static_scratch_bytes = 0;     // Metal staticThreadgroupMemoryLength; CUDA attr.sharedSizeBytes
    uint32_t thread_execution_width = 0;   // Metal pipeline threadExecutionWidth; 0 = the device's
};

// One launch's work: `items` independent work items, each kernel thread covering
// `items_per_thread` of them (strided or contiguous: the kernel decides).
struct Problem {
    uint64_t items = 0;
    uint64_t items_per_thread = 1;  // preferred; raised only when the grid would exceed max_groups
    uint64_t scratch_bytes = 0;     // fixed dynamic scratch per group ...
    std::function<uint64_t(uint32_t group)> scratch_for_group;  // ... or, when set, per group size
    uint32_t max_group_threads = 0; // the caller's cap on the group size (0 = the limits' cap)
    uint64_t max_groups = 0;        // the caller's cap on the grid (e.g. one wave for grid-stride loops)
    bool power_of_two_group = false;  // for kernels that halve the group in tree reductions
};

struct LaunchPlan {
    uint64_t grid = 0;              // groups
    uint32_t group = 0;             // threads per group
    uint64_t scratch_bytes = 0;     // dynamic scratch per group, a multiple of kScratchGranularity
    uint64_t items_per_thread = 0;  // grid * group * items_per_thread >= items
    bool empty() const { return grid == 0; }
};

// Metal requires threadgroup memory lengths in multiples of 16 bytes; CUDA does not care, so one
// rule serves both.
constexpr uint64_t kScratchGranularity = 16;

// The plan for `problem`. Promises, for items > 0:
//  - 1 <= group <= min(device max threads, pipeline max total threads, problem.max_group_threads);
//  - group is a multiple of the SIMD width (the pipeline's, else the device's) whenever that cap
//    allows at least one SIMD group, and a power of two when problem.power_of_two_group (SIMD
//    widths are powers of two on every supported device, so both hold together);
//  - small problems are spread: the group shrinks (not below one SIMD group) so that the grid
//    reaches device.core_count groups when the items allow;
//  - scratch_bytes = the problem's scratch for that group rounded up to kScratchGranularity, and
//    scratch_bytes + pipeline static scratch <= device max group scratch (a per-group-size
//    scratch function makes the group shrink until it fits);
//  - grid * group * items_per_thread >= items, grid <= the device's and the problem's max_groups.
// items == 0 gives the empty plan {0, 0, 0, 0}. Throws std::invalid_argument for missing limits
// (zero max threads or SIMD width), items_per_thread == 0, or scratch that cannot fit.
LaunchPlan plan(const DeviceLimits& device, const PipelineLimits& pipeline, const Problem& problem);

// Words a row of a block NTT group's scratch takes: its columns, made odd for a column-major
// batch (the host's copy of kernels/ntt/ntt_block.h's ntt_block_pitch, which CUDA compiles for
// the device only).
inline uint64_t ntt_block_scratch_pitch(uint64_t columns, bool column_major) {
    return column_major ? (columns | 1u) : columns;
}

// The block NTT (kernels/ntt/ntt_block.h): groups of `lanes` threads each run log_block stages
// of 2^log_block rows of `columns` neighbouring columns in (4 << log_block) * pitch bytes of
// scratch.
struct NttBlockPlan {
    uint32_t log_block = 0;      // 0 = nothing to do (log_n == 0 or batch == 0)
    uint32_t lanes = 0;          // threads per group
    uint32_t columns = 0;        // columns per group (NttParams::block_columns)
    uint64_t groups = 0;         // (2^log_n >> log_block) * ceil(batch / columns)
    uint64_t scratch_bytes = 0;  // (4 << log_block) * ntt_block_scratch_pitch rounded up to kScratchGranularity
};

// Rows a block NTT group aims to hold: short transforms take several columns per group up to
// this, so that a group has enough butterflies to keep its lanes busy.
constexpr uint32_t kNttBlockTargetRows = 1024;
// Columns a block NTT group takes at least, when the batch has that many: 8 words, one 32-byte
// memory segment of a row-major row (one column per group reads a word per segment).
constexpr uint32_t kNttBlockMinColumns = 8;

// Words of a block NTT group per lane: each lane's fixed cost (finding its place in the block)
// is then small beside its share of the loads, stores and butterflies, and a group has few
// warps to wait for at each of its barriers.
constexpr uint32_t kNttBlockWordsPerLane = 8;

// The largest log_block <= min(log_n, max_log_block) whose scratch for min(batch,
// kNttBlockMinColumns) columns (rounded up to kScratchGranularity) fits the device's group scratch
// minus the pipeline's static scratch (max_log_block bounds a later pass, which runs only the
// stages the passes before it left); then columns = as many of the batch's columns as fit
// kNttBlockTargetRows rows and the scratch (at least min(batch, kNttBlockMinColumns)); lanes =
// min(max(columns 2^log_block / kNttBlockWordsPerLane, min(words, SIMD width)), device and
// pipeline max threads), rounded down to a multiple of the SIMD width when at least one SIMD group. The
// scratch holds a block row in ntt_block_scratch_pitch(columns, column_major) words. Throws std::invalid_argument for
// log_n > 31 (rows are 32-bit in the kernel), missing limits, no room for even a 2-row block, or
// more groups than the grid (or a 32-bit group index) allows.
NttBlockPlan plan_ntt_block(const DeviceLimits& device, const PipelineLimits& pipeline, uint32_t log_n,
                            uint32_t batch, uint32_t max_log_block = 31, bool column_major = false);
// The block NTT plan as a launch: its groups, lanes and scratch, each lane covering its share of
// the block's rows.
LaunchPlan as_launch_plan(const NttBlockPlan& block);

// Threads resident at once on the whole device for groups of `group` threads (whole groups per
// core), e.g. to size a grid-stride kernel to one wave; 0 when core_count or
// max_threads_per_core is unknown.
uint64_t resident_threads(const DeviceLimits& device, uint32_t group);

}  // namespace device
}  // namespace gpustark
