// The MLE memory budget: packing, raising, fallback and monomial traces, with small limits.
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <stdexcept>
#include <vector>

#include "core/device/memory_budget.h"

namespace {

using gpustark::device::BatchKind;
using gpustark::device::kDefaultMleMemoryCap;
using gpustark::device::MleBatchPlan;
using gpustark::device::plan_mle_batches;
using gpustark::device::TraceMemory;

std::vector<TraceMemory> mle(std::initializer_list<uint64_t> sizes) {
    std::vector<TraceMemory> t;
    for (uint64_t s : sizes) t.push_back({s, false});
    return t;
}

std::vector<std::vector<size_t>> groups(const MleBatchPlan& p) {
    std::vector<std::vector<size_t>> g;
    for (const auto& b : p.batches) g.push_back(b.traces);
    return g;
}

TEST(DeviceMemoryBudget, PacksConsecutiveTracesUnderTheLimit) {
    MleBatchPlan p = plan_mle_batches(mle({30, 30, 30, 30, 50, 100}), 100, 1000);
    EXPECT_EQ(groups(p), (std::vector<std::vector<size_t>>{{0, 1, 2}, {3, 4}, {5}}));
    for (const auto& b : p.batches) EXPECT_EQ(b.kind, BatchKind::Packed);
    EXPECT_EQ(p.batches[0].memory_bytes, 90u);
    EXPECT_EQ(p.batches[2].memory_bytes, 100u);  // exactly the limit fits
    const auto& r = p.report;
    EXPECT_EQ(r.total_logup_traces, 6u);
    EXPECT_EQ(r.mle_trace_count, 6u);
    EXPECT_EQ(r.mle_batch_count, 3u);
    EXPECT_EQ(r.fallback_count, 0u);
    EXPECT_EQ(r.memory_limit_raises, 0u);
    EXPECT_EQ(r.peak_batch_memory_bytes, 100u);
    EXPECT_EQ(r.initial_memory_limit_bytes, 100u);
    EXPECT_EQ(r.effective_memory_limit_bytes, 100u);
}

TEST(DeviceMemoryBudget, OversizedTraceRaisesTheLimitForItselfOnly) {
    MleBatchPlan p = plan_mle_batches(mle({40, 250, 40, 40}), 100, 1000);
    EXPECT_EQ(groups(p), (std::vector<std::vector<size_t>>{{0}, {1}, {2, 3}}));
    EXPECT_EQ(p.batches[1].kind, BatchKind::Raised);
    EXPECT_EQ(p.batches[1].limit_bytes, 250u);
    EXPECT_EQ(p.batches[2].limit_bytes, 100u);  // back to the initial limit
    EXPECT_EQ(p.report.memory_limit_raises, 1u);
    EXPECT_EQ(p.report.mle_batch_count, 3u);
    EXPECT_EQ(p.report.peak_batch_memory_bytes, 250u);
    EXPECT_EQ(p.report.effective_memory_limit_bytes, 250u);
    EXPECT_EQ(p.report.fallback_count, 0u);

    p = plan_mle_batches(mle({1000}), 100, 1000);  // exactly the cap: raised, not a fallback
    EXPECT_EQ(p.batches[0].kind, BatchKind::Raised);
}

TEST(DeviceMemoryBudget, TraceAboveTheCapFallsBack) {
    MleBatchPlan p = plan_mle_batches(mle({40, 40, 5000, 40, 300}), 100, 1000);
    EXPECT_EQ(groups(p), (std::vector<std::vector<size_t>>{{0, 1}, {2}, {3}, {4}}));
    EXPECT_EQ(p.batches[1].kind, BatchKind::Fallback);
    EXPECT_EQ(p.batches[1].limit_bytes, 1000u);
    EXPECT_EQ(p.batches[3].kind, BatchKind::Raised);
    const auto& r = p.report;
    EXPECT_EQ(r.fallback_count, 1u);
    EXPECT_EQ(r.memory_limit_raises, 1u);
    EXPECT_EQ(r.mle_batch_count, 3u);             // the fallback is not a batch
    EXPECT_EQ(r.mle_trace_count, 5u);             // but its trace is still MLE-evaluated
    EXPECT_EQ(r.peak_batch_memory_bytes, 300u);   // never held whole
    EXPECT_EQ(r.effective_memory_limit_bytes, 300u);
}

TEST(DeviceMemoryBudget, MonomialTracesTakeNoMemoryAndDoNotBreakABatch) {
    std::vector<TraceMemory> t{{60, false}, {1u << 30, true}, {30, false}, {0, true}};
    MleBatchPlan p = plan_mle_batches(t, 100, 1000);
    EXPECT_EQ(groups(p), (std::vector<std::vector<size_t>>{{0, 2}}));
    EXPECT_EQ(p.batches[0].memory_bytes, 90u);
    EXPECT_EQ(p.report.total_logup_traces, 4u);
    EXPECT_EQ(p.report.monomial_trace_count, 2u);
    EXPECT_EQ(p.report.mle_trace_count, 2u);
    EXPECT_EQ(p.report.fallback_count, 0u);

    p = plan_mle_batches({{500, true}}, 100, 1000);  // only monomial traces: no batch at all
    EXPECT_TRUE(p.batches.empty());
    EXPECT_EQ(p.report.mle_batch_count, 0u);
    EXPECT_EQ(p.report.peak_batch_memory_bytes, 0u);
}

TEST(DeviceMemoryBudget, DefaultCapIsFiveGiB) {
    const uint64_t gib = uint64_t(1) << 30;
    MleBatchPlan p = plan_mle_batches(mle({4 * gib, 6 * gib, 0, 0}), gib);
    EXPECT_EQ(kDefaultMleMemoryCap, 5 * gib);
    EXPECT_EQ(p.batches[0].kind, BatchKind::Raised);
    EXPECT_EQ(p.batches[1].kind, BatchKind::Fallback);
    EXPECT_EQ(groups(p).back(), (std::vector<size_t>{2, 3}));  // zero-byte traces always fit
    EXPECT_EQ(p.report.effective_memory_limit_bytes, 4 * gib);
}

TEST(DeviceMemoryBudget, InvalidLimitsThrow) {
    EXPECT_THROW(plan_mle_batches(mle({1}), 0, 1000), std::invalid_argument);
    EXPECT_THROW(plan_mle_batches(mle({1}), 2000, 1000), std::invalid_argument);
    EXPECT_NO_THROW(plan_mle_batches({}, 1000, 1000));
}

TEST(DeviceMemoryBudget, ReportCountersInOrder) {
    auto c = plan_mle_batches(mle({1}), 10, 10).report.counters();
    ASSERT_EQ(c.size(), 9u);
    EXPECT_EQ(c.front().first, "total_logup_traces");
    EXPECT_EQ(c.back().first, "effective_memory_limit_bytes");
    EXPECT_EQ(c.back().second, 10u);
}

TEST(DeviceMemoryBudget, RandomInputsKeepEveryPromise) {
    std::mt19937_64 rng(7);
    for (int round = 0; round < 200; ++round) {
        std::vector<TraceMemory> t(rng() % 20);
        for (auto& x : t) x = {rng() % 2500, rng() % 5 == 0};
        const uint64_t limit = 1 + rng() % 400, cap = limit + rng() % 1200;
        MleBatchPlan p = plan_mle_batches(t, limit, cap);
        std::vector<size_t> seen;
        for (const auto& b : p.batches) {
            ASSERT_FALSE(b.traces.empty());
            uint64_t sum = 0;
            for (size_t i : b.traces) sum += t[i].bytes, seen.push_back(i);
            EXPECT_EQ(sum, b.memory_bytes);
            if (b.kind == BatchKind::Packed) { EXPECT_LE(sum, limit); }
            if (b.kind == BatchKind::Raised) { EXPECT_TRUE(b.traces.size() == 1 && sum > limit && sum <= cap); }
            if (b.kind == BatchKind::Fallback) { EXPECT_TRUE(b.traces.size() == 1 && sum > cap); }
            if (b.kind != BatchKind::Fallback) { EXPECT_LE(b.memory_bytes, p.report.peak_batch_memory_bytes); }
        }
        std::vector<size_t> expected;
        for (size_t i = 0; i < t.size(); ++i)
            if (!t[i].monomial) expected.push_back(i);
        EXPECT_EQ(seen, expected);  // every MLE trace exactly once, in order
        // Packing is greedy: a Packed batch is closed only by a trace that would not fit it.
        for (size_t b = 0; b + 1 < p.batches.size(); ++b) {
            const auto& cur = p.batches[b];
            const auto& next = p.batches[b + 1];
            if (cur.kind == BatchKind::Packed && next.kind == BatchKind::Packed) {
                EXPECT_GT(cur.memory_bytes + t[next.traces[0]].bytes, limit);
            }
        }
        EXPECT_EQ(p.report.mle_batch_count + p.report.fallback_count, p.batches.size());
        EXPECT_EQ(p.report.mle_trace_count + p.report.monomial_trace_count, t.size());
        EXPECT_GE(p.report.effective_memory_limit_bytes, limit);
        EXPECT_LE(p.report.effective_memory_limit_bytes, cap);
    }
}

}  // namespace
