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
            EXPECT_EQ(got.matrix(), want.matrix()) << name << " width " << width;
            ASSERT_EQ(got.num_levels(), want.num_levels());
            for (uint32_t k = 0; k < got.num_levels(); ++k)
                EXPECT_EQ(got.level(k), want.level(k)) << name << " width " << width << " level " << k;
            EXPECT_EQ(got.root(), want.root());
            // Openings read from the backend's store (device memory on a GPU) match the host's.
            const std::vector<size_t> queries = {0, 3, 1, 15, 3};
            const std::vector<gpustark::MerkleOpening> a = got.open_many(queries), b = want.open_many(queries);
            for (size_t q = 0; q < queries.size(); ++q) {
                EXPECT_EQ(a[q].rows, b[q].rows) << name << " query " << queries[q];
                EXPECT_EQ(a[q].path, b[q].path) << name << " query " << queries[q];
            }
            EXPECT_EQ(got.rows, want.rows);
            EXPECT_EQ(got.log_group, want.log_group);
        }
}

// A codeword of 2^15 rows takes several NTT passes on a GPU, so its bit reversal runs on its own and
// reads only the message's half when the message fits in it (GS_NTT_UPPER_HALF_ZERO).
TEST(EncodeAndCommit, LongCodewordsOfEveryMessageLength) {
    const uint32_t log_rows = 15, width = 2, log_group = 1;
    const size_t n = size_t(1) << log_rows;
    for (const std::string& name : backend_names())
        for (size_t message_rows : {size_t(1), n / 2 - 3, n / 2, n / 2 + 1, n}) {
            std::mt19937 rng{uint32_t(message_rows)};
            std::vector<uint32_t> codeword(n * width, 0);
            for (size_t i = 0; i < message_rows * width; ++i) codeword[i] = rng() % GS_P;
            const std::vector<uint32_t> message(codeword.begin(), codeword.begin() + message_rows * width);
            gpustark::Backend& cpu = gpustark::get_backend("cpu");
            cpu.ntt(codeword.data(), {log_rows, width}, false, 1);
            gpustark::MerkleTree got =
                gpustark::get_backend(name).encode_and_commit(message.data(), message_rows, width, log_rows, log_group);
            EXPECT_EQ(got.matrix(), codeword) << name << " message rows " << message_rows;
            EXPECT_EQ(got.root(), cpu.merkle_tree(codeword.data(), n, width, log_group).root()) << name;
        }
}

TEST(EncodeAndCommit, RejectsAMessageLongerThanTheCodeword) {
    std::vector<uint32_t> message(8, 1);
    EXPECT_THROW(gpustark::get_backend("cpu").encode_and_commit(message.data(), 8, 1, 2, 0), std::invalid_argument);
}

}  // namespace
