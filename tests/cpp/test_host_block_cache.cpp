// The host block cache (core/host_block_cache.h): freed blocks are handed out again to requests of
// their size, never beyond the peak of blocks in use, and release() gives them back. The cache is
// process-wide, so each test looks at differences in its counters, not at their values.
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "core/host_block_cache.h"
#include "core/host_memory.h"

namespace {

namespace hc = gpustark::host_cache;
constexpr size_t kMiB = size_t(1) << 20;

TEST(HostBlockCache, AFreedBlockServesTheNextRequestOfItsSize) {
    hc::release();
    void* a = hc::take(40 * kMiB);
    ASSERT_NE(a, nullptr);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(a) % (2 * kMiB), 0u) << "blocks are 2 MiB aligned";
    static_cast<char*>(a)[40 * kMiB - 1] = 1;  // the whole block is usable
    hc::give(a, 40 * kMiB);
    const hc::Stats before = hc::stats();
    EXPECT_GE(before.cached_bytes, 40 * kMiB);
    void* b = hc::take(40 * kMiB - 3);  // the same 2 MiB-rounded size
    const hc::Stats after = hc::stats();
    EXPECT_EQ(b, a);
    EXPECT_EQ(after.hits, before.hits + 1);
    EXPECT_EQ(after.misses, before.misses);
    hc::give(b, 40 * kMiB);
}

TEST(HostBlockCache, ABlockMuchLargerThanTheRequestIsNotUsed) {
    hc::release();
    void* big = hc::take(64 * kMiB);
    hc::give(big, 64 * kMiB);
    const hc::Stats before = hc::stats();
    void* small = hc::take(16 * kMiB);  // 64 MiB is more than 1/8 above 16 MiB
    EXPECT_EQ(hc::stats().misses, before.misses + 1);
    hc::give(small, 16 * kMiB);
    hc::release();
}

TEST(HostBlockCache, LiveAndCachedBytesStayUnderThePeak) {
    hc::release();
    const size_t peak_before = hc::stats().peak_bytes;
    // Blocks of sizes that never match one another (each over 1/8 apart): every take misses,
    // and what is kept must make room for it.
    std::vector<size_t> sizes = {16 * kMiB, 24 * kMiB, 40 * kMiB, 64 * kMiB, 16 * kMiB, 96 * kMiB, 24 * kMiB};
    for (size_t s : sizes) {
        void* p = hc::take(s);
        const hc::Stats now = hc::stats();
        EXPECT_LE(now.live_bytes + now.cached_bytes, std::max(now.peak_bytes, peak_before)) << s;
        hc::give(p, s);
    }
    EXPECT_GT(hc::release(), 0u);
    EXPECT_EQ(hc::stats().cached_bytes, 0u);
}

TEST(HostBlockCache, HostVectorsTakeLargeStorageFromTheCache) {
    hc::release();
    {
        gpustark::HostVector<uint32_t> v = gpustark::uninitialized_vector<uint32_t>(8 * kMiB / 4);
        v.back() = 7;
    }
    EXPECT_GE(hc::stats().cached_bytes, 8 * kMiB);
    const hc::Stats before = hc::stats();
    {
        gpustark::HostVector<uint32_t> small(1000, 5);  // below the cache's threshold: operator new
        EXPECT_EQ(small[999], 5u);
    }
    EXPECT_EQ(hc::stats().hits + hc::stats().misses, before.hits + before.misses);
    hc::release();
}

}  // namespace
