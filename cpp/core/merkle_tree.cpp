#include "merkle_tree.h"

#include <stdexcept>

#include "../kernels/merkle/merkle.h"

namespace gpustark {

MerkleOpening MerkleTree::open(size_t query) const {
    size_t stride = num_queries();
    if (query >= stride) throw std::out_of_range("query index out of range");
    MerkleOpening out;
    for (size_t t = 0; t < (size_t(1) << log_group); ++t) {
        const uint32_t* row = matrix.data() + (query + t * stride) * width;
        out.rows.insert(out.rows.end(), row, row + width);
    }
    size_t index = query;
    for (size_t level = log_group; level + 1 < levels.size(); ++level) {
        const uint32_t* sibling = levels[level].data() + (index ^ 1) * GS_DIGEST_WIDTH;
        out.path.insert(out.path.end(), sibling, sibling + GS_DIGEST_WIDTH);
        index >>= 1;
    }
    return out;
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
