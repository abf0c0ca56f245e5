// A committed Merkle tree kept in device memory (core/merkle_tree.h): the matrix (a codeword) and
// every digest level stay where the GPU computed them, and openings gather only their rows and
// path digests. A keccakf codeword is 2^22 x 42 words; a proof opens a few hundred of its rows.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "../../core/merkle_tree.h"
#include "cuda_backend.h"
#include "device_buffer.h"

namespace gpustark {

class CudaMerkleStore final : public MerkleStore {
public:
    // `matrix`: rows x width words; `levels`: every level, level k at level_offsets[k] (words),
    // the last entry the total. Both filled by work already enqueued on the backend's stream.
    // Construct outside any Call, or at its very end: the destructor drains the stream.
    CudaMerkleStore(CudaBackend& backend, cuda::DeviceBuffer matrix, cuda::DeviceBuffer levels, size_t rows,
                    uint32_t width, std::vector<size_t> level_offsets);
    ~CudaMerkleStore() override { backend_.drain(); }

    // One upload of the start offsets, two gathers and one download.
    void read(const std::vector<size_t>& rows, const std::vector<MerkleNode>& nodes, uint32_t* row_words,
              uint32_t* node_words) const override;
    std::vector<uint32_t> matrix() const override;
    std::vector<uint32_t> level(uint32_t k) const override;

private:
    std::vector<uint32_t> download_words(const uint32_t* device_words, size_t count, const char* what) const;

    CudaBackend& backend_;
    cuda::DeviceBuffer matrix_, levels_;
    size_t rows_;
    uint32_t width_;
    std::vector<size_t> level_offsets_;
};

}  // namespace gpustark
