#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <vector>

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

}  // namespace
