// A Merkle tree's words kept where the Metal kernels wrote them: the matrix and every level in
// shared buffers, which the host reads directly (unified memory), so an opening copies only its
// own rows and path digests, and nothing is downloaded when the tree is built.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "../../core/merkle_tree.h"
#include "metal_device.h"

namespace gpustark {
namespace metal {

class MetalMerkleStore final : public MerkleStore {
public:
    // The kernels that fill the buffers must have completed. Level k starts at word offsets[k] of
    // `levels` and holds rows >> k digests.
    MetalMerkleStore(BufferPtr matrix, BufferPtr levels, size_t rows, uint32_t width, std::vector<size_t> offsets);
    void read(const std::vector<size_t>& rows, const std::vector<MerkleNode>& nodes, uint32_t* row_words,
              uint32_t* node_words) const override;
    std::vector<uint32_t> matrix() const override;
    std::vector<uint32_t> level(uint32_t k) const override;

private:
    BufferPtr matrix_, levels_;
    size_t rows_;
    uint32_t width_;
    std::vector<size_t> offsets_;
};

}  // namespace metal
}  // namespace gpustark
