#include "metal_merkle_store.h"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "../../kernels/hash/poseidon2.h"

namespace gpustark {
namespace metal {

MetalMerkleStore::MetalMerkleStore(BufferPtr matrix, BufferPtr levels, size_t rows, uint32_t width,
                                   std::vector<size_t> offsets)
    : matrix_(std::move(matrix)), levels_(std::move(levels)), rows_(rows), width_(width), offsets_(std::move(offsets)) {}

void MetalMerkleStore::read(const std::vector<size_t>& rows, const std::vector<MerkleNode>& nodes,
                            uint32_t* row_words, uint32_t* node_words) const {
    const uint32_t* matrix = matrix_->as<const uint32_t>();
    const uint32_t* levels = levels_->as<const uint32_t>();
    for (size_t i = 0; i < rows.size(); ++i) {
        if (rows[i] >= rows_) throw std::out_of_range("metal merkle store: row " + std::to_string(rows[i]) + " of " + std::to_string(rows_));
        std::copy_n(matrix + rows[i] * width_, width_, row_words + i * width_);
    }
    for (size_t i = 0; i < nodes.size(); ++i) {
        const MerkleNode& n = nodes[i];
        if (size_t(n.level) + 1 >= offsets_.size() || n.index >= (rows_ >> n.level))
            throw std::out_of_range("metal merkle store: node " + std::to_string(n.index) + " of level " +
                                    std::to_string(n.level));
        std::copy_n(levels + offsets_[n.level] + n.index * GS_DIGEST_WIDTH, GS_DIGEST_WIDTH,
                    node_words + i * GS_DIGEST_WIDTH);
    }
}

std::vector<uint32_t> MetalMerkleStore::matrix() const {
    const uint32_t* m = matrix_->as<const uint32_t>();
    return std::vector<uint32_t>(m, m + rows_ * size_t(width_));
}

std::vector<uint32_t> MetalMerkleStore::level(uint32_t k) const {
    if (size_t(k) + 1 >= offsets_.size()) throw std::out_of_range("metal merkle store: level " + std::to_string(k));
    const uint32_t* l = levels_->as<const uint32_t>() + offsets_[k];
    return std::vector<uint32_t>(l, l + (rows_ >> k) * GS_DIGEST_WIDTH);
}

}  // namespace metal
}  // namespace gpustark
