// The stager over a RecordingSink: when it opens, commits and waits, and what it counts per stage.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "core/device/stager.h"
#include "core/spans.h"

namespace {

using gpustark::device::Dispatch;
using gpustark::device::RecordingSink;
using gpustark::device::StageCounters;
using gpustark::device::StageGuard;
using gpustark::device::Stager;
using gpustark::device::StagerOptions;

StagerOptions budget(uint64_t dispatches, uint64_t bytes) {
    StagerOptions o;
    o.max_dispatches = dispatches;
    o.max_bytes = bytes;
    return o;
}

Dispatch kernel(const char* name, uint64_t bytes = 0) {
    Dispatch d;
    d.kernel = name;
    d.bytes = bytes;
    return d;
}

StageCounters counters(uint64_t buffers, uint64_t kernels, uint64_t syncs) {
    StageCounters c;
    c.command_buffer_count = buffers;
    c.kernel_count = kernels;
    c.sync_count = syncs;
    return c;
}

TEST(DeviceStager, DispatchBudgetCommitsAfterTheNthDispatch) {
    RecordingSink sink;
    Stager stager(sink, budget(3, 0));
    for (int i = 0; i < 7; ++i) stager.dispatch(kernel("k"));
    EXPECT_EQ(sink.trace(),
              "begin encode:k encode:k encode:k commit begin encode:k encode:k encode:k commit begin encode:k");
    EXPECT_EQ(stager.pending_dispatches(), 1u);
    EXPECT_EQ(stager.totals(), counters(3, 7, 0));
}

TEST(DeviceStager, ByteBudgetCommitsWhenReached) {
    RecordingSink sink;
    Stager stager(sink, budget(0, 100));
    stager.dispatch(kernel("a", 40));
    stager.dispatch(kernel("b", 40));
    EXPECT_EQ(stager.pending_dispatches(), 2u);
    stager.dispatch(kernel("c", 20));  // exactly 100: committed
    stager.dispatch(kernel("d", 150)); // one heavy dispatch fills a buffer alone
    stager.dispatch(kernel("e", 1));
    EXPECT_EQ(sink.trace(), "begin encode:a encode:b encode:c commit begin encode:d commit begin encode:e");
}

TEST(DeviceStager, SyncCommitsPendingWorkThenWaitsOnce) {
    RecordingSink sink;
    Stager stager(sink, budget(32, 0));
    stager.dispatch(kernel("a"));
    stager.dispatch(kernel("b"));
    stager.sync("read root");
    EXPECT_EQ(sink.trace(), "begin encode:a encode:b commit wait");
    EXPECT_EQ(stager.totals(), counters(1, 2, 1));

    stager.sync("nothing in flight");  // no wait, no count
    EXPECT_EQ(sink.trace(), "begin encode:a encode:b commit wait");
    EXPECT_EQ(stager.totals().sync_count, 1u);

    stager.dispatch(kernel("c"));
    stager.commit();   // submitted without waiting
    stager.commit();   // nothing open: no empty buffer
    stager.sync("after an explicit commit");
    EXPECT_EQ(sink.trace(), "begin encode:a encode:b commit wait begin encode:c commit wait");
    EXPECT_EQ(stager.totals(), counters(2, 3, 2));
}

TEST(DeviceStager, SyncWaitsForEveryBufferCommittedByTheBudget) {
    RecordingSink sink;
    Stager stager(sink, budget(2, 0));
    for (int i = 0; i < 4; ++i) stager.dispatch(kernel("k"));  // two full buffers, none open
    stager.sync("read");
    EXPECT_EQ(sink.trace(), "begin encode:k encode:k commit begin encode:k encode:k commit wait");
    EXPECT_EQ(stager.totals(), counters(2, 4, 1));
}

TEST(DeviceStager, CountersPerStage) {
    RecordingSink sink;
    Stager stager(sink, budget(32, 0));
    stager.dispatch(kernel("outside"));  // totals only
    stager.sync("setup");
    {
        StageGuard g(stager, "round0");
        stager.dispatch(kernel("a"));
        stager.dispatch(kernel("b"));
        stager.sync("sample");
    }
    {
        StageGuard g(stager, "round1");
        stager.dispatch(kernel("c"));
        stager.sync("sample");
    }
    { StageGuard g(stager, "idle"); }
    const auto& stages = stager.stages();
    ASSERT_EQ(stages.size(), 3u);
    EXPECT_EQ(stages.at("round0"), counters(1, 2, 1));
    EXPECT_EQ(stages.at("round1"), counters(1, 1, 1));
    EXPECT_EQ(stages.at("idle"), counters(0, 0, 0));
    EXPECT_EQ(stager.totals(), counters(3, 4, 3));
}

TEST(DeviceStager, NestedStagesCountInclusivelyAndRepeatedStagesAccumulate) {
    RecordingSink sink;
    Stager stager(sink, budget(32, 0));
    for (int round = 0; round < 2; ++round) {
        StageGuard prove(stager, "prove");
        stager.dispatch(kernel("setup"));  // opens the buffer: counted in "prove" only
        {
            StageGuard inner(stager, "round");
            stager.dispatch(kernel("a"));
            stager.dispatch(kernel("b"));
            stager.sync("sample");
        }
    }
    EXPECT_EQ(stager.stages().at("prove"), counters(2, 6, 2));
    EXPECT_EQ(stager.stages().at("prove/round"), counters(0, 4, 2));
    EXPECT_EQ(stager.totals(), counters(2, 6, 2));
}

TEST(DeviceStager, EndStageWithoutBeginThrows) {
    RecordingSink sink;
    Stager stager(sink);
    EXPECT_THROW(stager.end_stage(), std::logic_error);
    EXPECT_THROW(stager.begin_stage(""), std::invalid_argument);
}

TEST(DeviceStager, EncodeFunctionRunsAndAThrowingEncodeCountsNothing) {
    RecordingSink sink;
    Stager stager(sink);
    int ran = 0;
    stager.dispatch(kernel("a"), [&] { ++ran; });
    EXPECT_EQ(ran, 1);
    EXPECT_THROW(stager.dispatch(kernel("bad"), [] { throw std::runtime_error("launch failed"); }),
                 std::runtime_error);
    EXPECT_EQ(stager.totals(), counters(1, 1, 0));
    EXPECT_EQ(stager.pending_dispatches(), 1u);
    stager.sync("read");
    EXPECT_EQ(sink.trace(), "begin encode:a commit wait");
}

TEST(DeviceStager, DebugLogLinePerStageOccurrence) {
    RecordingSink sink;
    std::vector<std::string> lines;
    StagerOptions o = budget(32, 0);
    o.log = [&](const std::string& line) { lines.push_back(line); };
    o.log_always = true;
    Stager stager(sink, o);
    for (int round = 0; round < 2; ++round) {
        StageGuard g(stager, "round0");
        stager.dispatch(kernel("a"));
        if (round == 0) stager.dispatch(kernel("b"));
        stager.sync("sample");
    }
    ASSERT_EQ(lines.size(), 4u);
    EXPECT_EQ(lines[0], "dispatch_sync reason=sample stage=round0");
    // The counters, then the stage's wall time (not compared: it is a measurement).
    EXPECT_EQ(lines[1].rfind("dispatch_stage name=round0 command_buffer_count=1 kernel_count=2 sync_count=1 wall_ms=", 0), 0u);
    EXPECT_EQ(lines[3].rfind("dispatch_stage name=round0 command_buffer_count=1 kernel_count=1 sync_count=1 wall_ms=", 0), 0u);
    EXPECT_EQ(stager.stages().at("round0"), counters(2, 3, 2));  // the map stays cumulative
}

TEST(DeviceStager, LogFollowsTheProcessDebugSwitch) {
    RecordingSink sink;
    std::vector<std::string> lines;
    StagerOptions o;
    o.log = [&](const std::string& line) { lines.push_back(line); };
    Stager stager(sink, o);
    const bool was = gpustark::spans::logging();
    gpustark::spans::set_logging(false);
    { StageGuard g(stager, "quiet"); }
    EXPECT_TRUE(lines.empty());
    gpustark::spans::set_logging(true);  // what GPUSTARK_LOG=debug turns on at load
    { StageGuard g(stager, "loud"); }
    gpustark::spans::set_logging(was);
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_EQ(lines[0].rfind("dispatch_stage name=loud command_buffer_count=0 kernel_count=0 sync_count=0 wall_ms=", 0), 0u);
}

}  // namespace
