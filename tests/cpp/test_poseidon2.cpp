#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "core/simd/poseidon2_lanes.h"
#include "kernels/hash/hash.h"

namespace {

// PROTOCOL 2.6.
TEST(Poseidon2, KnownAnswers) {
    u32 state[16];
    for (u32 i = 0; i < 16; ++i) state[i] = i;
    p2_permute_canonical(state);
    const u32 expected[16] = {1906786279, 1737026427, 1959749225, 700325316,  1638050605, 1021608788,
                              1726691001, 1761127344, 1552405120, 417318995,  36799261,   1215172152,
                              614923223,  1300746575, 957311597,  304856115};
    for (u32 i = 0; i < 16; ++i) EXPECT_EQ(state[i], expected[i]) << "lane " << i;

    u32 zeros[16] = {};
    p2_permute_canonical(zeros);
    EXPECT_EQ(zeros[0], 1168947398u);
    EXPECT_EQ(zeros[15], 11259290u);
}

TEST(Poseidon2, LeafHashAndCompression) {
    std::vector<u32> ten = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    u32 digest[8];
    hash_row(ten.data(), 10, digest);
    const u32 expected[8] = {87136126, 1960160520, 1843710888, 1025622754, 1310518341, 1155505785, 1992950343, 1745347503};
    for (u32 i = 0; i < 8; ++i) EXPECT_EQ(digest[i], expected[i]);

    u32 left[8], right[8], out[8];
    for (u32 i = 0; i < 8; ++i) left[i] = i, right[i] = 8 + i;
    compress_digests(left, right, out);
    EXPECT_EQ(out[0], 1906786279u);
    EXPECT_EQ(out[7], 1761127344u);

    hash_row(nullptr, 0, digest);
    for (u32 i = 0; i < 8; ++i) EXPECT_EQ(digest[i], 0u);
}

// The transcript's one-state permutation: each compiled copy this CPU runs (baseline, AVX2,
// AVX-512) against the shared body, on the known answer, on all-(p - 1) and on random states.
TEST(Poseidon2, EveryOneStateCopyMatchesTheSharedBody) {
    std::mt19937 rng(7);
    std::vector<std::vector<u32>> states = {std::vector<u32>(16, 0), std::vector<u32>(16, GS_P - 1)};
    for (u32 i = 0; i < 16; ++i) states[0][i] = i;
    for (int k = 0; k < 200; ++k) {
        std::vector<u32> s(16);
        for (u32& v : s) v = rng() % GS_P;
        states.push_back(s);
    }
    states.push_back(std::vector<u32>(16, GS_P - 1));  // the largest products a lane can see
    states.push_back(std::vector<u32>(16, 0));
    for (const auto& [isa, permute] : gpustark::p2_permute_single_copies()) {
        for (const std::vector<u32>& start : states) {
            std::vector<u32> expected = start, got = start;
            p2_permute_canonical(expected.data());
            permute(got.data());
            ASSERT_EQ(got, expected) << isa;
        }
    }
    EXPECT_EQ(gpustark::p2_permute_single_copies().back().first, std::string(gpustark::poseidon2_single_isa()));
}

// Every batched copy this CPU can run (baseline and AVX2 in passes of 8 lanes, AVX-512 in one pass of
// 16) against the shared scalar body, for every partial batch size and with a row stride wider than
// the state; the dispatched copy is the widest.
TEST(Poseidon2, EveryBatchedCopyMatchesTheSharedBody) {
    const size_t stride = 19;
    for (const auto& [isa, permute_lanes] : gpustark::p2_permute_lanes_copies()) {
        std::mt19937 rng(11);
        for (size_t count = 1; count <= gpustark::kPoseidon2Lanes; ++count) {
            std::vector<u32> states(count * stride);
            for (u32& v : states) v = rng() % GS_P;
            if (count == gpustark::kPoseidon2Lanes)
                for (u32 j = 0; j < 16; ++j) states[j] = GS_P - 1;  // the largest input in one lane
            std::vector<u32> expected = states;
            for (size_t i = 0; i < count; ++i) p2_permute_canonical(expected.data() + i * stride);
            permute_lanes(states.data(), count, stride);
            ASSERT_EQ(states, expected) << isa << ", count " << count;
        }
    }
    EXPECT_EQ(gpustark::p2_permute_lanes_copies().back().first, std::string(gpustark::poseidon2_lanes_isa()));
}

}  // namespace
