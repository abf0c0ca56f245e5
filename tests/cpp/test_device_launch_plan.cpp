// The launch planner against recorded limits of real devices: every plan is checked against the
// promises of launch_plan.h, and a few are pinned to exact numbers.
#include <gtest/gtest.h>

#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/device/launch_plan.h"
#include "core/device_ntt_plan.h"
#include "kernels/ntt/ntt.h"

namespace {

using gpustark::device::DeviceLimits;
using gpustark::device::LaunchPlan;
using gpustark::device::NttBlockPlan;
using gpustark::device::PipelineLimits;
using gpustark::device::Problem;
using gpustark::device::plan;
using gpustark::device::plan_ntt_block;
using gpustark::device::resident_threads;

struct NamedDevice {
    const char* name;
    DeviceLimits limits;
};

// MTLDevice maxThreadsPerThreadgroup.width, threadExecutionWidth, maxThreadgroupMemoryLength,
// GPU cores; Metal reports no per-core thread count or grid limit here.
constexpr DeviceLimits kM1{1024, 32, 32768, 8, 0, 0};
constexpr DeviceLimits kM3Max{1024, 32, 32768, 40, 0, 0};
// cudaDeviceProp: maxThreadsPerBlock, warpSize, sharedMemPerBlock (48 KiB without opt-in),
// multiProcessorCount, maxThreadsPerMultiProcessor, maxGridSize[0].
constexpr DeviceLimits kH100{1024, 32, 49152, 132, 2048, 2147483647};
// The same with sharedMemPerBlockOptin (227 KiB), for kernels that raised their attribute.
constexpr DeviceLimits kH100OptIn{1024, 32, 232448, 132, 2048, 2147483647};

const std::vector<NamedDevice>& devices() {
    static const std::vector<NamedDevice> all{{"M1", kM1}, {"M3 Max", kM3Max}, {"H100", kH100}, {"H100 opt-in", kH100OptIn}};
    return all;
}

// Compiled pipelines: max total threads (register pressure lowers it), static scratch, width.
const std::vector<PipelineLimits>& pipelines() {
    static const std::vector<PipelineLimits> all{
        {1024, 0, 32},     // a light lane kernel
        {576, 0, 32},      // register-heavy Poseidon2
        {896, 4096, 32},   // with static scratch
        {448, 16384, 0},   // static scratch; width left to the device
        {24, 0, 32},       // a cap below one SIMD group
    };
    return all;
}

std::vector<uint64_t> item_counts() {
    return {1, 5, 31, 32, 33, 255, 1000, 1001, 4095, 14348907 /* 3^15 */, uint64_t(1) << 20,
            (uint64_t(1) << 20) + 7, uint64_t(1) << 33};
}

// Every promise of plan() for one (device, pipeline, problem).
void expect_valid(const DeviceLimits& d, const PipelineLimits& p, const Problem& w, const LaunchPlan& lp,
                  const std::string& what) {
    SCOPED_TRACE(what);
    if (w.items == 0) {
        EXPECT_TRUE(lp.empty());
        return;
    }
    uint32_t cap = std::min(d.max_threads_per_group, p.max_total_threads);
    if (w.max_group_threads) cap = std::min(cap, w.max_group_threads);
    uint32_t width = p.thread_execution_width ? p.thread_execution_width : d.simd_width;
    ASSERT_GE(lp.group, 1u);
    EXPECT_LE(lp.group, cap);
    if (cap >= width) { EXPECT_EQ(lp.group % width, 0u) << "group " << lp.group; }
    if (w.power_of_two_group) { EXPECT_EQ(lp.group & (lp.group - 1), 0u); }
    EXPECT_EQ(lp.scratch_bytes % 16, 0u);
    EXPECT_LE(lp.scratch_bytes + p.static_scratch_bytes, d.max_group_scratch_bytes);
    uint64_t need = w.scratch_for_group ? w.scratch_for_group(lp.group) : w.scratch_bytes;
    EXPECT_GE(lp.scratch_bytes, need);
    EXPECT_LT(lp.scratch_bytes, need + 16);
    ASSERT_GE(lp.items_per_thread, w.items_per_thread);
    // Covers every item, with no group that would be wholly out of bounds.
    EXPECT_GE(lp.grid * lp.group * lp.items_per_thread, w.items);
    EXPECT_LT((lp.grid - 1) * lp.group * lp.items_per_thread, w.items);
    if (d.max_groups) { EXPECT_LE(lp.grid, d.max_groups); }
    if (w.max_groups) { EXPECT_LE(lp.grid, w.max_groups); }
}

TEST(DeviceLaunchPlan, InvariantsOnRecordedDevices) {
    for (const NamedDevice& dev : devices())
        for (const PipelineLimits& pipe : pipelines())
            for (uint64_t items : item_counts())
                for (int variant = 0; variant < 5; ++variant) {
                    Problem w;
                    w.items = items;
                    if (variant == 1) w.scratch_bytes = 1000;                       // fixed, rounds to 1008
                    if (variant == 2) w.scratch_for_group = [](uint32_t g) { return 40ull * g + 4; };
                    if (variant == 3) w.items_per_thread = 4, w.max_group_threads = 256;
                    if (variant == 4) w.power_of_two_group = true, w.max_groups = 64;
                    LaunchPlan lp = plan(dev.limits, pipe, w);
                    expect_valid(dev.limits, pipe, w, lp,
                                 std::string(dev.name) + " pipeline " + std::to_string(pipe.max_total_threads) +
                                     " items " + std::to_string(items) + " variant " + std::to_string(variant));
                }
}

TEST(DeviceLaunchPlan, LargeProblemsUseTheWholeGroupTheLimitsAllow) {
    Problem w;
    w.items = uint64_t(1) << 20;
    LaunchPlan lp = plan(kM1, {1024, 0, 32}, w);
    EXPECT_EQ(lp.group, 1024u);
    EXPECT_EQ(lp.grid, 1024u);
    EXPECT_EQ(lp.scratch_bytes, 0u);
    EXPECT_EQ(lp.items_per_thread, 1u);

    lp = plan(kM3Max, {576, 0, 32}, w);  // Poseidon2: the pipeline, not the device, decides
    EXPECT_EQ(lp.group, 576u);
    EXPECT_EQ(lp.grid, 1821u);  // 1820 * 576 = 1048320 < 2^20

    lp = plan(kH100, {1024, 0, 32}, [] {
        Problem p;
        p.items = uint64_t(1) << 20;
        p.max_group_threads = 256;  // the CUDA backend's 8 warps
        return p;
    }());
    EXPECT_EQ(lp.group, 256u);
    EXPECT_EQ(lp.grid, 4096u);
}

TEST(DeviceLaunchPlan, SmallProblemsSpreadOverEveryCore) {
    Problem w;
    w.items = 1000;
    LaunchPlan lp = plan(kM1, {1024, 0, 32}, w);  // 8 cores: 125 per core -> 4 SIMD groups
    EXPECT_EQ(lp.group, 128u);
    EXPECT_EQ(lp.grid, 8u);
    lp = plan(kH100, {1024, 0, 32}, w);  // 132 SMs: never below one warp
    EXPECT_EQ(lp.group, 32u);
    EXPECT_EQ(lp.grid, 32u);
    w.items = 5;
    lp = plan(kM3Max, {1024, 0, 32}, w);
    EXPECT_EQ(lp.group, 32u);
    EXPECT_EQ(lp.grid, 1u);
    lp = plan(kM3Max, {24, 0, 32}, w);  // a cap below the SIMD width is used as is
    EXPECT_EQ(lp.group, 5u);
    EXPECT_EQ(lp.grid, 1u);
}

TEST(DeviceLaunchPlan, ScratchRoundsTo16AndShrinksTheGroupToFit) {
    Problem w;
    w.items = uint64_t(1) << 20;
    w.scratch_bytes = 1000;
    EXPECT_EQ(plan(kM1, {1024, 0, 32}, w).scratch_bytes, 1008u);

    w.scratch_bytes = 0;
    w.scratch_for_group = [](uint32_t g) { return 64ull * g; };
    LaunchPlan lp = plan(kM1, {1024, 0, 32}, w);  // 64 KiB at 1024 > 32 KiB: half the group fits
    EXPECT_EQ(lp.group, 512u);
    EXPECT_EQ(lp.scratch_bytes, 32768u);
    lp = plan(kM1, {896, 4096, 32}, w);  // 28 KiB left next to 4 KiB of static scratch
    EXPECT_EQ(lp.group, 448u);
    EXPECT_EQ(lp.scratch_bytes, 28672u);
    lp = plan(kH100, {1024, 0, 32}, w);  // 48 KiB: 768 threads
    EXPECT_EQ(lp.group, 768u);
}

TEST(DeviceLaunchPlan, GridLimitRaisesItemsPerThread) {
    Problem w;
    w.items = uint64_t(1) << 42;
    LaunchPlan lp = plan(kH100, {1024, 0, 32}, w);
    EXPECT_EQ(lp.group, 1024u);
    EXPECT_EQ(lp.items_per_thread, 3u);  // 2 would need 2^31 blocks, one more than CUDA allows
    EXPECT_LE(lp.grid, kH100.max_groups);
    expect_valid(kH100, {1024, 0, 32}, w, lp, "2^42 items");

    w.items = uint64_t(1) << 20;
    w.max_groups = resident_threads(kH100, 256) / 256;  // one wave of 256-thread blocks
    w.max_group_threads = 256;
    lp = plan(kH100, {1024, 0, 32}, w);
    EXPECT_EQ(lp.grid, 1024u);  // 132 * 8 = 1056 resident blocks; 4 items per thread need 1024
    EXPECT_EQ(lp.items_per_thread, 4u);
}

TEST(DeviceLaunchPlan, ZeroItemsIsAnEmptyPlan) {
    Problem w;
    LaunchPlan lp = plan(kM1, {1024, 0, 32}, w);
    EXPECT_TRUE(lp.empty());
    EXPECT_EQ(lp.group, 0u);
    EXPECT_EQ(lp.scratch_bytes, 0u);
}

TEST(DeviceLaunchPlan, ImpossibleInputsThrowWithTheNumbers) {
    Problem w;
    w.items = 100;
    EXPECT_THROW(plan({}, {1024, 0, 32}, w), std::invalid_argument);            // device limits not read
    EXPECT_THROW(plan(kM1, {0, 0, 32}, w), std::invalid_argument);              // pipeline limits not read
    EXPECT_THROW(plan(kM1, {1024, 40000, 32}, w), std::invalid_argument);       // static > device
    Problem zero_ipt = w;
    zero_ipt.items_per_thread = 0;
    EXPECT_THROW(plan(kM1, {1024, 0, 32}, zero_ipt), std::invalid_argument);
    w.scratch_bytes = 32768;  // fits alone, but not next to 16 bytes of static scratch
    EXPECT_NO_THROW(plan(kM1, {1024, 0, 32}, w));
    try {
        plan(kM1, {1024, 16, 32}, w);
        FAIL() << "expected std::invalid_argument";
    } catch (const std::invalid_argument& e) {
        std::string msg = e.what();
        EXPECT_NE(msg.find("32768 bytes"), std::string::npos) << msg;
        EXPECT_NE(msg.find("32752 bytes left"), std::string::npos) << msg;
    }
    w.scratch_bytes = 0;
    w.scratch_for_group = [](uint32_t) { return uint64_t(1) << 20; };  // never fits
    EXPECT_THROW(plan(kH100, {1024, 0, 32}, w), std::invalid_argument);
}

void expect_valid_ntt(const DeviceLimits& d, const PipelineLimits& p, uint32_t log_n, uint32_t batch,
                      const NttBlockPlan& np) {
    SCOPED_TRACE("log_n " + std::to_string(log_n) + " batch " + std::to_string(batch) + " pipeline " +
                 std::to_string(p.max_total_threads));
    if (log_n == 0 || batch == 0) {
        EXPECT_EQ(np.log_block, 0u);
        EXPECT_EQ(np.groups, 0u);
        return;
    }
    uint64_t room = d.max_group_scratch_bytes - p.static_scratch_bytes;
    // Rows x columns words, rounded up to the planner's 16-byte granularity.
    auto scratch = [](uint32_t lb, uint64_t columns) { return ((uint64_t(4) << lb) * columns + 15) / 16 * 16; };
    ASSERT_GE(np.log_block, 1u);
    ASSERT_LE(np.log_block, log_n);
    ASSERT_GE(np.columns, 1u);
    ASSERT_LE(np.columns, batch);
    EXPECT_EQ(np.scratch_bytes, scratch(np.log_block, np.columns));
    EXPECT_LE(np.scratch_bytes, room);
    const uint64_t min_columns = std::min<uint64_t>(batch, gpustark::device::kNttBlockMinColumns);
    if (np.log_block < log_n) { EXPECT_GT(scratch(np.log_block + 1, min_columns), room) << "a larger block fits"; }
    EXPECT_GE(np.columns, min_columns);
    // More than the minimum columns only for short blocks, up to the target rows.
    if (np.columns > min_columns) { EXPECT_LE(uint64_t(np.columns) << np.log_block, gpustark::device::kNttBlockTargetRows); }
    EXPECT_GE(np.lanes, 1u);
    const uint64_t words = uint64_t(np.columns) << np.log_block;
    EXPECT_LE(np.lanes, std::max<uint64_t>(words / gpustark::device::kNttBlockWordsPerLane,
                                           std::min<uint64_t>(words, 32)));
    EXPECT_LE(np.lanes, std::min(d.max_threads_per_group, p.max_total_threads));
    if (np.lanes >= 32) { EXPECT_EQ(np.lanes % 32, 0u); }
    EXPECT_EQ(np.groups << np.log_block, (uint64_t(1) << log_n) * ((batch + np.columns - 1) / np.columns));
}

TEST(DeviceNttBlockPlan, InvariantsOnRecordedDevices) {
    for (const NamedDevice& dev : devices())
        for (const PipelineLimits& pipe : pipelines())
            for (uint32_t log_n : {0u, 1u, 2u, 3u, 5u, 10u, 13u, 14u, 16u, 20u, 24u, 27u})
                for (uint32_t batch : {0u, 1u, 3u, 64u}) {
                    SCOPED_TRACE(dev.name);
                    expect_valid_ntt(dev.limits, pipe, log_n, batch, plan_ntt_block(dev.limits, pipe, log_n, batch));
                }
}

TEST(DeviceNttBlockPlan, ExactChoices) {
    NttBlockPlan np = plan_ntt_block(kM1, {1024, 0, 32}, 20, 1);  // 32 KiB: 2^13 rows of one column
    EXPECT_EQ(np.log_block, 13u);
    EXPECT_EQ(np.columns, 1u);
    EXPECT_EQ(np.lanes, 1024u);
    EXPECT_EQ(np.groups, 128u);
    EXPECT_EQ(np.scratch_bytes, 32768u);
    np = plan_ntt_block(kM1, {1024, 0, 32}, 20, 4);  // four columns together: 2^11 rows
    EXPECT_EQ(np.log_block, 11u);
    EXPECT_EQ(np.columns, 4u);
    EXPECT_EQ(np.lanes, 1024u);
    EXPECT_EQ(np.groups, 512u);
    EXPECT_EQ(np.scratch_bytes, 32768u);

    np = plan_ntt_block(kM3Max, {448, 4096, 32}, 20, 1);  // 28 KiB left: 2^12 rows, 448 lanes
    EXPECT_EQ(np.log_block, 12u);
    EXPECT_EQ(np.lanes, 448u);
    EXPECT_EQ(np.groups, 256u);

    np = plan_ntt_block(kH100, {1024, 0, 32}, 24, 1);  // 48 KiB: still 2^13 (2^14 needs 64 KiB)
    EXPECT_EQ(np.log_block, 13u);
    EXPECT_EQ(np.scratch_bytes, 32768u);
    np = plan_ntt_block(kH100OptIn, {1024, 0, 32}, 24, 2);  // 227 KiB: 2^14 rows of 2 columns
    EXPECT_EQ(np.log_block, 14u);
    EXPECT_EQ(np.columns, 2u);
    EXPECT_EQ(np.scratch_bytes, 131072u);
    EXPECT_EQ(np.groups, 1024u);
    // The keccakf commitment's codeword: 2^22 rows of 42 columns, 8 columns (a 32-byte segment of
    // each row) per group of 2^10 rows.
    np = plan_ntt_block(kH100, {1024, 0, 32}, 22, 42);
    EXPECT_EQ(np.log_block, 10u);
    EXPECT_EQ(np.columns, 8u);
    EXPECT_EQ(np.groups, 4096u * 6u);
    EXPECT_EQ(np.scratch_bytes, 32768u);

    np = plan_ntt_block(kH100, {1024, 0, 32}, 3, 5);  // short columns: all five in one group, one warp
    EXPECT_EQ(np.log_block, 3u);
    EXPECT_EQ(np.columns, 5u);
    EXPECT_EQ(np.lanes, 32u);
    EXPECT_EQ(np.groups, 1u);
    EXPECT_EQ(np.scratch_bytes, 160u);
    np = plan_ntt_block(kM1, {1024, 0, 32}, 1, 1);  // 8 bytes of rows, 16 of scratch, a lane a word
    EXPECT_EQ(np.log_block, 1u);
    EXPECT_EQ(np.columns, 1u);
    EXPECT_EQ(np.lanes, 2u);
    EXPECT_EQ(np.scratch_bytes, 16u);
    // Round 0's size-16 transforms over millions of columns: 64 columns (1024 rows) per group,
    // 8 words a lane.
    np = plan_ntt_block(kH100, {1024, 0, 32}, 4, 5398528);
    EXPECT_EQ(np.log_block, 4u);
    EXPECT_EQ(np.columns, 64u);
    EXPECT_EQ(np.lanes, 128u);
    EXPECT_EQ(np.groups, 84352u);
    EXPECT_EQ(np.scratch_bytes, 4096u);
}

// The device NTT's passes (core/device_ntt_plan.h): on every device and shape, block passes cover
// stages 0..log_n-1 once each, in order, in as few passes as the largest block allows, with the
// stages shared out evenly; only a transform that fits one block is fused.
TEST(DeviceNttPlan, StagesSharedOutOverAsFewBlockPassesAsFit) {
    const PipelineLimits pipe{1024, 0, 32};
    for (const NamedDevice& dev : devices())
        for (uint32_t log_n : {1u, 4u, 10u, 14u, 22u, 27u})
            for (uint32_t batch : {1u, 5u, 42u}) {
                SCOPED_TRACE(std::string(dev.name) + " log_n " + std::to_string(log_n) + " batch " +
                             std::to_string(batch));
                const gpustark::DeviceNttPlan ntt =
                    gpustark::plan_device_ntt(dev.limits, pipe, {log_n, batch}, false, true);
                const uint32_t largest = plan_ntt_block(dev.limits, pipe, log_n, batch).log_block;
                ASSERT_EQ(ntt.passes.size(), (log_n + largest - 1) / largest);
                uint32_t next = 0, shortest = log_n, longest = 0;
                for (size_t i = 0; i < ntt.passes.size(); ++i) {
                    const gpustark::NttBlockPass& pass = ntt.passes[i];
                    EXPECT_EQ(pass.first_stage, next);
                    const NttParams p = ntt.pass_params(i);
                    EXPECT_EQ(p.stage, next);
                    EXPECT_EQ(p.log_block, pass.block.log_block);
                    EXPECT_EQ(p.block_columns, pass.block.columns);
                    EXPECT_LE(pass.block.scratch_bytes, dev.limits.max_group_scratch_bytes);
                    EXPECT_EQ(pass.block.groups << pass.block.log_block,
                              (uint64_t(1) << log_n) * ((batch + pass.block.columns - 1) / pass.block.columns));
                    next += pass.block.log_block;
                    shortest = std::min(shortest, pass.block.log_block);
                    longest = std::max(longest, pass.block.log_block);
                }
                EXPECT_EQ(next, log_n);
                EXPECT_LE(longest - shortest, 1u);
                EXPECT_EQ(ntt.single_pass, ntt.passes.size() == 1);
                EXPECT_EQ(ntt.params.fused != 0, ntt.single_pass);
            }
    // The keccakf codeword on an H100: 22 stages over three passes of blocks of at most 2^10 rows.
    const gpustark::DeviceNttPlan codeword = gpustark::plan_device_ntt(kH100, pipe, {22, 42}, false, false);
    ASSERT_EQ(codeword.passes.size(), 3u);
    EXPECT_EQ(codeword.passes[0].block.log_block, 8u);
    EXPECT_EQ(codeword.passes[1].first_stage, 8u);
    EXPECT_EQ(codeword.passes[2].first_stage, 15u);
    EXPECT_EQ(codeword.passes[2].block.log_block, 7u);
    EXPECT_EQ(codeword.params.row_stride, 42u);
    EXPECT_EQ(codeword.params.col_stride, 1u);
    // Round 0's size-16 NTTs over a block gathered column by column: each column's 16 values
    // together, the passes as for rows.
    const gpustark::DeviceNttPlan round0 =
        gpustark::plan_device_ntt(kH100, pipe, {4, 1000}, true, true, gpustark::NttLayout::ColumnMajor);
    EXPECT_EQ(round0.params.row_stride, 1u);
    EXPECT_EQ(round0.params.col_stride, 16u);
    EXPECT_TRUE(round0.single_pass);
}

// A codeword left in bit-reversed order: every pass addresses rows through the bit reversal and
// none fuses a bit reversal (there is no bit-reversal pass to fuse); the one pass of a short
// transform takes a coset's scale too. Inverse transforms keep natural order.
TEST(DeviceNttPlan, BitReversedOutputOnEveryPass) {
    const PipelineLimits pipe{1024, 0, 32};
    const gpustark::DeviceNttPlan codeword = gpustark::plan_device_ntt(
        kH100, pipe, {22, 42}, false, false, gpustark::NttLayout::RowMajor, gpustark::NttOutput::BitReversed);
    ASSERT_EQ(codeword.passes.size(), 3u);
    for (size_t i = 0; i < codeword.passes.size(); ++i) EXPECT_EQ(codeword.pass_params(i).fused, GS_NTT_REVERSED_OUT);
    const gpustark::DeviceNttPlan short_coset = gpustark::plan_device_ntt(
        kH100, pipe, {4, 8}, false, true, gpustark::NttLayout::RowMajor, gpustark::NttOutput::BitReversed);
    ASSERT_TRUE(short_coset.single_pass);
    EXPECT_EQ(short_coset.params.fused, GS_NTT_REVERSED_OUT | GS_NTT_FUSE_SCALE_IN);
    EXPECT_THROW(gpustark::plan_device_ntt(kH100, pipe, {22, 42}, true, false, gpustark::NttLayout::RowMajor,
                                           gpustark::NttOutput::BitReversed),
                 std::invalid_argument);
}

// The branch-free bit reversal against the definition, at every width the kernels use.
TEST(DeviceNttPlan, BitReverseMatchesTheDefinition) {
    for (uint32_t bits = 0; bits <= 32; ++bits)
        for (uint32_t x : {0u, 1u, 2u, 3u, 5u, 0x12345u, 0x7ffffffu, 0xfffffffeu, 0xffffffffu}) {
            const uint32_t in = bits == 32 ? x : x & ((1u << bits) - 1u);
            uint32_t expected = 0;
            for (uint32_t i = 0; i < bits; ++i) expected |= ((in >> i) & 1u) << (bits - 1 - i);
            EXPECT_EQ(ntt_bit_reverse(in, bits), expected) << "bits " << bits << " x " << in;
        }
}

TEST(DeviceNttBlockPlan, ImpossibleInputsThrow) {
    EXPECT_THROW(plan_ntt_block(kM1, {1024, 0, 32}, 32, 1), std::invalid_argument);
    EXPECT_THROW(plan_ntt_block(kM1, {1024, 32760, 32}, 10, 1), std::invalid_argument);  // 8 bytes left
    EXPECT_THROW(plan_ntt_block(kM1, {0, 0, 32}, 10, 1), std::invalid_argument);
    // 2^21 blocks of 2^10 rows x 1024 runs of 8 columns = 2^31 groups: one more than CUDA's grid allows.
    EXPECT_THROW(plan_ntt_block(kH100, {1024, 0, 32}, 31, 1023 * 8 + 1), std::invalid_argument);
    EXPECT_NO_THROW(plan_ntt_block(kH100, {1024, 0, 32}, 31, 1023 * 8));
}

TEST(DeviceLaunchPlan, ResidentThreads) {
    EXPECT_EQ(resident_threads(kH100, 1024), 132u * 2048u);
    EXPECT_EQ(resident_threads(kH100, 576), 132u * 1728u);  // three whole blocks per SM
    EXPECT_EQ(resident_threads(kM1, 256), 0u);              // Metal does not say
}

}  // namespace
