// Backend::encode_and_commit on every backend against the CPU's composition of its primitives
// (zero-padded message, forward NTT, Merkle tree): the same codeword kept in the tree, the same
// levels.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "backend_cases.h"
#include "backends/builtin.h"
#include "core/backend.h"

namespace {

using test_support::backend_names;
using test_support::random_ef;
using test_support::random_fp;

TEST(EncodeAndCommit, EveryBackendMatchesNttThenMerkle) {
    for (const std::string& name : backend_names())
        for (uint32_t width : {1u, 4u, 11u}) {
            std::mt19937 rng(width);
            const size_t message_rows = 16;
            const uint32_t log_rows = 6, log_group = 2;
            std::vector<uint32_t> message(message_rows * width);
            for (uint32_t& v : message) v = rng() % GS_P;
            gpustark::Backend& cpu = gpustark::get_backend("cpu");
            std::vector<uint32_t> codeword((size_t(1) << log_rows) * width, 0);
            std::copy(message.begin(), message.end(), codeword.begin());
            cpu.ntt(codeword.data(), {log_rows, width}, false, 1);
            gpustark::MerkleTree want = cpu.merkle_tree(codeword.data(), size_t(1) << log_rows, width, log_group);
            gpustark::MerkleTree got =
                gpustark::get_backend(name).encode_and_commit(message.data(), message_rows, width, log_rows, log_group);
            EXPECT_EQ(got.matrix, want.matrix) << name << " width " << width;
            EXPECT_EQ(got.levels, want.levels) << name << " width " << width;
            EXPECT_EQ(got.rows, want.rows);
            EXPECT_EQ(got.log_group, want.log_group);
        }
}

TEST(EncodeAndCommit, RejectsAMessageLongerThanTheCodeword) {
    std::vector<uint32_t> message(8, 1);
    EXPECT_THROW(gpustark::get_backend("cpu").encode_and_commit(message.data(), 8, 1, 2, 0), std::invalid_argument);
}

}  // namespace
