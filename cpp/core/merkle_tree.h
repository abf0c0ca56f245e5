// A committed Merkle tree (PROTOCOL 6.4) held in host memory, and path verification.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

namespace gpustark {

using Digest = std::vector<uint32_t>;  // 8 canonical field elements

struct MerkleOpening {
    std::vector<uint32_t> rows;  // 2^log_group rows x width, in t order: rows y + t * rows/2^log_group
    std::vector<uint32_t> path;  // siblings from the query level up, 8 words each
};

struct MerkleTree {
    std::vector<uint32_t> matrix;               // the committed rows x width matrix
    size_t rows = 0;
    uint32_t width = 0;
    uint32_t log_group = 0;
    // levels[0] = leaf digests (rows x 8), ..., levels.back() = root (1 x 8).
    std::vector<std::vector<uint32_t>> levels;

    size_t num_queries() const { return rows >> log_group; }
    Digest root() const { return levels.back(); }
    MerkleOpening open(size_t query) const;
};

// Checks an opening against a root; throws nothing, returns false on any mismatch.
bool merkle_verify(const Digest& root, size_t rows, uint32_t width, uint32_t log_group, size_t query,
                   const MerkleOpening& opening);

}  // namespace gpustark
