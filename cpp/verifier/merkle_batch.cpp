#include "merkle_batch.h"

#include <algorithm>
#include <atomic>
#include <vector>

#include "../core/simd/poseidon2_lanes.h"
#include "../core/parallel.h"

namespace gpustark {
namespace {

constexpr size_t kDigest = 8;

// outs[i] = C(lefts[i], rights[i]), kPoseidon2Lanes at a time.
void compress_all(std::vector<const uint32_t*>& lefts, std::vector<const uint32_t*>& rights,
                  std::vector<uint32_t*>& outs) {
    for (size_t i = 0; i < outs.size(); i += kPoseidon2Lanes)
        compress_lanes(lefts.data() + i, rights.data() + i, std::min(kPoseidon2Lanes, outs.size() - i), outs.data() + i);
    lefts.clear(), rights.clear(), outs.clear();
}

// merkle_first_failure for a run of queries whose shape was checked.
long first_failure_in(const uint32_t* root, size_t num_queries, uint32_t width, size_t group, const size_t* queries,
                      size_t count, const uint32_t* opened, const uint32_t* paths, size_t depth) {
    // Leaf digests of every opened row, queries one after another.
    std::vector<uint32_t> level(count * group * kDigest), next(count * group * kDigest);
    for (size_t i = 0; i < count * group; i += kPoseidon2Lanes)
        hash_rows_lanes(opened + i * width, std::min(kPoseidon2Lanes, count * group - i), width, width,
                        level.data() + i * kDigest);

    // Each query's group of 2^log_group digests folds pairwise, in t order, to one digest.
    std::vector<const uint32_t*> lefts, rights;
    std::vector<uint32_t*> outs;
    for (size_t n = group; n > 1; n >>= 1) {
        for (size_t q = 0; q < count; ++q)
            for (size_t i = 0; i < n / 2; ++i) {
                lefts.push_back(level.data() + (q * n + 2 * i) * kDigest);
                rights.push_back(level.data() + (q * n + 2 * i + 1) * kDigest);
                outs.push_back(next.data() + (q * (n / 2) + i) * kDigest);
            }
        compress_all(lefts, rights, outs);
        std::swap(level, next);
    }

    // Up the sibling paths: the query digest is the right child where its index bit is set.
    for (size_t d = 0; d < depth; ++d) {
        for (size_t q = 0; q < count; ++q) {
            const uint32_t* current = level.data() + q * kDigest;
            const uint32_t* sibling = paths + (q * depth + d) * kDigest;
            const bool right = ((queries[q] >> d) & 1) != 0;
            lefts.push_back(right ? sibling : current);
            rights.push_back(right ? current : sibling);
            outs.push_back(next.data() + q * kDigest);
        }
        compress_all(lefts, rights, outs);
        std::swap(level, next);
    }
    for (size_t q = 0; q < count; ++q)
        if (queries[q] >= num_queries || !std::equal(root, root + kDigest, level.data() + q * kDigest)) return long(q);
    return -1;
}

}  // namespace

long merkle_first_failure(const uint32_t* root, size_t rows, uint32_t width, uint32_t log_group,
                          const size_t* queries, size_t count, const uint32_t* opened, const uint32_t* paths,
                          size_t depth) {
    if (count == 0) return -1;
    if (log_group >= 32 || rows == 0 || (rows & (rows - 1)) != 0 || (size_t(1) << log_group) > rows) return 0;
    const size_t group = size_t(1) << log_group, num_queries = rows / group;
    size_t expected_depth = 0;
    for (size_t n = num_queries; n > 1; n >>= 1) ++expected_depth;
    if (depth != expected_depth) return 0;
    // Queries are independent: runs of them on the CPU pool, then the first failure of all.
    std::atomic<long> first{long(count)};
    const size_t group_words = group * width;
    parallel_for(count, 16, [&](size_t begin, size_t end) {
        const long bad = first_failure_in(root, num_queries, width, group, queries + begin, end - begin,
                                          opened + begin * group_words, paths + begin * depth * kDigest, depth);
        if (bad < 0) return;
        long seen = first.load();
        while (long(begin) + bad < seen && !first.compare_exchange_weak(seen, long(begin) + bad)) {}
    });
    return first.load() == long(count) ? -1 : first.load();
}

}  // namespace gpustark
