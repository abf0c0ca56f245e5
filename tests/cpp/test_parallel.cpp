#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <stdexcept>
#include <thread>
#include <vector>

#ifdef __linux__
#include <sched.h>
#endif

#include "core/cpu_count.h"
#include "core/host_memory.h"
#include "core/parallel.h"

namespace {

TEST(Parallel, EveryIndexOnceEvenWhenNested) {
    std::vector<std::atomic<int>> hits(10007);
    gpustark::parallel_for(hits.size(), 1, [&](size_t b, size_t e) {
        for (size_t i = b; i < e; ++i) {
            hits[i]++;
            gpustark::parallel_for(3, 1, [&](size_t, size_t) {});  // nested: runs inline
        }
    });
    for (auto& h : hits) ASSERT_EQ(h.load(), 1);
}

TEST(Parallel, ExceptionsReachTheCaller) {
    EXPECT_THROW(gpustark::parallel_for(1000, 1, [](size_t b, size_t) {
                     if (b > 0) throw std::runtime_error("boom");
                 }),
                 std::runtime_error);
    size_t total = 0;
    gpustark::parallel_for(10, 100, [&](size_t b, size_t e) { total += e - b; });  // one chunk: inline
    EXPECT_EQ(total, 10u);
}

// zeroed_vector zeroes on every thread: the result must be all zeros, at sizes around the 8 MiB
// where buffers start coming from the host block cache and at odd lengths, also where the cache
// hands back a block a freed buffer had filled.
TEST(HostMemory, ZeroedVectorsAreZeroAtEverySize) {
    for (size_t n : {size_t(0), size_t(1), (size_t(8) << 20) / 4 - 1, (size_t(8) << 20) / 4 + 1, (size_t(24) << 20) / 4 + 3}) {
        {
            gpustark::HostVector<uint32_t> dirty(n, 0xffffffffu);  // freed below, its block kept for reuse
        }
        const gpustark::HostVector<uint32_t> v = gpustark::zeroed_vector<uint32_t>(n);
        ASSERT_EQ(v.size(), n);
        size_t nonzero = 0;
        for (uint32_t x : v) nonzero += x != 0;
        EXPECT_EQ(nonzero, 0u) << "n = " << n;
    }
}

// cgroup quotas as container runtimes write them: whole and fractional CPUs round up, no limit and
// unreadable text give 0 (the hardware count stands).
TEST(CpuCount, CgroupQuotasRoundUpAndMaxMeansNoLimit) {
    EXPECT_EQ(gpustark::cgroup_v2_cpu_limit("1600000 100000\n"), 16u);
    EXPECT_EQ(gpustark::cgroup_v2_cpu_limit("150000 100000"), 2u);
    EXPECT_EQ(gpustark::cgroup_v2_cpu_limit("50000 100000"), 1u);
    EXPECT_EQ(gpustark::cgroup_v2_cpu_limit("max 100000\n"), 0u);
    EXPECT_EQ(gpustark::cgroup_v2_cpu_limit(""), 0u);
    EXPECT_EQ(gpustark::cgroup_v2_cpu_limit("12x 100000"), 0u);
    EXPECT_EQ(gpustark::cgroup_v2_cpu_limit("100000 0"), 0u);
    EXPECT_EQ(gpustark::cgroup_v1_cpu_limit(-1, 100000), 0u);
    EXPECT_EQ(gpustark::cgroup_v1_cpu_limit(400000, 100000), 4u);
    EXPECT_EQ(gpustark::cgroup_v1_cpu_limit(250000, 100000), 3u);
}

// The pool never counts more CPUs than the process may run on (its affinity mask, which taskset
// and container runtimes narrow), and always at least one.
TEST(CpuCount, AvailableCpusWithinTheHardwareAndTheAffinityMask) {
    const size_t cpus = gpustark::available_cpus();
    EXPECT_GE(cpus, 1u);
    EXPECT_LE(cpus, std::max(1u, std::thread::hardware_concurrency()));
#ifdef __linux__
    cpu_set_t mask;
    ASSERT_EQ(sched_getaffinity(0, sizeof(mask), &mask), 0);
    EXPECT_LE(cpus, size_t(CPU_COUNT(&mask)));
#endif
}

}  // namespace
