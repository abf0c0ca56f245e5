#include <gtest/gtest.h>

#include <random>

#include "backends/builtin.h"
#include "core/backend.h"

namespace {

TEST(Merkle, OpeningsVerifyAndTamperingFails) {
    gpustark::register_builtin_backends();
    std::mt19937 rng(4);
    const size_t rows = 32;
    const uint32_t width = 3, log_group = 2;
    std::vector<uint32_t> matrix(rows * width);
    for (auto& v : matrix) v = rng() % GS_P;
    gpustark::MerkleTree tree = gpustark::get_backend("cpu").merkle_tree(matrix.data(), rows, width, log_group);
    ASSERT_EQ(tree.num_levels(), 6u);
    for (size_t q = 0; q < tree.num_queries(); ++q) {
        gpustark::MerkleOpening o = tree.open(q);
        EXPECT_TRUE(gpustark::merkle_verify(tree.root(), rows, width, log_group, q, o));
        // The group is the strided fibre: row q + t * rows / 4.
        EXPECT_EQ(o.rows[width], matrix[(q + rows / 4) * width]);
        gpustark::MerkleOpening bad = o;
        bad.rows[1] = (bad.rows[1] + 1) % GS_P;
        EXPECT_FALSE(gpustark::merkle_verify(tree.root(), rows, width, log_group, q, bad));
        bad = o;
        bad.path[0] ^= 1;
        EXPECT_FALSE(gpustark::merkle_verify(tree.root(), rows, width, log_group, q, bad));
    }
}

}  // namespace
