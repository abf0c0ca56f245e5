#include "merkle_tree.h"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "../kernels/merkle/merkle.h"

namespace gpustark {

void HostMerkleStore::read(const std::vector<size_t>& rows, const std::vector<MerkleNode>& nodes, uint32_t* row_words,
                           uint32_t* node_words) const {
    for (size_t i = 0; i < rows.size(); ++i)
        std::copy_n(matrix_.data() + rows[i] * width_, width_, row_words + i * width_);
    for (size_t i = 0; i < nodes.size(); ++i)
        std::copy_n(levels_.at(nodes[i].level).data() + nodes[i].index * GS_DIGEST_WIDTH, GS_DIGEST_WIDTH,
                    node_words + i * GS_DIGEST_WIDTH);
}

MerkleTree MerkleTree::in_host_memory(HostVector<uint32_t> matrix, size_t rows, uint32_t width, uint32_t log_group,
                                      std::vector<HostVector<uint32_t>> levels) {
    MerkleTree tree;
    tree.rows = rows;
    tree.width = width;
    tree.log_group = log_group;
    tree.root_digest.assign(levels.back().begin(), levels.back().end());
    tree.store = std::make_shared<HostMerkleStore>(std::move(matrix), width, std::move(levels));
    return tree;
}

uint32_t MerkleTree::num_levels() const {
    uint32_t levels = 1;
    for (size_t n = rows; n > 1; n >>= 1) ++levels;
    return levels;
}

std::vector<MerkleOpening> MerkleTree::open_many(const std::vector<size_t>& queries) const {
    const size_t stride = num_queries(), group = size_t(1) << log_group;
    const uint32_t path_length = num_levels() - 1 - log_group;  // siblings from the query level to below the root
    std::vector<size_t> rows_wanted;
    std::vector<MerkleNode> nodes_wanted;
    for (size_t query : queries) {
        if (query >= stride) throw std::out_of_range("query index out of range");
        for (size_t t = 0; t < group; ++t) rows_wanted.push_back(query + t * stride);
        size_t index = query;
        for (uint32_t level = log_group; level < log_group + path_length; ++level, index >>= 1)
            nodes_wanted.push_back({level, index ^ 1});
    }
    std::vector<uint32_t> row_words(rows_wanted.size() * width), node_words(nodes_wanted.size() * GS_DIGEST_WIDTH);
    store->read(rows_wanted, nodes_wanted, row_words.data(), node_words.data());
    std::vector<MerkleOpening> out(queries.size());
    const size_t rows_per_query = group * width, words_per_path = size_t(path_length) * GS_DIGEST_WIDTH;
    for (size_t q = 0; q < queries.size(); ++q) {
        out[q].rows.assign(row_words.begin() + q * rows_per_query, row_words.begin() + (q + 1) * rows_per_query);
        out[q].path.assign(node_words.begin() + q * words_per_path, node_words.begin() + (q + 1) * words_per_path);
    }
    return out;
}

std::vector<size_t> merkle_level_offsets(size_t rows, uint32_t log_rows) {
    std::vector<size_t> offsets(log_rows + 2);
    size_t total = 0;
    for (uint32_t k = 0; k <= log_rows; ++k) {
        offsets[k] = total;
        total += (rows >> k) * GS_DIGEST_WIDTH;
    }
    offsets[log_rows + 1] = total;
    return offsets;
}

void check_device_tree_shape(size_t rows, uint32_t log_group, const char* what) {
    if (rows == 0 || (rows & (rows - 1)) != 0)
        throw std::invalid_argument(std::string(what) + ": rows must be a power of two, got " + std::to_string(rows));
    if (log_group >= 64 || (size_t(1) << log_group) > rows)
        throw std::invalid_argument(std::string(what) + ": log_group " + std::to_string(log_group) +
                                    " exceeds log2(rows)");
    if (uint64_t(rows) * GS_DIGEST_WIDTH > 0xffffffffull)
        throw std::invalid_argument(std::string(what) + ": rows * 8 = " + std::to_string(uint64_t(rows) * 8) +
                                    " must fit in 32 bits");
}

bool merkle_verify(const Digest& root, size_t rows, uint32_t width, uint32_t log_group, size_t query,
                   const MerkleOpening& opening) {
    size_t group = size_t(1) << log_group;
    if (root.size() != GS_DIGEST_WIDTH || rows % group != 0 || query >= rows / group) return false;
    if (opening.rows.size() != group * width) return false;
    size_t depth = 0;
    for (size_t n = rows / group; n > 1; n >>= 1) ++depth;
    if (opening.path.size() != depth * GS_DIGEST_WIDTH) return false;

    // Rebuild the query digest from the group's rows: leaves, then pairs in t order.
    std::vector<uint32_t> nodes(group * GS_DIGEST_WIDTH);
    for (size_t t = 0; t < group; ++t) hash_row(opening.rows.data() + t * width, width, nodes.data() + t * GS_DIGEST_WIDTH);
    for (size_t n = group; n > 1; n >>= 1)
        for (size_t i = 0; i < n / 2; ++i)
            compress_digests(nodes.data() + 2 * i * GS_DIGEST_WIDTH, nodes.data() + (2 * i + 1) * GS_DIGEST_WIDTH,
                             nodes.data() + i * GS_DIGEST_WIDTH);
    uint32_t current[GS_DIGEST_WIDTH], next[GS_DIGEST_WIDTH];
    for (size_t i = 0; i < GS_DIGEST_WIDTH; ++i) current[i] = nodes[i];
    size_t index = query;
    for (size_t level = 0; level < depth; ++level, index >>= 1) {
        const uint32_t* sibling = opening.path.data() + level * GS_DIGEST_WIDTH;
        if (index & 1) compress_digests(sibling, current, next);
        else compress_digests(current, sibling, next);
        for (size_t i = 0; i < GS_DIGEST_WIDTH; ++i) current[i] = next[i];
    }
    for (size_t i = 0; i < GS_DIGEST_WIDTH; ++i)
        if (current[i] != root[i]) return false;
    return true;
}

}  // namespace gpustark
