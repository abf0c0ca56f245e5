// The stacked PCS commitment (PROTOCOL 6): lay trace columns out in a stacked matrix of height
// 2^(l_skip + n_stack), encode every stacked column with the eval-to-coeff Reed-Solomon code and
// commit to the codeword rows with a grouped Merkle tree (2^k rows per query).
//
// All buffers hold canonical u32 field elements, row-major: element (row, col) of an R x W
// matrix is at [row * W + col].
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "../core/backend.h"
#include "../core/merkle_tree.h"
#include "../core/stacked_layout.h"
#include "../core/stacked_matrix.h"

namespace gpustark {

// PROTOCOL 6.1. `matrices` are (log_h, width) pairs sorted by descending log_h; a width-0
// matrix takes no slot. Throws std::invalid_argument on unsorted input or log_h > log height.
StackedLayout stacked_layout(uint32_t l_skip, uint32_t log_stacked_height,
                             const std::vector<std::pair<uint32_t, uint32_t>>& matrices);

// The committed data a prover keeps for the opening phases.
struct StackedPcsData {
    StackedLayout layout;
    uint32_t l_skip = 0, n_stack = 0, log_blowup = 0, k = 0;
    MerkleTree tree;  // over the codeword, 2^(m + log_blowup) x width (kept by the tree)
    // The stacked matrix and its RS messages (multilinear coefficient tables), both 2^m x width,
    // where the committing backend keeps them (host memory on the CPU, device memory on a GPU),
    // and that backend.
    std::shared_ptr<StackedMatrix> stacked;
    const Backend* stacked_backend = nullptr;

    uint32_t log_stacked_height() const { return l_skip + n_stack; }
    size_t height() const { return size_t(1) << log_stacked_height(); }
    uint32_t width() const { return layout.width; }
    Digest root() const { return tree.root(); }
    // Copies (from the device, on a GPU).
    std::vector<uint32_t> matrix() const { return stacked->matrix_words(); }
    std::vector<uint32_t> message() const { return stacked->message_words(); }
    std::vector<uint32_t> codeword() const { return tree.matrix(); }
};

// The commit's matrix and message on `backend`: those the commitment left there, else a copy.
std::shared_ptr<StackedMatrix> stacked_on(const StackedPcsData& d, Backend& backend);

// The whole commitment. `traces` must be sorted by descending height (powers of two, each at
// most 2^(l_skip + n_stack)) and have at least one column in total.
StackedPcsData stacked_commit(const std::vector<TraceView>& traces, uint32_t l_skip, uint32_t n_stack,
                              uint32_t log_blowup, uint32_t k, Backend& backend);

}  // namespace gpustark
